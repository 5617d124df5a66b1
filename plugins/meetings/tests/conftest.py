"""Shared steps of the meetings tests: a space with the module, staff adding a meeting."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

HOST = "test.localhost"


def add_meeting(browser, space, title="Réunion publique sur la place", days=10, start="18:30",
                end="20:00", **fields):
    """Staff fill the add form; returns the response (a 302 when it was accepted)."""
    form = browser.get(space.module_url("meetings") + "add").forms["deform"]
    day = (date.today() + timedelta(days=days)).isoformat()
    values = {"title": title, "description": "Venez **nombreux**<script>x</script>",
              "kind": "in_person", "start_date": day, "start_time": start, "end_time": end,
              "address": "2 rue de la Mairie, 59000 Lille",
              "agenda": "15 Accueil\n45 Présentation des scénarios\n30 Questions"}
    values.update(fields)
    for name, value in values.items():
        form[name] = value
    return form.submit("create")


def meeting_path(response) -> str:
    from urllib.parse import urlsplit
    return urlsplit(response.location).path


def set_registrations(browser, path, capacity, enabled=True, terms=""):
    form = browser.get(path + "registrations").forms["deform"]
    form["registrations_enabled"] = enabled
    form["capacity"] = str(capacity)
    form["terms"] = terms
    return form.submit("save")


def participant(platform, space, email):
    """A logged-in browser of a new participant ``email``."""
    browser = platform.browser(HOST)
    platform.add_user(HOST, email)
    platform.login(browser, email)
    return browser


def post_button(browser, path, action, **extra):
    """Submit the form of ``path`` whose action ends with ``action``."""
    page = browser.get(path)
    form = next(f for f in page.forms.values() if f.action.endswith(action))
    for name, value in extra.items():
        form[name] = value
    return form.submit()


@pytest.fixture
def mt():
    """The steps above, as ``mt.add_meeting(...)`` etc."""
    return SimpleNamespace(add_meeting=add_meeting, meeting_path=meeting_path,
                           set_registrations=set_registrations, participant=participant,
                           post_button=post_button, HOST=HOST)


def _browser_harness():
    """The repository's Playwright harness (tests/browser/conftest.py), loaded from its
    path so this plugin's browser test uses the same chromium, live server and axe."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[3] / "tests" / "browser" / "conftest.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("beffroi_meetings_browser_harness", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_harness = _browser_harness()
if _harness is not None:
    live, page, axe = _harness.live, _harness.page, _harness.axe

    def _running_chromium(request):
        """The browser the repository's harness already launched in this session (one
        Playwright per thread: a second one would fail), or None."""
        manager = request.session._fixturemanager      # pytest's own bookkeeping
        if hasattr(manager, "_get_all_fixture_defs"):          # pytest >= 8.4
            defs = [d for d in manager._get_all_fixture_defs() if d.argname == "chromium"]
        else:
            defs = getattr(manager, "_arg2fixturedefs", {}).get("chromium", ())
        for fixturedef in defs:
            cached = getattr(fixturedef, "cached_result", None)
            if fixturedef.scope == "session" and cached and cached[0] is not None \
                    and cached[2] is None:
                return cached[0]
        return None

    @pytest.fixture(scope="module")
    def chromium(request):
        """The harness's chromium when it runs already (the whole suite), else one of
        this module's own, closed at its end so that the harness can start its own."""
        running = _running_chromium(request)
        if running is not None:
            yield running
            return
        reason = _harness.missing_requirement()
        if reason:
            if _harness.IN_CI:
                pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
            pytest.skip(reason)
        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=_harness.CHROMIUM,
                                         args=_harness.CHROMIUM_ARGS)
            yield browser
            browser.close()
