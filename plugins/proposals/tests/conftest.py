"""Shared set-up of the proposals tests: one organisation, a space with the module."""
from __future__ import annotations

import re

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
SPACE = "budget"
BASE = f"/{SPACE}/proposals/"


class Site:
    """The platform of a test with the helpers these tests repeat."""

    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["proposals"])

    def user(self, email, **kw):
        return self.platform.add_user(HOST, email, **kw)

    def browser(self, email=None):
        browser = self.platform.browser(HOST)
        if email:
            self.platform.login(browser, email)
        return browser

    def settings(self, **values):
        """Set module settings (as an admin would with the settings form)."""
        with self.platform.tx() as app:
            container = app.organisation_for_host(HOST).spaces[SPACE]["proposals"]
            container.settings.update(values)

    def phase_settings(self, **values):
        with self.platform.tx() as app:
            space = app.organisation_for_host(HOST).spaces[SPACE]
            container = space["proposals"]
            current = dict(container.phase_settings.get(space.active_phase_id, {}))
            current.update(values)
            container.phase_settings[space.active_phase_id] = current

    def container(self, app):
        return app.organisation_for_host(HOST).spaces[SPACE]["proposals"]

    @staticmethod
    def form_with(page, field):
        """The form of ``page`` that has ``field``."""
        for form in page.forms.values():
            if field in form.fields:
                return form
        raise AssertionError(f"no form with {field!r} on the page")

    @staticmethod
    def create(browser, title="Des bancs sur la place", body="Il faut **des bancs** à l'ombre des platanes.",
               **fields):
        page = browser.get(BASE + "add")
        form = Site.form_with(page, "title")
        form["title"], form["body"] = title, body
        for name, value in fields.items():
            form[name] = value
        response = form.submit("create")
        return response

    @staticmethod
    def post(browser, path, **data):
        """POST a small action form (support, withdraw …) with the page's CSRF token."""
        page = browser.get(path if path.endswith("/") else path.rsplit("/", 1)[0] + "/")
        return browser.post(path, {"csrf_token": csrf_of(page), **data})

    @staticmethod
    def support_count(page):
        match = re.search(r'class="support-count"[^>]*>[^<]*?(\d+)', page.text)
        assert match, "no support count on the page"
        return int(match.group(1))


@pytest.fixture
def site(platform):
    return Site(platform)
