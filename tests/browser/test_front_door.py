"""The citizen's front door on the demo, at 1280 and 390 CSS pixels wide: home, a space,
a listing, an item, the account and the administration answer, scroll nothing
sideways on a phone and have no serious accessibility fault (axe). The same run takes
the README's screenshots when ``BEFFROI_SCREENSHOTS`` names a folder
(``make screenshots`` writes them to docs/screenshots/)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
WIDTHS = {"desktop": 1280, "phone": 390}
PAGES = [
    ("home", "/"),
    ("space", "/place-du-marche/"),
    ("listing", "/place-du-marche/proposals/"),
    ("item", None),                       # the first proposal of the listing
    ("account", "/-/account"),
    ("admin", "/-/admin/"),
]
SCREENSHOTS = {("home", "desktop"), ("space", "desktop"), ("item", "desktop"),
               ("admin", "desktop"), ("home", "phone")}


@pytest.fixture
def demo(platform):
    from beffroi.devkit.demo import create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    return platform


def _log_in(page, live, email, password):
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|e-mail)", re.I)).fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill(password)
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("link", name="Administration")).to_be_visible()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_front_door_at_desktop_and_phone_widths(demo, live, chromium, axe, device):
    from beffroi.devkit.demo import ADMIN_PASSWORD
    width = WIDTHS[device]
    folder = os.environ.get("BEFFROI_SCREENSHOTS")
    # axe is injected as a script: the page's CSP (no inline script) is bypassed for it only
    context = chromium.new_context(locale="fr-FR", viewport={"width": width, "height": 900},
                                   bypass_csp=True)
    failures = []
    try:
        page = context.new_page()
        _log_in(page, live, "admin@commune.localhost", ADMIN_PASSWORD)
        item = None
        for name, path in PAGES:
            path = path or item
            response = page.goto(live.url(COMMUNE, path))
            assert response.status == 200, f"{path} answered {response.status}"
            if name == "listing":
                item = page.locator("main .card h2 a, main .card h3 a").first \
                    .get_attribute("href").split(str(live.port), 1)[1]
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            if overflow > width:
                failures.append(f"{name} at {width}px scrolls sideways ({overflow}px wide)")
            failures += axe.problems(page, f"{name} at {width}px")
            if folder and (name, device) in SCREENSHOTS:
                Path(folder).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(folder) / f"{name}-{device}.png"),
                                full_page=device == "phone")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
