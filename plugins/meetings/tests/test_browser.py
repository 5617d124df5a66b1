"""The meetings pages in a real browser (Debian's chromium): a participant registers
with the keyboard-free form (no JavaScript needed), staff check the code at the door,
and every page type of the module has no serious axe violation."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.beffroi_modules("meetings")]
COMMUNE = "commune.localhost"


@pytest.fixture
def meeting_world(platform):
    from beffroi.api import now
    from beffroi_meetings.models import add_contribution, add_meeting, local_zone, to_utc
    platform.add_org("Commune de Démo", COMMUNE)
    platform.add_space(COMMUNE, "quartier", "Vie du quartier", modules=["meetings"])
    platform.add_user(COMMUNE, "habitant@commune.localhost", "Camille Habitant")
    platform.add_user(COMMUNE, "admin@commune.localhost", "Alex Admin", org_roles=["admin"])
    with platform.tx() as app:
        org = app.organisation_for_host(COMMUNE)
        container = org.spaces["quartier"]["meetings"]
        zone = local_zone(org)
        day = now().astimezone(zone).date() + timedelta(days=7)
        meeting = add_meeting(container, "Réunion publique sur la place",
                              "Venez **nombreux**.", "hybrid", to_utc(day, time(18, 30), zone),
                              to_utc(day, time(20), zone), address="2 rue de la Mairie, Lille",
                              online_url="https://visio.example.org/place",
                              agenda=[(15, "Accueil"), (75, "Ateliers")])
        meeting.registrations_enabled, meeting.capacity = True, 20
        meeting.terms = "Vos données servent **uniquement** à organiser la réunion."
        add_contribution(meeting, "Un passage piéton devant l'école.", "Jeanne", None,
                         "l'équipe", day)
        earlier = day - timedelta(days=30)
        add_meeting(container, "Atelier passé", "Un atelier.", "in_person",
                    to_utc(earlier, time(18), zone), to_utc(earlier, time(20), zone),
                    address="Maison de quartier, Lille")
    return "/quartier/meetings/"


def _login(page, live, email):
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|e-mail)", re.I)).fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/-/login"))


def test_register_check_at_the_door_and_every_page_type_is_accessible(meeting_world, live,
                                                                       page, axe):
    base = meeting_world
    page.goto(live.url(COMMUNE, base))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rencontres")
    axe(page, "meetings: listing")
    page.get_by_role("link", name="Réunion publique sur la place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réunion publique sur la place")
    axe(page, "meetings: meeting (visitor)")
    _login(page, live, "habitant@commune.localhost")
    page.goto(live.url(COMMUNE, base + "1/"))
    page.get_by_label("J'accepte les conditions d'inscription").check()
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.locator(".meeting-code-value strong")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    code = page.locator(".meeting-code-value strong").inner_text()
    axe(page, "meetings: meeting (registered)")
    page.context.clear_cookies()
    _login(page, live, "admin@commune.localhost")
    page.goto(live.url(COMMUNE, base + "1/door"))
    axe(page, "meetings: door check")
    page.get_by_label("Code d'inscription").fill(code.lower())
    page.get_by_role("button").filter(has_text=re.compile("check|vérifier", re.I)).first.click()
    expect(page.locator(".flash").first).to_contain_text("bienvenue, Camille Habitant")
    for path, page_type in (("1/registrations", "meetings: registrations (staff)"),
                            ("add", "meetings: add form"), ("1/edit", "meetings: edit form"),
                            ("2/close", "meetings: minutes form"),
                            ("1/contribute", "meetings: in-person contribution form"),
                            ("1/cancel", "meetings: cancel form")):
        response = page.goto(live.url(COMMUNE, base + path))
        assert response.status == 200, f"{path} answered {response.status}"
        axe(page, page_type)
    page.goto(live.url(COMMUNE, "/"))
    expect(page.locator(".meetings-block")).to_contain_text("Réunion publique sur la place")
    axe(page, "meetings: home block")
