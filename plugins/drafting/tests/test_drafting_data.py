"""Open data without personal data, "download my data", account deletion, moderation of
participants' text, notifications, and the demo text."""
from __future__ import annotations

import csv
import io
import json
import zipfile

from beffroi.devkit.testing import PASSWORD, assert_accessible, csrf_of


def _suggestion(site, url, email="ana@example.org", name="Ana Martin", **kw):
    site.user(email, name=name)
    browser = site.browser(email)
    made = site.suggest(browser, url, kw.get("section", "article-2-la-proprete"),
                        kw.get("quote", "des cendriers"), kw.get("wording", "=des poubelles"))
    return browser, made.location.replace("http://test.localhost", "")


def test_open_data_lists_versions_and_suggestions_with_decisions_without_naming_people(site):
    admin = site.admin()
    url = site.create_text(admin)
    ana, suggestion_url = _suggestion(site, url)
    site.user("bob@example.org")
    site.post(site.browser("bob@example.org"), suggestion_url + "support")
    site.decide(admin, suggestion_url, "reject", "Déjà prévu ailleurs.")
    rows = site.browser().get("/charte/drafting/export.json").json
    assert [r["kind"] for r in rows] == ["version", "suggestion"]
    version, suggestion = rows
    assert version["version"] == 1 and "lieu de vie" in version["wording"]
    assert version["changelog"] == "Première version."
    assert suggestion["state"] == "rejected" and suggestion["reason"] == "Déjà prévu ailleurs."
    assert suggestion["supports"] == 1 and suggestion["quote"] == "des cendriers"
    text = json.dumps(rows, ensure_ascii=False)
    assert "Ana" not in text and "ana@example.org" not in text and "creator" not in text
    table = site.browser().get("/charte/drafting/export.csv").text
    by_kind = {r["kind"]: r for r in csv.DictReader(io.StringIO(table.lstrip("\ufeff")))}
    assert by_kind["suggestion"]["wording"] == "'=des poubelles"          # formula guard


def test_download_my_data_holds_my_annotations_suggestions_and_supports(site):
    url = site.create_text(site.admin())
    ana, suggestion_url = _suggestion(site, url)
    form = site.form_with(ana.get(url + "annotate"), "quote")
    form["section"], form["quote"], form["body"] = "preambule", "lieu de vie", "Et de repos !"
    form.submit("annotate")
    archive = zipfile.ZipFile(io.BytesIO(ana.get("/-/account/data").body))
    data = json.loads(archive.read("plugins/drafting.json"))["charte"]
    assert [a["annotation"] for a in data["annotations"]] == ["Et de repos !"]
    assert [s["wording"] for s in data["suggestions"]] == ["=des poubelles"]
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    site.post(bob, suggestion_url + "support")
    archive = zipfile.ZipFile(io.BytesIO(bob.get("/-/account/data").body))
    assert json.loads(archive.read("plugins/drafting.json"))["charte"]["supports"][0]["number"] == 1


def test_a_deleted_account_keeps_decided_text_but_withdraws_what_waits(site):
    admin = site.admin()
    url = site.create_text(admin)
    ana, waiting_url = _suggestion(site, url)
    made = site.suggest(ana, url, "preambule", "", "Un autre préambule.")
    accepted_url = made.location.replace("http://test.localhost", "")
    site.decide(admin, accepted_url, "accept", "Plus clair.")
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    site.post(bob, waiting_url + "support")
    form = site.form_with(bob.get("/-/account/delete"), "password")
    form["password"] = PASSWORD
    form.submit("delete")
    form = site.form_with(ana.get("/-/account/delete"), "password")
    form["password"] = PASSWORD
    form.submit("delete")
    visitor = site.browser()
    waiting = visitor.get(waiting_url)
    assert "Cette suggestion a été retirée" in waiting.text
    assert waiting.html.select_one(".support-count").text.strip().endswith("0")
    accepted = visitor.get(accepted_url)
    assert "Acceptée" in accepted.text and "Participant·e supprimé·e" in accepted.text


def test_moderators_hide_a_reported_suggestion_and_annotation(site):
    admin = site.admin()
    url = site.create_text(admin)
    ana, suggestion_url = _suggestion(site, url, wording="Texte offensant")
    for i in range(3):                       # the organisation's threshold hides it
        site.user(f"r{i}@example.org")
        reporter = site.browser(f"r{i}@example.org")
        page = reporter.get(suggestion_url)
        form = next(f for f in page.forms.values() if "reason" in f.fields)
        form["reason"] = "offensive"
        form.submit()
    visitor = site.browser()
    visitor.get(suggestion_url, status=410)
    assert "Texte offensant" not in visitor.get(url).text
    assert all(r["kind"] != "suggestion" for r in visitor.get("/charte/drafting/export.json").json)
    assert "Texte offensant" in admin.get(suggestion_url).text      # moderators still see it


def test_the_author_hears_of_the_decision_and_followers_of_a_new_version(site, mail_outbox):
    admin = site.admin()
    url = site.create_text(admin)
    ana, suggestion_url = _suggestion(site, url, section="preambule", quote="",
                                      wording="Un préambule plus court.")
    site.user("zoe@example.org")
    zoe = site.browser("zoe@example.org")
    page = zoe.get(url)
    follow = next(f for f in page.forms.values() if f.action.endswith("/-/follow"))
    follow.submit()
    site.decide(admin, suggestion_url, "accept", "Merci !")
    assert "n° 1" in ana.get("/-/notifications").text or "#1" in ana.get("/-/notifications").text
    publish = site.form_with(admin.get(url + "publish"), "changelog")
    publish.submit("publish")
    inbox = zoe.get("/-/notifications").text
    assert "v2" in inbox and "Charte de la vie nocturne" in inbox


def test_the_demo_text_has_two_versions_decided_suggestions_and_marked_origins(platform):
    from beffroi.devkit.demo import create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    browser = platform.browser("commune.localhost")
    listing = browser.get("/place-du-marche/drafting/")
    link = listing.html.select_one(".card h2 a")["href"]
    page = browser.get(link)
    assert "Version 2" in page.text
    assert page.html.select_one("mark.drafting-origin") is not None
    assert "Camille Habitant" in page.html.select_one("a.drafting-origin-link").text
    compare = browser.get(link + "compare", {"from": "1", "to": "2"})
    assert compare.html.select_one(".drafting-diff-text ins") is not None
    summary = " ".join(compare.html.find("h2").find_next("p").text.split())
    import re
    assert re.fullmatch(r"(1 mot ajouté|\d+ mots ajoutés), (1 mot supprimé|\d+ mots supprimés), "
                        r"dans (1 section|\d+ sections)\.", summary), summary
    rejected = browser.get(link + "s2/")
    assert "Rejetée" in rejected.text and "comptes rendus" in rejected.text
    for html in (listing.text, page.text, compare.text, rejected.text):
        assert_accessible(html)


def test_the_listing_counts_what_visitors_can_read(site):
    admin = site.admin()
    url = site.create_text(admin)
    ana, suggestion_url = _suggestion(site, url)
    site.suggest(ana, url, "preambule", "", "Autre préambule.")
    site.decide(admin, suggestion_url, "accept", "Oui.")
    card = site.browser().get("/charte/drafting/").html.select_one(".card .drafting-figures")
    assert " ".join(card.text.split()) == "Suggestions : 2 (acceptées : 1) · annotations : 0"
