"""Journeys through what every installation has: reading, logging in, languages,
branding per organisation and a space's modules, in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from beffroi.devkit.testing import PASSWORD

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
METRO = "metropole.localhost"
EMAIL_LABEL = re.compile("adresse électronique|courriel|e-mail", re.I)
PASSWORD_LABEL = re.compile("^(mot de passe|password)", re.I)


def log_in(page, live, email, password=PASSWORD, host=COMMUNE):
    page.goto(live.url(host, "/-/login"))
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_visitor_reads_a_space_and_its_pages(world, live, page, axe):
    page.goto(live.url(COMMUNE, "/"))
    assert page.locator("h1").inner_text() == "Commune de Démo"
    axe(page, "home")
    page.get_by_role("link", name="Réaménagement de la place du marché").click()
    expect(page.locator("h1")).to_have_text("Réaménagement de la place du marché")
    expect(page.locator("main")).to_contain_text("Comment voulez-vous que la place évolue ?")
    axe(page, "space")
    page.locator(".module-nav").get_by_role("link", name="Pages").click()
    expect(page.locator("h1")).to_have_text("Pages")
    axe(page, "pages: listing")
    page.get_by_role("link", name="Calendrier de la démarche").click()
    expect(page.locator("main")).to_contain_text("Les ateliers ont lieu en mars.")
    axe(page, "pages: page")
    page.get_by_role("navigation", name=re.compile("fil d'ariane|breadcrumb", re.I)) \
        .get_by_role("link", name="Réaménagement de la place du marché").click()
    expect(page.locator("h1")).to_have_text("Réaménagement de la place du marché")
    assert not page.problems, page.problems


def test_a_participant_logs_in_after_a_wrong_password(world, live, page, axe):
    page.goto(live.url(COMMUNE, "/"))
    page.get_by_role("link", name=re.compile("^(Se connecter|Connexion|Log in)$")).click()
    axe(page, "login")
    log_in(page, live, "habitant@commune.localhost", "not the password")
    expect(page.get_by_role("alert")).to_be_visible()
    # what the person typed is kept, so only the password needs typing again
    assert page.get_by_label(EMAIL_LABEL).input_value() \
        == "habitant@commune.localhost"
    axe(page, "login: error")
    log_in(page, live, "habitant@commune.localhost")
    account = page.get_by_role("navigation", name=re.compile("compte|account", re.I))
    expect(account.get_by_role("link", name="Camille Habitant")).to_be_visible()
    account.get_by_role("button", name=re.compile("Se déconnecter|Déconnexion|Log out")).click()
    expect(page.get_by_role("link", name=re.compile("^(Se connecter|Connexion|Log in)$"))).to_be_visible()


def test_the_language_switch_turns_the_interface_between_french_and_english(world, live, page, axe):
    page.goto(live.url(COMMUNE, "/place-du-marche/"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Phases").count() + \
        page.get_by_text("Accueil").count() >= 1
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # back on the same page, now in English
    expect(page.locator("h1")).to_have_text("Réaménagement de la place du marché")
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    axe(page, "space (English)")
    page.goto(live.url(COMMUNE, "/"))
    expect(page.get_by_role("heading", name="Participation spaces")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Espaces de participation")).to_be_visible()


def header_colour(page):
    return page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")


def test_each_organisation_shows_its_own_branding_on_its_own_host(world, live, page):
    page.goto(live.url(COMMUNE, "/"))
    assert header_colour(page) == "rgb(45, 106, 79)"          # #2d6a4f
    assert page.locator(".brand").inner_text().strip() == "Commune de Démo"
    page.goto(live.url(METRO, "/"))
    assert header_colour(page) == "rgb(31, 95, 168)"          # #1f5fa8
    assert page.locator(".brand").inner_text().strip() == "Métropole de Démo"
    assert "place du marché" not in page.content()


def test_an_admin_disables_and_enables_a_module_and_changes_its_settings(world, live, page, axe):
    log_in(page, live, "admin@commune.localhost")
    page.get_by_role("link", name="Administration").click()
    expect(page.locator("h1")).to_have_text("Administration")
    axe(page, "admin: index")
    page.get_by_role("link", name="Réaménagement de la place du marché").click()
    axe(page, "admin: space modules")
    page.get_by_role("button", name=re.compile(r"(Désactiver|Disable) Pages")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("désactivé|disabled", re.I))
    # a visitor no longer finds the module; its page is kept for later
    visitor = page.context.browser.new_context().new_page()
    visitor.goto(live.url(COMMUNE, "/place-du-marche/"))
    expect(visitor.locator("h1")).to_have_text("Réaménagement de la place du marché")
    expect(visitor.locator("main").get_by_role("link", name="Pages")).to_have_count(0)
    page.get_by_role("button", name=re.compile(r"(Activer|Enable) Pages")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("activé|enabled", re.I))
    page.get_by_role("link", name=re.compile(r"(Paramètres|Réglages|Settings) Pages")).click()
    axe(page, "admin: module settings")
    order = page.get_by_label(re.compile("Ordre des pages|Order of the pages"))
    order.select_option("title")
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(order).to_have_value("title")
    visitor.goto(live.url(COMMUNE, "/place-du-marche/"))
    visitor.locator("main").get_by_role("link", name="Pages").click()
    expect(visitor.get_by_role("link", name="Calendrier de la démarche")).to_be_visible()
    visitor.context.close()
