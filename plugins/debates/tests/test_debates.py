"""Debates: a question, arguments in favour and against (the core's comments), conclusions."""
import csv
import io
from datetime import date, timedelta

import pytest

from beffroi.devkit.testing import csrf_of

pytestmark = pytest.mark.beffroi_modules("debates")


def open_debate(browser, space, title="Faut-il un marché le dimanche ?", **fields):
    form = browser.get(space.module_url() + "add").forms["deform"]
    form["title"], form["description"] = title, "<p>Le marché du dimanche<script>x</script></p>"
    for name, value in fields.items():
        form[name] = value
    return form.submit("create")


def test_a_space_admin_opens_a_debate_that_everyone_reads(platform, beffroi_space, beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    page = open_debate(beffroi_browser, space).follow()
    assert "Le débat est ouvert." in page.text
    assert "<script>" not in page.text and "Le marché du dimanche" in page.text
    visitor = platform.browser(space.host)
    listing = visitor.get(space.module_url())
    assert "Faut-il un marché le dimanche ?" in listing.text
    assert "Débat officiel." in visitor.get(page.request.path).text


def test_participants_open_debates_only_when_the_space_allows_it(platform, beffroi_space,
                                                                 beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="member", space=space.slug)
    assert "Ouvrir un débat" not in beffroi_browser.get(space.module_url()).text
    beffroi_browser.get(space.module_url() + "add", status=403)
    with platform.tx() as app:
        container = app.organisation_for_host(space.host).spaces[space.slug]["debates"]
        container.settings["participants_open"] = True
    page = open_debate(beffroi_browser, space).follow()
    assert "Débat officiel." not in page.text


def test_arguments_are_comments_with_an_alignment_until_the_debate_closes(
        platform, beffroi_space, beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    url = open_debate(beffroi_browser, space).follow().request.path
    camille = platform.browser(space.host)
    platform.login_as(camille, role="member", space=space.slug, email="camille@example.org")
    page = camille.get(url)
    form = next(f for f in page.forms.values() if "body" in f.fields)
    form["body"], form["alignment"] = "Pour : les familles seront ravies.", "1"
    form.submit().follow()
    assert "les familles seront ravies" in platform.browser(space.host).get(url).text
    form = next(f for f in camille.get(url).forms.values() if "body" in f.fields)
    form["body"], form["alignment"] = "Contre : le bruit le dimanche matin.", "-1"
    form.submit().follow()
    summary = platform.browser(space.host).get(url).html.select_one(".debate-summary dl")
    figures = [dd.text for dd in summary.select("dd")]
    assert figures == ["1", "0", "1", "1"]          # for, neutral, against; one participant
    close = beffroi_browser.get(url + "close").forms["deform"]
    close["conclusions"] = "<p>Une majorité est favorable.</p>"
    closed = close.submit("close").follow()
    assert "Une majorité est favorable." in closed.text and "Clos le" in closed.text
    page = camille.get(url)
    assert not any("body" in f.fields for f in page.forms.values())     # no more arguments
    camille.get(url + "close", status=403)                              # not the author
    listing = platform.browser(space.host).get(space.module_url())
    assert "Faut-il un marché" not in listing.text                      # open ones by default
    assert "Faut-il un marché" in platform.browser(space.host).get(
        space.module_url(), {"state": "closed"}).text


def test_dates_say_when_a_debate_is_open_and_are_checked(platform, beffroi_space, beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    later = date.today() + timedelta(days=10)
    bad = open_debate(beffroi_browser, space, start=later.isoformat(),
                      end=(later - timedelta(days=2)).isoformat())
    assert bad.status_int == 200 and "La fin précède le début." in bad.text
    bad.forms["deform"]["end"] = (later + timedelta(days=5)).isoformat()
    page = bad.forms["deform"].submit("create").follow()
    assert "Ouvre le" in page.text
    assert not any("body" in f.fields for f in page.forms.values())     # not open yet


def test_open_data_lists_public_debates_without_naming_people(platform, beffroi_space,
                                                              beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    open_debate(beffroi_browser, space, title="=cmd|' /C calc'!A0")
    rows = platform.browser(space.host).get(space.module_url() + "export.json").json
    assert [r["title"] for r in rows] == ["=cmd|' /C calc'!A0"]
    assert "creator" not in rows[0]
    text = platform.browser(space.host).get(space.module_url() + "export.csv").text
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["title"].startswith("'=") and row["closed"] == ""


def test_the_listing_and_a_debate_are_accessible(platform, beffroi_space, beffroi_browser):
    from beffroi.devkit.testing import assert_accessible
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    url = open_debate(beffroi_browser, space).follow().request.path
    assert_accessible(beffroi_browser.get(space.module_url()).text)
    assert_accessible(beffroi_browser.get(url).text)
    assert_accessible(beffroi_browser.get(url + "close").text)


def test_the_phase_decides_whether_debates_open_and_arguments_are_taken(
        platform, beffroi_space, beffroi_browser):
    space = beffroi_space()
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    url = open_debate(beffroi_browser, space).follow().request.path
    with platform.tx() as app:
        s = app.organisation_for_host(space.host).spaces[space.slug]
        s["debates"].phase_settings[s.active_phase_id] = {"creation_open": False,
                                                          "comments_open": False}
    beffroi_browser.get(space.module_url() + "add", status=403)
    page = beffroi_browser.get(url)
    assert not any("body" in f.fields for f in page.forms.values())
