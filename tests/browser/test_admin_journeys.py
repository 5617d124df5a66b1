"""Administrators' journeys in a real browser: an organisation admin opens a new space
and changes the organisation's look; a system admin creates an organisation whose host
then answers."""
from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
METRO = "metropole.localhost"
PASSWORD = "correct horse battery"
EMAIL_LABEL = re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)
PASSWORD_LABEL = re.compile("^(mot de passe|password)", re.I)
ERRORS = ".error, .invalid-feedback, .help-block.error, .alert-danger"
# a 1×1 PNG, for the logo
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def log_in(page, url, email):
    page.goto(url)
    main = page.locator("main")
    main.get_by_label(EMAIL_LABEL).fill(email)
    main.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    main.locator("button[type=submit]").click()


def visitor_page(page):
    """A second browser tab with its own cookies: someone who is not logged in."""
    return page.context.browser.new_context().new_page()


def test_an_organisation_admin_opens_a_new_space(world, live, page, axe):
    log_in(page, live.url(COMMUNE, "/-/login"), "admin@commune.localhost")
    page.get_by_role("link", name="Administration").click()
    main = page.locator("main")
    main.get_by_role("link", name=re.compile("^(Nouvel espace|New space)$")).click()
    axe(page, "admin: new space")
    space_type = main.get_by_label(re.compile("^Type$"))
    expect(space_type).to_have_value("")                # the admin chooses; nothing is preset
    space_type.select_option("participatory_process")
    main.get_by_label(re.compile("^(Adresse|Address)$")).fill("Budget 2027!")
    main.get_by_label(re.compile("^(Titre|Title)$")).fill("Budget participatif 2027")
    main.get_by_label(re.compile("^(Description)$")).fill("<p>Deux millions pour vos idées.</p>")
    main.locator("button[type=submit]").first.click()
    expect(main.locator(ERRORS).first).to_be_visible()
    expect(main.get_by_label(re.compile("^(Titre|Title)$"))).to_have_value("Budget participatif 2027")
    axe(page, "admin: new space with errors")
    main.get_by_label(re.compile("^(Adresse|Address)$")).fill("budget-2027")
    main.locator("button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Budget participatif 2027")

    # not published yet: visitors do not find it
    visitor = visitor_page(page)
    visitor.goto(live.url(COMMUNE, "/"))
    expect(visitor.locator("main")).not_to_contain_text("Budget participatif 2027")

    main.get_by_role("button", name=re.compile(r"^(Activer|Enable) Pages$")).click()
    expect(page.get_by_role("status")).to_be_visible()
    main.get_by_role("link", name=re.compile(r"^(Paramètres|Réglages|Settings) Pages$")).click()
    main.get_by_label(re.compile("Ordre des pages|Order of the pages")).select_option("recent")
    main.get_by_label(re.compile("champ de recherche|search box", re.I)).uncheck()
    main.locator("button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(main.get_by_label(re.compile("Ordre des pages|Order of the pages"))).to_have_value("recent")
    page.get_by_role("navigation", name=re.compile("fil d'ariane|breadcrumb", re.I)) \
        .get_by_role("link", name="Budget participatif 2027").click()
    main.get_by_role("button", name=re.compile("^(Publier|Publish)$")).click()
    expect(page.get_by_role("status")).to_be_visible()

    # published: the home page lists it, and its pages module has no search box
    visitor.goto(live.url(COMMUNE, "/"))
    visitor.get_by_role("link", name="Budget participatif 2027").click()
    expect(visitor.locator("main")).to_contain_text("Deux millions pour vos idées.")
    visitor.locator("main").get_by_role("link", name="Pages").click()
    expect(visitor.locator("h1")).to_have_text("Pages")
    expect(visitor.locator("main").get_by_role("search")).to_have_count(0)   # the header has the site search
    visitor.context.close()


def header_colour(page):
    return page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")


def test_an_organisation_admin_changes_the_look_of_the_commune_only(world, live, page, axe):
    log_in(page, live.url(COMMUNE, "/-/login"), "admin@commune.localhost")
    page.get_by_role("link", name="Administration").click()
    main = page.locator("main")
    main.get_by_role("link", name=re.compile("Réglages et apparence|Paramètres et apparence|"
                                             "Settings and look")).click()
    axe(page, "admin: organisation settings")
    colour = main.get_by_label(re.compile("^(Couleur principale|Main colour)"))
    colour.fill("violet")
    main.locator("button[type=submit]").first.click()
    expect(main.locator(ERRORS).first).to_be_visible()
    expect(colour).to_have_value("violet")
    colour.fill("#7a1f5c")
    main.get_by_label(re.compile("^Logo$")).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}])
    main.locator("button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()

    visitor = visitor_page(page)
    visitor.goto(live.url(COMMUNE, "/"))
    assert header_colour(visitor) == "rgb(122, 31, 92)"          # #7a1f5c
    logo = visitor.locator(".site-header img.logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 1
    # the metropolis keeps its own colour and has no logo
    visitor.goto(live.url(METRO, "/"))
    assert header_colour(visitor) == "rgb(31, 95, 168)"
    expect(visitor.locator(".site-header img")).to_have_count(0)
    visitor.context.close()


@pytest.fixture
def system_admin(world):
    from beffroi.accounts.passwords import hash_password
    from beffroi.resources.user import User
    with world.tx() as app:
        admin = User("systeme@beffroi.localhost", "Administration système", hash_password(PASSWORD))
        admin.confirmed = True
        app.system.admins["systeme@beffroi.localhost"] = admin
    return "systeme@beffroi.localhost"


def test_a_system_admin_creates_an_organisation_whose_host_then_answers(
        world, system_admin, live, page, axe):
    newcomer = live.url("villeneuve.localhost", "/")
    response = page.goto(newcomer)
    assert response.status == 404
    assert "Commune de Démo" not in page.content()

    page.goto(live.url(COMMUNE, "/-/system/"))
    axe(page, "system: login")
    main = page.locator("main")
    main.get_by_label(EMAIL_LABEL).fill(system_admin)
    main.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    main.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(re.compile("Administration système|System administration"))
    axe(page, "system: organisations")
    main.get_by_role("link", name=re.compile("^(Nouvelle organisation|New organisation)$")).click()
    axe(page, "system: new organisation")
    main.get_by_label(re.compile("^(Nom|Name)$")).fill("Ville de Villeneuve")
    host = main.get_by_label(re.compile("^(Nom d'hôte|Host name|Nom de domaine)"))
    host.fill(COMMUNE)                       # taken by the commune
    main.locator("button[type=submit]").first.click()
    expect(main.locator(ERRORS).first).to_be_visible()
    expect(main.get_by_label(re.compile("^(Nom|Name)$"))).to_have_value("Ville de Villeneuve")
    axe(page, "system: new organisation with errors")
    host.fill("villeneuve.localhost")
    main.locator("button[type=submit]").first.click()
    expect(page.get_by_role("status")).to_be_visible()

    page.goto(newcomer)
    expect(page.locator("h1")).to_have_text("Ville de Villeneuve")
    expect(page.locator(".brand")).to_have_text(re.compile("Ville de Villeneuve"))
    expect(page.locator("main")).not_to_contain_text("place du marché")
