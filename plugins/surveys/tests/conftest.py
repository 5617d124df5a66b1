"""Shared set-up of the surveys tests: an organisation, a space with the module, a
survey with every question type built through the team's pages."""
from __future__ import annotations

import pytest

HOST = "test.localhost"
SPACE = "quartier"
BASE = f"/{SPACE}/surveys/"


class Site:
    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["surveys"])

    def user(self, email, **kw):
        return self.platform.add_user(HOST, email, **kw)

    def browser(self, email=None):
        browser = self.platform.browser(HOST)
        if email:
            self.platform.login(browser, email)
        return browser

    def admin(self):
        browser = self.platform.browser(HOST)
        self.platform.login_as(browser, role="admin", space=SPACE)
        return browser

    def participant(self, email):
        self.user(email)
        return self.browser(email)

    def container(self, app):
        return app.organisation_for_host(HOST).spaces[SPACE]["surveys"]

    def survey(self, app, name):
        return self.container(app)[name]

    def settings(self, **values):
        with self.platform.tx() as app:
            self.container(app).settings.update(values)

    def phase_settings(self, **values):
        with self.platform.tx() as app:
            space = app.organisation_for_host(HOST).spaces[SPACE]
            container = space["surveys"]
            current = dict(container.phase_settings.get(space.active_phase_id, {}))
            current.update(values)
            container.phase_settings[space.active_phase_id] = current

    @staticmethod
    def form_with(page, field):
        for form in page.forms.values():
            if field in form.fields:
                return form
        raise AssertionError(f"no form with {field!r} on the page")

    def create_survey(self, admin, title="Votre quartier", consent="", anonymous=False):
        page = admin.get(BASE + "add")
        form = page.forms["deform"]
        form["title"], form["consent"] = title, consent
        if anonymous:
            form["anonymous"] = True
        response = form.submit("create")
        assert response.status_int == 302, response.text[:3000]
        return response.location.replace("http://" + HOST, "").rsplit("questions", 1)[0]

    def add_question(self, admin, url, kind, title, **fields):
        page = admin.get(url + "add-question")
        form = page.forms["deform"]
        form["kind"], form["title"] = kind, title
        for name, value in fields.items():
            form[name] = value
        response = form.submit("save")
        assert response.status_int == 302, response.text[:3000]
        return response

    def publish(self, admin, url):
        page = admin.get(url + "questions")
        self.form_with(page, "published").submit()

    def every_type(self, admin, consent="J'accepte que mes réponses soient utilisées."):
        """A published survey with every question type; returns its path."""
        url = self.create_survey(admin, consent=consent)
        q = lambda *a, **k: self.add_question(admin, url, *a, **k)  # noqa: E731
        q("title", "Vos habitudes")
        q("short", "Votre lieu préféré", mandatory=True)
        q("single", "Venez-vous le samedi ?", options="Oui\nNon", mandatory=True)
        q("long", "Pourquoi pas ?", condition="3-1", mandatory=True)   # question id 3, "Non"
        q("multiple", "Vos transports", options="À pied\nÀ vélo\nEn bus", max_choices=2, other=True)
        q("ranking", "Classez", options="Arbres\nPiste\nJeux", mandatory=True)
        q("matrix_single", "Votre avis", options="Mauvais\nBon", rows="Propreté\nBruit", mandatory=True)
        q("matrix_multiple", "Disponibilités", options="Semaine\nWeek-end", rows="Matin\nSoir",
          max_choices=1)
        q("files", "Une photo")
        self.publish(admin, url)
        return url


@pytest.fixture
def site(platform):
    return Site(platform)
