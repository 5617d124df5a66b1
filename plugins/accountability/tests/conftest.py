"""One organisation with a space holding proposals and results, and helpers."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
SPACE = "budget"
RESULTS = f"/{SPACE}/results/"
PROPOSALS = f"/{SPACE}/proposals/"


class Site:
    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["proposals", "results"])
        platform.add_user(HOST, "admin@example.org", "Alex Admin", org_roles=["admin"])

    def browser(self, email=None):
        browser = self.platform.browser(HOST)
        if email:
            self.platform.login(browser, email)
        return browser

    def admin(self):
        return self.browser("admin@example.org")

    def org(self, app):
        return app.organisation_for_host(HOST)

    def container(self, app, module="results"):
        return self.org(app).spaces[SPACE][module]

    def proposal(self, title, body="Une idée venue des habitantes et des habitants du quartier."):
        """Add a proposal directly; returns its path from the site root."""
        from beffroi_proposals.models import add_proposal
        with self.platform.tx() as app:
            proposal = add_proposal(self.container(app, "proposals"), title, body, "markdown", None)
            return f"{PROPOSALS}{proposal.__name__}/"

    def add_result(self, browser, title="Des bancs sur la place", **fields):
        page = browser.get(RESULTS + "add")
        form = page.forms["deform"]
        form["title"] = title
        for name, value in fields.items():
            form[name] = value
        response = form.submit("create")
        assert response.status_int == 302, response.text[:3000]
        return response.location.replace("http://" + HOST, "")

    @staticmethod
    def link(browser, result_url, *addresses, items=()):
        page = browser.get(result_url + "link")
        data = {"csrf_token": csrf_of(page), "address": " ".join(addresses)}
        if items:
            data["item"] = list(items)
        return browser.post(result_url + "link", data)


@pytest.fixture
def site(platform):
    return Site(platform)
