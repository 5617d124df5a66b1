"""The demo platform shows results linked to the demo proposals, with the label."""
from __future__ import annotations

import pytest

from beffroi.devkit.demo import create_demo
from beffroi.devkit.testing import assert_accessible

pytestmark = pytest.mark.beffroi_db("memory")      # no blobs here: faster


def test_the_demo_links_results_to_proposals_so_the_label_appears(platform):
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    browser = platform.browser("commune.localhost")
    results = browser.get("/place-du-marche/results/")
    assert "Six bancs à l'ombre des platanes" in results.html.text
    listing = browser.get("/place-du-marche/proposals/")
    labelled = [card.select_one("h2 a").text for card in listing.html.select("li.card")
                if card.select_one(".participation-label")]
    assert sorted(labelled) == ["Des bancs à l'ombre sur la place",
                                "Rénover l'éclairage public du centre",
                                "Une piste cyclable continue jusqu'à la gare"]
    proposal = browser.get(listing.html.select_one("li.card .participation-label")
                           .find_parent("li").select_one("h2 a")["href"])
    assert "Issu de la participation" in proposal.html.text
    assert proposal.html.select(".item-links-outcomes a")
    dashboard = browser.get("/place-du-marche/results/dashboard")
    assert [th.text for th in dashboard.html.select("#category-table tbody th")] == [
        "Cadre de vie", "Mobilités", "Énergie"]
    for page in (results, proposal, dashboard,
                 browser.get("/place-du-marche/results/six-bancs-a-l-ombre-des-platanes/")):
        assert_accessible(page.text)
