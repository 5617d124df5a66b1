"""Every page type of the budgets module in a real browser, axe-clean, and a vote built
and confirmed with the keyboard-free path a mouse user takes (no JavaScript needed)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
pytest.importorskip("beffroi_budgets", reason="the budgets plugin is not installed")

HOST = "budgets.localhost"


@pytest.fixture
def budget_world(platform):
    from beffroi_budgets.models import add_budget, add_project
    from beffroi_budgets.voting import count_in
    platform.add_org("Commune des Budgets", HOST)
    platform.add_space(HOST, "quartiers", "Nos quartiers", modules=["budgets"])
    platform.add_user(HOST, "ana@budgets.localhost", "Ana Habitante")
    platform.add_user(HOST, "admin@budgets.localhost", "Alex Admin",
                      space_roles={"quartiers": ["admin"]})
    with platform.tx() as app:
        container = app.organisation_for_host(HOST).spaces["quartiers"]["budgets"]
        budget = add_budget(container, "Budget du Centre", 100_000, "Le **centre** choisit.",
                            territory="Centre", vote_rule="minimum", minimum_percent=20)
        for title, cost in (("Jardin partagé", 30_000), ("Fontaine", 25_000), ("Vélos", 60_000)):
            add_project(budget, title, cost, f"{title} : une description.", "Centre")
        count_in(budget, (1, 2), 4)
        count_in(budget, (3,), 4)
    return platform


def log_in(page, live, email):
    page.goto(live.url(HOST, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)).fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("navigation", name=re.compile("compte|account", re.I))
           .get_by_role("button", name=re.compile("Se déconnecter|Log out"))).to_be_visible()


def test_a_participant_builds_and_confirms_a_vote_on_accessible_pages(budget_world, live, page, axe):
    log_in(page, live, "ana@budgets.localhost")
    page.goto(live.url(HOST, "/quartiers/budgets/"))
    expect(page.locator("h1")).to_have_text("Budgets participatifs")
    axe(page, "budgets: listing")
    page.get_by_role("link", name="Budget du Centre").click()
    expect(page.locator("h1")).to_have_text("Budget du Centre")
    axe(page, "budgets: budget and my vote")
    page.get_by_role("button", name=re.compile("Ajouter à mon vote.*Fontaine")).click()
    expect(page.locator(".flash")).to_contain_text("Fontaine")
    expect(page.locator("#vote-progress")).to_have_attribute("value", "25000")
    axe(page, "budgets: budget and my vote")
    page.get_by_role("link", name="Jardin partagé").first.click()
    expect(page.locator("h1")).to_have_text("Jardin partagé")
    axe(page, "budgets: project")
    page.get_by_role("button", name="Ajouter à mon vote").click()
    expect(page.locator("h1")).to_have_text("Jardin partagé")
    page.get_by_role("link", name=re.compile("Retour au budget")).click()
    page.get_by_role("button", name="Valider mon vote").click()
    expect(page.locator(".flash")).to_contain_text("Votre vote est validé")
    expect(page.locator(".vote-confirmed")).to_be_visible()
    axe(page, "budgets: budget and my vote")
    assert not page.problems, page.problems


def test_staff_pages_are_accessible(budget_world, live, page, axe):
    log_in(page, live, "admin@budgets.localhost")
    base = "/quartiers/budgets/budget-du-centre/"
    for path, kind in ((base + "results", "budgets: results"),
                       (base + "paper", "budgets: paper ballots"),
                       (base + "add", "budgets: project form"),
                       ("/quartiers/budgets/add", "budgets: budget form")):
        page.goto(live.url(HOST, path))
        expect(page.locator("h1")).to_be_visible()
        axe(page, kind)
    page.goto(live.url(HOST, base + "paper"))
    page.get_by_label(re.compile("Fontaine")).check()
    page.get_by_label("Nombre de bulletins identiques").fill("3")
    page.get_by_role("button", name="Enregistrer ces bulletins").click()
    expect(page.locator(".flash")).to_contain_text("3 bulletins papier enregistrés")
    axe(page, "budgets: paper ballots")
    assert not page.problems, page.problems
