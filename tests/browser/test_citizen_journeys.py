"""A citizen's first visit, in a real browser: register, confirm the address from the
mail (received by a loopback SMTP server), log in, edit the profile, read a space; and
the same reading journey done with the keyboard alone, with the CSP enforced."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
NEW_PASSWORD = "lanterne du beffroi 2027"
EMAIL_LABEL = re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)
AGAIN_LABEL = re.compile("(à nouveau|encore|again|confirm)", re.I)
LOGIN_LINK = re.compile("^(Se connecter|Connexion|Log in)$")


def test_a_citizen_registers_confirms_the_address_and_edits_the_profile(
        world, live, page, axe, mail_outbox):
    page.goto(live.url(COMMUNE, "/"))
    page.get_by_role("link", name=re.compile("^(Créer un compte|S'inscrire|Register)$")).click()
    axe(page, "register")
    main = page.locator("main")
    main.get_by_label(re.compile("^(Nom|Name)", re.I)).fill("Dominique Citoyenne")
    main.get_by_label(EMAIL_LABEL).fill("dominique@example.org")
    main.get_by_label(re.compile("^(Mot de passe|Password)$", re.I)).fill(NEW_PASSWORD)
    main.get_by_label(AGAIN_LABEL).fill("something else entirely")
    main.locator("button[type=submit]").click()
    # the mistake is told next to the field and what was typed is kept
    expect(main.locator(".error, .invalid-feedback, .help-block").first).to_be_visible()
    expect(main.get_by_label(EMAIL_LABEL)).to_have_value("dominique@example.org")
    axe(page, "register: errors")
    main.get_by_label(re.compile("^(Mot de passe|Password)$", re.I)).fill(NEW_PASSWORD)
    main.get_by_label(AGAIN_LABEL).fill(NEW_PASSWORD)
    main.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(re.compile("messagerie|boîte|mailbox", re.I))
    axe(page, "message page")

    [message] = mail_outbox.deliver()
    assert message["To"] == "dominique@example.org"
    [link] = [u for u in mail_outbox.links(message) if "/-/confirm?token=" in u]
    assert link.startswith(live.url(COMMUNE, "/-/confirm"))
    page.goto(link)
    axe(page, "confirm")
    main.get_by_role("button").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("h1")).to_have_text(re.compile("Mon compte|My account"))
    axe(page, "account")

    main.get_by_role("link", name=re.compile("Modifier mon profil|Edit my profile")).click()
    axe(page, "account: profile")
    name = main.get_by_label(re.compile("^(Nom|Name)$", re.I))
    name.fill("")
    main.locator("button[type=submit]").click()
    # the browser itself refuses an empty name, before anything is sent
    assert name.evaluate("el => el.validity.valueMissing")
    expect(page.locator("h1")).to_have_text(re.compile("profil|profile", re.I))
    name.fill("Dominique B.")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    account_nav = page.get_by_role("navigation", name=re.compile("compte|account", re.I))
    expect(account_nav.get_by_role("link", name="Dominique B.")).to_be_visible()

    # a new visit: log out, log in again with the chosen password, read the space
    account_nav.get_by_role("button", name=re.compile("Se déconnecter|Déconnexion|Log out")).click()
    page.get_by_role("link", name=LOGIN_LINK).click()
    main.get_by_label(EMAIL_LABEL).fill("dominique@example.org")
    main.get_by_label(re.compile("^(Mot de passe|Password)$", re.I)).fill(NEW_PASSWORD)
    main.locator("button[type=submit]").click()
    expect(account_nav.get_by_role("link", name="Dominique B.")).to_be_visible()
    page.get_by_role("link", name="Réaménagement de la place du marché").click()
    main.get_by_role("link", name="Pages").click()
    main.get_by_role("link", name="Calendrier de la démarche").click()
    expect(main).to_contain_text("Les ateliers ont lieu en mars.")
    assert not page.problems, page.problems


def test_the_citizen_journey_works_with_the_keyboard_alone(world, live, strict_page, keyboard):
    page = strict_page
    page.goto(live.url(COMMUNE, "/"))
    # the first Tab reaches the skip link, which then shows; Enter moves the focus to main
    page.keyboard.press("Tab")
    skip = keyboard.focused(page)
    assert skip["href"] == "#main" and skip["onscreen"] and skip["outline"], skip
    page.keyboard.press("Enter")
    assert keyboard.focused(page)["id"] == "main"

    keyboard.tab_to(page, lambda f: f["text"] == "Réaménagement de la place du marché")
    keyboard.press_and_load(page)
    expect(page.locator("h1")).to_have_text("Réaménagement de la place du marché")
    keyboard.tab_to(page, lambda f: f["text"] == "Pages" and f["href"].endswith("/pages/"))
    keyboard.press_and_load(page)
    expect(page.locator("h1")).to_have_text("Pages")
    keyboard.tab_to(page, lambda f: f["text"] == "Calendrier de la démarche")
    keyboard.press_and_load(page)
    expect(page.locator("main")).to_contain_text("Les ateliers ont lieu en mars.")

    keyboard.tab_to(page, lambda f: bool(LOGIN_LINK.match(f["text"])))
    keyboard.press_and_load(page)
    keyboard.tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type("habitant@commune.localhost")
    keyboard.tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type("correct horse battery")
    keyboard.press_and_load(page)
    account_nav = page.get_by_role("navigation", name=re.compile("compte|account", re.I))
    expect(account_nav.get_by_role("link", name="Camille Habitant")).to_be_visible()
    # the language switch is reachable and works from the keyboard too
    keyboard.tab_to(page, lambda f: f["text"] == "English")
    keyboard.press_and_load(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # with the CSP enforced, nothing was refused and no script failed
    assert not page.problems, page.problems
