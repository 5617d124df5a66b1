"""The new page types of spaces, in a real browser with axe: a process group and the
space page saying what to do now, an assembly's roster, a debate argued with the
keyboard and its summary."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

METRO = "metropole.localhost"


@pytest.fixture
def demo(platform):
    from beffroi.devkit.demo import create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    return platform


def log_in(page, live, email, password):
    page.goto(live.url(METRO, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|e-mail)", re.I)).fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill(password)
    main.locator("button[type=submit]").click()


def test_a_visitor_finds_the_metropolitan_process_and_its_communes(demo, live, page, axe):
    page.goto(live.url(METRO, "/"))
    promoted = page.locator("section.promoted")
    expect(promoted).to_contain_text("Budget participatif métropolitain")
    axe(page, "home with a promoted process")
    promoted.get_by_role("link", name="Budget participatif métropolitain").click()
    expect(page.locator("h1")).to_have_text("Budget participatif métropolitain")
    axe(page, "process group")
    page.get_by_role("link", name="Budget participatif de Lille").click()
    expect(page.locator("section.now")).to_be_visible()
    expect(page.locator(".phases li.active")).to_have_count(1)
    axe(page, "process page: what to do now, timeline, figures")


def test_a_resident_argues_in_a_debate_of_the_assembly_with_the_keyboard(demo, live, page, axe):
    from beffroi.devkit.demo import USER_PASSWORD
    page.goto(live.url(METRO, "/conseil-de-developpement/members/"))
    expect(page.locator("table.roster tbody tr")).to_have_count(3)
    axe(page, "assembly roster")
    log_in(page, live, "habitant@metropole.localhost", USER_PASSWORD)
    page.goto(live.url(METRO, "/conseil-de-developpement/debates/"))
    axe(page, "debates")
    page.locator(".card h2 a").first.click()
    expect(page.locator(".debate-summary dd").first).to_have_text("1")
    body = page.locator("textarea[name=body]")
    body.focus()
    page.keyboard.type("Neutre : il faudrait d'abord un comptage des voitures.")
    page.locator("form:has(textarea[name=body]) button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("comptage des voitures")
    expect(page.locator(".debate-summary dd").nth(1)).to_have_text("1")       # neutral
    axe(page, "debate with arguments and summary")
