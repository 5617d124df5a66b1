"""Answers, evaluators and their private notes, open data exports, phase settings."""
from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

from beffroi.devkit.testing import csrf_of

BASE = "/budget/proposals/"


def _answer(site, browser, url, state, text="", cost=""):
    form = site.form_with(browser.get(url + "answer"), "answer")
    form["state"], form["answer"], form["cost"] = state, text, cost
    return form.submit("save")


def test_admins_answer_with_custom_coloured_states_and_publish_answers_per_phase(site):
    site.settings(custom_states="Étudiée par le conseil | #7a4b9c")
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    admin = site.browser("admin@example.org")
    form = site.form_with(admin.get(url + "answer"), "answer")
    form["state"], form["cost"] = "accepted", "douze"
    page = form.submit("save")
    assert page.status_int == 200 and "douze" in page.text          # kept, with an error
    _answer(site, admin, url, "etudiee-par-le-conseil", "<p>Le conseil l'étudie.</p>", "1500")
    page = ana.get(url)
    assert "Étudiée par le conseil" in page.text and "Le conseil l'étudie." in page.text
    assert "proposal-state--etudiee-par-le-conseil" in page.text
    css = ana.get(BASE + "states.css").text
    assert ".proposal-state--etudiee-par-le-conseil { background: #7a4b9c; color: #fff;" in css
    site.phase_settings(answers_published=False)
    assert "Le conseil l'étudie." not in ana.get(url).text
    assert "Le conseil l'étudie." in admin.get(url).text
    ana.get(url + "answer", status=403)


def test_a_custom_state_must_have_a_colour(site):
    site.user("admin@example.org", org_roles=["admin"])
    admin = site.browser("admin@example.org")
    page = admin.get("/-/admin/spaces/budget/modules/proposals")
    form = site.form_with(page, "custom_states")
    form["custom_states"] = "Étudiée | violet"
    page = form.submit("save")
    assert "Étudiée | violet" in page.text and "#rrggbb" in page.text


def test_evaluators_see_only_their_proposals_and_keep_private_notes(site):
    site.user("admin@example.org", org_roles=["admin"])
    eva = site.user("eva@example.org", name="Eva Luatrice", space_roles={"budget": ["evaluator"]})
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    first = site.create(ana, title="Première proposition").location
    second = site.create(ana, title="Seconde proposition").location
    admin = site.browser("admin@example.org")
    page = admin.get(first)
    assert "Eva Luatrice" in page.text
    admin.post(first + "assign", {"csrf_token": csrf_of(page), "evaluator": eva})
    evaluator = site.browser("eva@example.org")
    listing = evaluator.get(BASE + "evaluation")
    assert "Première proposition" in listing.text and "Seconde proposition" not in listing.text
    page = evaluator.get(first)
    form = site.form_with(page, "note")
    form["note"] = "Coût à vérifier avec la voirie."
    assert "Coût à vérifier" in form.submit().follow().text
    # not assigned: no notes, no evaluation block
    assert "Coût à vérifier" not in evaluator.get(second).text
    evaluator.post(second + "note", {"csrf_token": csrf_of(page), "note": "intrus"}, status=403)
    # a participant sees neither the notes nor the evaluation list
    assert "Coût à vérifier" not in ana.get(first).text
    ana.get(BASE + "evaluation", status=403)
    assert "Coût à vérifier" not in admin.get(BASE + "export-full.json").text


def test_open_data_exports_hold_no_personal_data_and_admins_get_more(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    site.settings(address_enabled=True)
    ana = site.browser("ana@example.org")
    site.create(ana, title="=HYPERLINK(\"x\") des bancs", address="12 rue des Lilas")
    visitor = site.browser()
    data = json.loads(visitor.get(BASE + "export.json").text)
    assert data[0]["title"].startswith("=HYPERLINK") and data[0]["supports"] == 0
    text = visitor.get(BASE + "export.csv").text
    assert "ana@example.org" not in text and "12 rue des Lilas" not in text
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"].startswith("'=")                    # no formula in a spreadsheet
    visitor.get(BASE + "export-full.csv", status=(302, 403))
    full = site.browser("admin@example.org").get(BASE + "export-full.csv").text
    assert "ana@example.org" in full and "12 rue des Lilas" in full


def test_phase_settings_close_creation_and_block_or_hide_supports(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    site.phase_settings(creation_enabled=False, supports="blocked")
    assert BASE + "add" not in ana.get(BASE).text
    ana.get(BASE + "add", status=403)
    bob = site.browser("bob@example.org")
    page = bob.get(url)
    assert url + "support" not in page.text and site.support_count(page) == 0
    bob.post(url + "support", {"csrf_token": csrf_of(page)}, status=403)
    site.phase_settings(supports="hidden")
    page = bob.get(url)
    assert 'id="supports"' not in page.text
    assert "order=supported" not in bob.get(BASE).text
    with site.platform.tx() as app:
        assert site.container(app)["1"].supports == 0


def test_followers_are_notified_of_new_proposals_answers_and_amendments(site):
    from beffroi.services.follows import model as follows
    from beffroi.services.notifications.model import inbox_events
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    bob = site.user("bob@example.org")
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        follows.follow(org, bob, org.spaces["budget"])
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    _answer(site, site.browser("admin@example.org"), url, "accepted", "<p>Oui.</p>")
    site.user("carl@example.org")
    carl = site.browser("carl@example.org")
    form = site.form_with(carl.get(url + "amend"), "title")
    form["title"] = "Des bancs et une fontaine"
    form.submit("send")
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        kinds = [event.kind for event, _unread in inbox_events(org, bob)]
        author_kinds = [event.kind for event, _unread in inbox_events(org, org.users.find_by_email("ana@example.org").id)]
    assert "proposals.created" in kinds and "proposals.answered" in kinds
    # the author follows their proposal from its creation
    assert "proposals.answered" in author_kinds and "proposals.amendment_proposed" in author_kinds


def test_a_participant_downloads_their_proposals_and_supports(site):
    from beffroi_proposals import register_modules
    portable_data = register_modules()[0].portable_data
    ana = site.user("ana@example.org")
    browser = site.browser("ana@example.org")
    url = site.create(browser).location
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    site.post(bob, url + "support")
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        request = SimpleNamespace(organisation=org)      # the callable reads only this
        container = next(iter(org.spaces.values())).modules["proposals"]
        data = portable_data(request, container, org.users[ana])
        bob_data = portable_data(request, container, org.users.find_by_email("bob@example.org"))
    assert data["proposals"][0]["title"] == "Des bancs sur la place"
    assert bob_data["proposals"] == [] and url.endswith(bob_data["supports"][0]["proposal"])
