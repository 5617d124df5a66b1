"""Results follow-up in a real browser: an admin creates a result and links it to the
proposal it came from; a visitor sees the « issu de la participation » label on the
proposal and the dashboard. Every page type is checked with axe."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
SPACE = "/place-du-marche/"


@pytest.fixture
def with_results(world):
    pytest.importorskip("beffroi_accountability", reason="the results plugin is not installed")
    pytest.importorskip("beffroi_proposals", reason="the proposals plugin is not installed")
    from beffroi.spaces import enable_module
    from beffroi_proposals.models import add_proposal
    with world.tx() as app:
        org = app.organisation_for_host(COMMUNE)
        space = org.spaces["place-du-marche"]
        proposals = enable_module(world.plugins, org, space, "proposals")
        enable_module(world.plugins, org, space, "results")
        add_proposal(proposals, "Des bancs à l'ombre sur la place",
                     "La place manque d'endroits où s'asseoir **à l'ombre**.", "markdown", None)
    return world


def log_in(page, live, email):
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)) \
        .fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("button", name=re.compile("Se déconnecter|Log out"))).to_be_visible()


def test_an_admin_links_a_result_and_a_visitor_sees_the_label(with_results, live, page, axe):
    log_in(page, live, "admin@commune.localhost")
    page.goto(live.url(COMMUNE, SPACE + "results/"))
    expect(page.locator("h1")).to_have_text("Résultats")
    axe(page, "results: listing (empty)")
    page.get_by_role("link", name="Nouveau résultat").click()
    expect(page.locator("h1")).to_have_text("Nouveau résultat")
    axe(page, "results: new result")
    main = page.locator("main")
    main.get_by_label("Titre").fill("Six bancs installés")
    main.get_by_label("Avancement (%)").fill("140")
    main.get_by_label("Catégorie").fill("Cadre de vie")
    main.locator("button[type=submit]").click()
    expect(main.get_by_text("Écrivez un avancement de 0 à 100.")).to_be_visible()
    axe(page, "results: form with an error")
    main.get_by_label("Avancement (%)").fill("60")
    main.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Six bancs installés")
    page.get_by_role("link", name="Lier à ce dont il est issu").click()
    expect(page.locator("h1")).to_have_text("Lier le résultat à ce dont il est issu")
    axe(page, "results: link to origins")
    page.get_by_label(re.compile("^Ou l'adresse d'un élément")).fill(
        live.url(COMMUNE, SPACE + "proposals/1/"))
    page.get_by_role("button", name="Lier", exact=True).click()
    expect(page.locator(".item-links-origins")).to_contain_text("Des bancs à l'ombre sur la place")
    axe(page, "results: result page (admin)")
    page.goto(live.url(COMMUNE, SPACE + "results/import"))
    expect(page.locator("h1")).to_have_text("Importer des résultats depuis un fichier CSV")
    axe(page, "results: CSV import")

    visitor = page.context.browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    try:
        visitor.goto(live.url(COMMUNE, SPACE + "proposals/"))
        expect(visitor.locator("li.card .participation-label")).to_contain_text(
            "Issu de la participation")
        axe(visitor, "proposals: listing with the label")
        visitor.locator("li.card h2 a").first.click()
        expect(visitor.locator("h1")).to_have_text("Des bancs à l'ombre sur la place")
        expect(visitor.locator("article .participation-label")).to_be_visible()
        expect(visitor.locator(".item-links-outcomes")).to_contain_text("Six bancs installés")
        axe(visitor, "proposals: proposal with the label")
        visitor.goto(live.url(COMMUNE, SPACE + "results/dashboard"))
        expect(visitor.locator("#category-table tbody th")).to_have_text(["Cadre de vie"])
        expect(visitor.get_by_role("img", name=re.compile("Avancement par catégorie"))).to_be_visible()
        axe(visitor, "results: dashboard")
    finally:
        visitor.context.close()
