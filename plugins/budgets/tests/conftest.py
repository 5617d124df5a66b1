"""Shared set-up of the budgets tests: one organisation, a space with budgets and
proposals, budgets and projects written directly, browsers logged in."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
SPACE = "quartiers"
BASE = f"/{SPACE}/budgets/"


class Site:
    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["budgets", "proposals"])
        self.phase(voting_open=True)

    def user(self, email, **kw):
        return self.platform.add_user(HOST, email, **kw)

    def staff(self, email, role="admin"):
        return self.platform.add_user(HOST, email, space_roles={SPACE: [role]})

    def browser(self, email=None):
        browser = self.platform.browser(HOST)
        if email:
            self.platform.login(browser, email)
        return browser

    def container(self, app):
        return app.organisation_for_host(HOST).spaces[SPACE]["budgets"]

    def settings(self, **values):
        with self.platform.tx() as app:
            self.container(app).settings.update(values)

    def phase(self, **values):
        with self.platform.tx() as app:
            space = app.organisation_for_host(HOST).spaces[SPACE]
            container = space["budgets"]
            current = dict(container.phase_settings.get(space.active_phase_id, {}))
            current.update(values)
            container.phase_settings[space.active_phase_id] = current

    def budget(self, title="Budget du Centre", total=100_000, projects=(), **rules):
        """Create a budget with ``projects`` ((title, cost), …); return its URL."""
        from beffroi_budgets.models import add_budget, add_project
        with self.platform.tx() as app:
            budget = add_budget(self.container(app), title, total, "Le **centre**.", **rules)
            for name, cost in projects:
                add_project(budget, name, cost, f"Description de {name}")
            return f"{BASE}{budget.__name__}/"

    def read(self, url, fn):
        """``fn(budget)`` inside a transaction, for the budget at ``url``."""
        with self.platform.tx() as app:
            name = url.rstrip("/").rsplit("/", 1)[-1]
            return fn(self.container(app)[name])

    @staticmethod
    def vote(browser, budget_url, number, action="add", status=302):
        page = browser.get(budget_url)
        return browser.post(budget_url + "vote", {"csrf_token": csrf_of(page), "project": str(number),
                                                   "action": action}, status=status)

    @staticmethod
    def checkout(browser, budget_url):
        page = browser.get(budget_url)
        return browser.post(budget_url + "checkout", {"csrf_token": csrf_of(page)}, status=302)

    @staticmethod
    def errors(page):
        return [e.get_text(" ", strip=True).replace("\u202f", " ").replace("\xa0", " ")
                for e in page.html.select(".flash-error p")]


@pytest.fixture
def site(platform):
    return Site(platform)
