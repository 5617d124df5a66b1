"""Shared set-up of the drafting tests: an organisation, a space with the module, a text."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
SPACE = "charte"
BASE = f"/{SPACE}/drafting/"
SOURCE = """# Préambule

Le centre-ville est un lieu de vie et de fête.

# Article 1 — Les terrasses

Les terrasses ferment à **23 heures** du dimanche au jeudi, et à minuit le samedi.

# Article 2 — La propreté

La commune installe des cendriers près des établissements ouverts le soir.
"""


class Site:
    """The platform of a test with the helpers these tests repeat."""

    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["drafting"])
        self.admin_email = "admin@example.org"
        self.user(self.admin_email, name="Alex Admin", space_roles={SPACE: ["admin"]})

    def user(self, email, **kw):
        return self.platform.add_user(HOST, email, **kw)

    def browser(self, email=None):
        browser = self.platform.browser(HOST)
        if email:
            self.platform.login(browser, email)
        return browser

    def admin(self):
        return self.browser(self.admin_email)

    def container(self, app):
        return app.organisation_for_host(HOST).spaces[SPACE]["drafting"]

    def phase_settings(self, **values):
        with self.platform.tx() as app:
            space = app.organisation_for_host(HOST).spaces[SPACE]
            container = space["drafting"]
            current = dict(container.phase_settings.get(space.active_phase_id, {}))
            current.update(values)
            container.phase_settings[space.active_phase_id] = current

    @staticmethod
    def form_with(page, field):
        for form in page.forms.values():
            if field in form.fields:
                return form
        raise AssertionError(f"no form with {field!r} on the page")

    def create_text(self, browser, title="Charte de la vie nocturne", source=SOURCE):
        """Write a text as an admin and publish its version 1; return its URL."""
        form = self.form_with(browser.get(BASE + "add"), "source")
        form["title"], form["source"] = title, source
        draft = form.submit("create").follow()
        url = draft.request.path.rsplit("draft", 1)[0]
        page = browser.get(url + "publish")
        form = self.form_with(page, "changelog")
        form["changelog"] = "Première version."
        form.submit("publish").follow()
        return url

    def suggest(self, browser, url, section, quote, wording, explanation=""):
        form = self.form_with(browser.get(url + "suggest"), "wording")
        form["section"], form["quote"], form["wording"] = section, quote, wording
        form["explanation"] = explanation
        return form.submit("suggest")

    def decide(self, browser, suggestion_url, decision, reason):
        page = browser.get(suggestion_url + "decide")
        form = self.form_with(page, "reason")
        radio = page.html.select_one(f"input[type=radio][value={decision}]")
        form[radio["name"]], form["reason"] = decision, reason
        return form.submit("decide")

    @staticmethod
    def post(browser, path, **data):
        page = browser.get(path.rsplit("/", 1)[0] + "/")
        return browser.post(path, {"csrf_token": csrf_of(page), **data})


@pytest.fixture
def site(platform):
    return Site(platform)
