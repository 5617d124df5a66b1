"""The page types no journey above walks through, checked with axe as the person who
sees them: account settings, administration screens, the pages editor, error pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
SPACE = "/-/admin/spaces/place-du-marche/"

VISITOR_PAGES = [
    ("error: not found", "/no-such-space/", 404),
    ("account: forgotten password", "/-/password/forgot", 200),
]
ADMIN_PAGES = [
    ("account: e-mail", "/-/account/email", 200),
    ("account: password", "/-/account/password", 200),
    ("account: notification settings", "/-/account/notifications", 200),
    ("account: delete", "/-/account/delete", 200),
    ("admin: participants", "/-/admin/participants/", 200),
    ("admin: action log", "/-/admin/log", 200),
    ("admin: edit space", SPACE + "edit", 200),
    ("admin: phases", SPACE + "phases/", 200),
    ("admin: space roles", SPACE + "roles", 200),
    ("admin: moderation", SPACE + "moderation", 200),
    ("pages: new page", "/place-du-marche/pages/add", 200),
    ("pages: edit page", "/place-du-marche/pages/calendrier-de-la-demarche/edit", 200),
]


def test_the_other_page_types_have_no_serious_accessibility_fault(world, live, page, axe):
    failures = []
    for page_type, path, status in VISITOR_PAGES:
        response = page.goto(live.url(COMMUNE, path))
        assert response.status == status, f"{path} answered {response.status}"
        failures += axe.problems(page, page_type)
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|e-mail)", re.I)) \
        .fill("admin@commune.localhost")
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("link", name="Administration")).to_be_visible()
    for page_type, path, status in ADMIN_PAGES:
        response = page.goto(live.url(COMMUNE, path))
        assert response.status == status, f"{path} answered {response.status}"
        failures += axe.problems(page, page_type)
    assert not failures, "accessibility problems:\n" + "\n".join(failures)
