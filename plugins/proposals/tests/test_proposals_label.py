"""The « issu de la participation » label on a proposal's page and its listing card, when
the core's links say it led to a result (any module may record that)."""
from __future__ import annotations

from beffroi.api import link_items, unlink_items

LABEL = "Issu de la participation"


def _labelled_cards(page):
    return [card.select_one("h2 a").text for card in page.html.select("li.card")
            if card.select_one(".participation-label")]


def test_a_proposal_that_led_to_a_result_carries_the_label(site):
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    first = site.create(ana, title="Des bancs sur la place").location
    site.create(ana, title="Une fontaine sur la place")
    visitor = site.browser()
    assert LABEL not in visitor.get(first).text and _labelled_cards(visitor.get("/budget/proposals/")) == []
    with site.platform.tx() as app:
        container = site.container(app)
        # a stand-in for a result of another module: the second proposal
        link_items(container["1"], container["2"], "led_to_result")
    page = visitor.get(first)
    label = page.html.select_one("article .participation-label")
    assert label.text.startswith("✦ " + LABEL)
    assert "décision publique issue de la participation" in label.select_one(".visually-hidden").text
    assert [a.text for a in page.html.select(".item-links-outcomes a")] == ["Une fontaine sur la place"]
    assert sorted(_labelled_cards(visitor.get("/budget/proposals/"))) == [
        "Des bancs sur la place", "Une fontaine sur la place"]
    with site.platform.tx() as app:
        container = site.container(app)
        unlink_items(container["1"], container["2"], "led_to_result")
    assert LABEL not in visitor.get(first).text
    assert _labelled_cards(visitor.get("/budget/proposals/")) == []
