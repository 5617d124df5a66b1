"""Meetings: staff publish them in the organisation's time zone; participants register up
to the capacity, then wait; the waiting list moves up; codes are checked at the door;
minutes, attendance and contributions collected in person after the meeting."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from beffroi.devkit.testing import PASSWORD

pytestmark = [pytest.mark.beffroi_modules("meetings"), pytest.mark.beffroi_db("memory")]


@pytest.fixture
def staff(platform, beffroi_space, beffroi_browser):
    space = beffroi_space("meetings", slug="quartier")
    platform.login_as(beffroi_browser, role="admin", space=space.slug, name="Dominique Espace")
    return space, beffroi_browser


def test_staff_publish_a_meeting_shown_in_local_time_with_a_map_link_and_agenda(staff, mt,
                                                                                platform):
    space, browser = staff
    response = mt.add_meeting(browser, space, start="18:30", end="20:00")
    assert response.status_int == 302
    page = platform.browser().get(mt.meeting_path(response))
    assert "Réunion publique sur la place" in page.text
    assert "<script>" not in page.text and "<strong>nombreux</strong>" in page.text
    when = page.html.select_one(".meeting-facts time").text
    assert "18:30–20:00" in when                                   # as typed, Europe/Paris
    iso = page.html.select_one(".meeting-facts time")["datetime"]
    assert iso.endswith(("+00:00",))                               # stored in UTC
    link = page.html.find("a", href=lambda h: h and "openstreetmap.org/search" in h)
    assert "2+rue+de+la+Mairie" in link["href"] and "OpenStreetMap" in link.text
    agenda = [li.text.split()[0] for li in page.html.select(".meeting-agenda li")]
    assert agenda == ["18:30–18:45", "18:45–19:30", "19:30–20:00"]
    listing = platform.browser().get(space.module_url())
    assert "Réunion publique sur la place" in listing.text
    past = platform.browser().get(space.module_url(), {"when": "past"})
    assert "Réunion publique sur la place" not in past.text
    mt.add_meeting(browser, space, title="Permanence en visio", kind="online", address="",
                   online_url="https://visio.example.org/p")
    online = platform.browser().get(space.module_url(), {"kind": "online"})
    assert [a.text for a in online.html.select(".meeting-cards h2 a")] == ["Permanence en visio"]
    both = platform.browser().get(space.module_url())
    assert len(both.html.select(".meeting-cards h2 a")) == 2


def test_bad_input_gives_messages_and_keeps_what_was_typed(staff, mt):
    space, browser = staff
    bad = mt.add_meeting(browser, space, title="Réunion à l'envers", start="20:00", end="18:00")
    assert bad.status_int == 200 and "La fin précède le début." in bad.text
    assert bad.forms["deform"]["title"].value == "Réunion à l'envers"
    bad = mt.add_meeting(browser, space, title="Nul\x00part")
    assert bad.status_int == 200 and "caractère" in bad.text.lower()
    bad = mt.add_meeting(browser, space, title="x" * 400)
    assert bad.status_int == 200
    bad = mt.add_meeting(browser, space, agenda="Accueil sans durée")
    assert bad.status_int == 200 and "Ligne 1" in bad.text
    bad = mt.add_meeting(browser, space, kind="online", address="")
    assert bad.status_int == 200 and "adresse de la réunion en ligne" in bad.text
    bad = mt.add_meeting(browser, space, kind="online", address="",
                         online_url="javascript:alert(1)")
    assert bad.status_int == 200 and "https://" in bad.text
    # 02:30 on the last Sunday of March does not exist in Europe/Paris
    year = date.today().year + 1
    last_sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    bad = mt.add_meeting(browser, space, days=(last_sunday - date.today()).days,
                         start="02:30", end="04:00")
    assert bad.status_int == 200 and "n'existe pas" in bad.text


def test_registering_up_to_capacity_then_the_waiting_list_moves_up(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 2, terms="Vos données servent à la réunion.")
    people = [mt.participant(platform, space, f"p{i}@example.org") for i in range(4)]
    refused = mt.post_button(people[0], path, "register").follow()
    assert "Acceptez les conditions" in refused.text
    codes = []
    for person in people:
        page = mt.post_button(person, path, "register", accept_terms=True).follow()
        codes.append(page.html.select_one(".meeting-code-value strong").text)
    assert "liste d'attente" in people[2].get(path).text
    assert "2 inscrit" in people[3].get(path).text
    assert len(set(codes)) == 4
    # the first one cancels: the first person waiting gets the place and is told
    mt.post_button(people[0], path, "unregister").follow()
    page = people[2].get(path)
    assert "Vous êtes inscrit" in page.text and "liste d'attente" not in page.html.select_one(
        "#registration").text.split("Vous êtes inscrit")[1]
    inbox = people[2].get("/-/notifications")
    assert "Réunion publique sur la place" in inbox.text
    assert "Réunion publique sur la place" not in people[1].get("/-/notifications").text
    staff_page = browser.get(path + "registrations")
    assert len(staff_page.html.select("table tbody tr")) == 2
    assert len(staff_page.html.select("ol li")) == 1            # p3 still waits
    sheet = browser.get(path + "registrations.csv")
    rows = list(csv.DictReader(io.StringIO(sheet.text.lstrip("\ufeff"))))
    assert [r["Statut"] for r in rows] == ["Inscrit·e", "Inscrit·e", "Liste d'attente"]
    assert {r["Code"] for r in rows} <= set(codes)
    people[1].get(path + "registrations.csv", status=403)
    # the capacity cannot drop below the registered people
    low = mt.set_registrations(browser, path, 1).follow()
    assert "Personnes déjà inscrites : 2" in low.text


def test_door_check_marks_a_code_once_and_explains_unknown_codes(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 1)
    ana = mt.participant(platform, space, "ana@example.org")
    bob = mt.participant(platform, space, "bob@example.org")
    code = mt.post_button(ana, path, "register").follow().html.select_one(
        ".meeting-code-value strong").text
    waiting = mt.post_button(bob, path, "register").follow().html.select_one(
        ".meeting-code-value strong").text

    def check(typed, follow=True):
        form = browser.get(path + "door").forms["deform"]
        form["code"] = typed
        response = form.submit("check")
        return response.follow() if follow else response
    assert "bienvenue" in check(code.lower()[:4] + " " + code.lower()[4:]).text
    assert "déjà été utilisé" in check(code).text
    assert "Aucune inscription ne porte le code NOPE" in check("NOPE").text
    assert "liste d'attente" in check(waiting).text
    refused = check("AB\x00CD", follow=False)
    assert refused.status_int == 200 and "caractères de contrôle" in refused.text
    assert "Passé à l'accueil" in ana.get(path).text
    mt.participant(platform, space, "eve@example.org").get(path + "door", status=403)


def test_staff_enter_contributions_collected_in_person_counted_in_figures(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space, days=-3))
    form = browser.get(path + "contribute").forms["deform"]
    form["text"] = "Un **passage piéton** devant l'école"
    form["participant"] = "Jeanne"
    page = form.submit("add").follow()
    assert "La contribution est enregistrée." in page.text
    visitor = platform.browser().get(path)
    item = visitor.html.select_one(".meeting-contributions li")
    assert "<strong>passage piéton</strong>" in str(item)
    assert "Dit par Jeanne" in item.text
    assert "Recueillie en présentiel par Dominique Espace le" in item.text
    figures = platform.browser().get(space.module_url(), {"when": "past"}).html.select_one(
        "aside dl.figures")
    assert dict(zip([d.text for d in figures.select("dt")],
                    [d.text for d in figures.select("dd")]))[
        "Contributions recueillies en présentiel"] == "1"
    bad = browser.get(path + "contribute").forms["deform"]
    bad["text"] = "x" * 30_000
    assert bad.submit("add").status_int == 200
    member = mt.participant(platform, space, "m@example.org")
    member.get(path + "contribute", status=403)


def test_minutes_attendance_and_closing(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space, days=-2))
    form = browser.get(path + "close").forms["deform"]
    form["minutes"] = "Nous avons décidé **trois** choses.<img src=x onerror=alert(1)>"
    form["attendees_count"] = "27"
    form["attendees_list"] = "Association des parents\nClub cyclo"
    page = form.submit("publish").follow()
    assert "Le compte rendu est publié" in page.text
    early = mt.meeting_path(mt.add_meeting(browser, space, title="Pas encore", days=4))
    refused = browser.get(early + "close").follow()
    assert "une fois la rencontre commencée" in refused.text
    visitor = platform.browser().get(path)
    assert "<strong>trois</strong>" in visitor.text and "onerror" not in visitor.text
    assert "Participant·e·s : 27" in visitor.text and "Club cyclo" in visitor.text


def test_followers_hear_when_a_meeting_changes_or_is_cancelled(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    fan = mt.participant(platform, space, "fan@example.org")
    page = fan.get(path)
    follow = next(f for f in page.forms.values() if "follow" in (f.action or ""))
    follow.submit()
    form = browser.get(path + "edit").forms["deform"]
    form["start_time"] = "19:00"
    form["end_time"] = "21:00"
    form.submit("save").follow()
    assert "19:00–21:00" in platform.browser().get(path).text
    inbox = fan.get("/-/notifications").text
    assert "Réunion publique sur la place" in inbox
    form = browser.get(path + "cancel").forms["deform"]
    form["reason"] = "Salle indisponible"
    form.submit("cancel_meeting").follow()
    page = platform.browser().get(path)
    assert "Cette rencontre est annulée." in page.text and "Salle indisponible" in page.text
    assert fan.get("/-/notifications").text.count("Réunion publique sur la place") >= 2


def test_the_phase_closes_registrations_and_visitors_are_asked_to_log_in(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 5)
    assert "Connectez-vous pour vous inscrire." in platform.browser().get(path).text
    with platform.tx() as app:
        s = app.organisation_for_host(mt.HOST).spaces[space.slug]
        s["meetings"].phase_settings[s.active_phase_id] = {"registrations_open": False}
    person = mt.participant(platform, space, "late@example.org")
    assert "fermées pendant cette phase" in person.get(path).text
    page = person.post(path + "register", {"csrf_token": _csrf(person.get(path))}).follow()
    assert "fermées pendant cette phase" in page.text
    with platform.tx() as app:
        meeting = app.organisation_for_host(mt.HOST).spaces[space.slug]["meetings"]["1"]
        assert not getattr(meeting, "registrations", None)


def _csrf(page):
    from beffroi.devkit.testing import csrf_of
    return csrf_of(page)


def test_open_data_portable_data_and_account_deletion(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space, title="=HYPERLINK(1)"))
    mt.set_registrations(browser, path, 1)
    ana = mt.participant(platform, space, "ana@example.org")
    bob = mt.participant(platform, space, "bob@example.org")
    mt.post_button(ana, path, "register")
    mt.post_button(bob, path, "register")
    rows = platform.browser().get(space.module_url() + "export.json").json
    assert rows[0]["registrations"] == 1 and rows[0]["capacity"] == 1
    assert "ana" not in str(rows) and "code" not in rows[0]
    text = platform.browser().get(space.module_url() + "export.csv").text
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["title"].startswith("'=")
    # "download my data" holds ana's registration and its code
    import json
    import zipfile
    archive = zipfile.ZipFile(io.BytesIO(ana.get("/-/account/data").body))
    text = "".join(archive.read(n).decode() for n in archive.namelist() if "meetings" in n)
    with platform.tx() as app:
        org = app.organisation_for_host(mt.HOST)
        meeting = org.spaces[space.slug]["meetings"]["1"]
        ana_id = org.users.find_by_email("ana@example.org").id
        bob_id = org.users.find_by_email("bob@example.org").id
        code = meeting.registrations[ana_id].code
    assert code in text and json.loads(text)
    assert "liste d'attente" in bob.get(path).html.select_one("#registration").text
    # ana deletes her account: bob moves up and is told
    form = ana.get("/-/account/delete").forms["deform"]
    form["password"] = PASSWORD
    form.submit("delete")
    with platform.tx() as app:
        meeting = app.organisation_for_host(mt.HOST).spaces[space.slug]["meetings"]["1"]
        assert meeting.registrations[bob_id].status == "confirmed"
        assert ana_id not in meeting.registrations
    assert "=HYPERLINK(1)" in bob.get("/-/notifications").text


def test_proposals_born_at_a_meeting_are_listed_on_its_page(platform, beffroi_space,
                                                           beffroi_browser, mt):
    if "proposals" not in platform.plugins.modules:
        pytest.skip("beffroi-proposals is not installed")
    space = beffroi_space("meetings", "proposals", slug="centre")
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    path = mt.meeting_path(mt.add_meeting(beffroi_browser, space))
    form = beffroi_browser.get(f"/{space.slug}/proposals/add").forms["deform"]
    form["title"], form["body"] = "Des bancs à l'ombre", "Six bancs sous les platanes."
    form.submit(form.fields.get("create") and "create" or None)
    page = beffroi_browser.get(path + "proposals")
    form = page.forms["deform"]
    boxes = [f for f in form.fields.get("checkbox", [])] or form.fields.get("proposals")
    assert boxes, page.text[:2000]
    boxes[0].checked = True
    form.submit("save").follow()
    visitor = platform.browser().get(path)
    assert "Des bancs à l'ombre" in visitor.html.select_one("#proposals-title").parent.text
    from beffroi_meetings import meeting_of_proposal, proposals_born_at
    with platform.tx() as app:
        org = app.organisation_for_host(mt.HOST)
        meeting = org.spaces[space.slug]["meetings"]["1"]
        [proposal] = proposals_born_at(meeting)
        assert meeting_of_proposal(proposal) == [meeting]
        from beffroi.api import origins_of
        assert origins_of(proposal) == [meeting]          # the core's links know it too
    # unticking removes both
    form = beffroi_browser.get(path + "proposals").forms["deform"]
    for box in form.fields.get("checkbox", []):
        box.checked = False
    form.submit("save")
    with platform.tx() as app:
        org = app.organisation_for_host(mt.HOST)
        meeting = org.spaces[space.slug]["meetings"]["1"]
        assert proposals_born_at(meeting) == []
        from beffroi.api import origins_of
        assert origins_of(org.spaces[space.slug]["proposals"]["1"]) == []


def test_upcoming_meetings_show_on_the_organisation_and_space_home_pages(staff, mt, platform):
    space, browser = staff
    mt.add_meeting(browser, space, title="Bientôt : réunion de quartier")
    mt.add_meeting(browser, space, title="Déjà passée", days=-5)
    home = platform.browser().get("/")
    block = home.html.select_one(".meetings-block")
    assert "Bientôt : réunion de quartier" in block.text and "Déjà passée" not in block.text
    assert block.find("a", href=lambda h: h and h.endswith("/-/meetings.ics"))
    space_page = platform.browser().get(space.url)
    assert "Bientôt : réunion de quartier" in space_page.html.select_one(".meetings-block").text
    # extra_space_blocks is space-scoped: a space without the module shows no block
    platform.add_space(mt.HOST, "sans-rencontres", modules=())
    assert platform.browser().get("/sans-rencontres/").html.select_one(".meetings-block") is None


def test_a_get_writes_nothing(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 3)
    last = platform.db.lastTransaction()
    visitor = platform.browser()
    for url in (path, space.module_url(), path + "calendar.ics", "/-/meetings.ics", "/",
                space.url, space.module_url() + "calendar.ics"):
        visitor.get(url)
    assert platform.db.lastTransaction() == last


def test_pages_are_accessible(staff, mt, platform):
    from beffroi.devkit.testing import assert_accessible
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 3, terms="Conditions **claires**.")
    for url in (space.module_url(), path, path + "registrations", path + "door",
                path + "contribute", path + "edit", path + "cancel",
                space.module_url() + "add"):
        assert_accessible(browser.get(url).text)
    past = mt.meeting_path(mt.add_meeting(browser, space, title="Passée", days=-1))
    assert_accessible(browser.get(past + "close").text)
    person = mt.participant(platform, space, "a11y@example.org")
    assert_accessible(person.get(path).text)
    assert_accessible(mt.post_button(person, path, "register",
                                     accept_terms=True).follow().text)


def test_unknown_things_are_404_not_500(staff, mt, platform):
    space, browser = staff
    visitor = platform.browser()
    visitor.get(space.module_url() + "999/", status=404)
    visitor.get(space.module_url(), {"page": "abc", "when": "<x>"})
    visitor.get(space.module_url(), {"after": "zzz"})
    visitor.get("/" + space.slug + "/meetings.ics", status=404)
    assert visitor.get("/-/meetings.ics").content_type == "text/calendar"
    dates = (date.today() + timedelta(days=3)).isoformat()
    bad = mt.add_meeting(browser, space, start_date="31/02/2026")
    assert bad.status_int == 200 and dates


def test_participants_comment_on_a_meeting_until_the_phase_closes_comments(staff, mt, platform):
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    camille = mt.participant(platform, space, "camille@example.org")
    form = next(f for f in camille.get(path).forms.values() if "body" in f.fields)
    form["body"] = "Je viendrai avec mes voisins."
    form.submit().follow()
    assert "Je viendrai avec mes voisins." in platform.browser().get(path).text
    with platform.tx() as app:
        s = app.organisation_for_host(mt.HOST).spaces[space.slug]
        s["meetings"].phase_settings[s.active_phase_id] = {"comments_open": False}
    assert not any("body" in f.fields for f in camille.get(path).forms.values())


def test_a_space_requiring_a_verification_to_register_refuses_others(staff, mt, platform):
    """The core's action authorisations: with "register" requiring the census, an
    unverified participant gets the page saying what is missing and takes no seat."""
    from beffroi.services.verification.authorisations import Requirement, set_requirement
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 5)
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces[space.slug]["meetings"]
        set_requirement(container, "register", Requirement(("census",)))
    person = mt.participant(platform, space, "p@example.org")
    page = person.get(path)
    form = next(f for f in page.forms.values() if f.action.endswith("register"))
    refused = form.submit(status=403)
    assert "Recensement" in refused.text
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces[space.slug]["meetings"]
        from beffroi_meetings.models import meetings_of
        from beffroi_meetings.registrations import counts
        [meeting] = meetings_of(container)
        assert counts(meeting)["confirmed"] == 0


def test_places_and_registered_people_read_in_the_singular_for_one(staff, mt, platform):
    """"1 place" and "1 person registered", in French and in English; 2 in the plural."""
    space, browser = staff
    path = mt.meeting_path(mt.add_meeting(browser, space))
    mt.set_registrations(browser, path, 1)
    text = " ".join(browser.get(path).text.split())
    assert "0 inscrit·e·s pour 1 place." in text
    browser.set_cookie("_LOCALE_", "en")
    assert "0 registered for 1 place." in " ".join(browser.get(path).text.split())
    mt.set_registrations(browser, path, 2)
    assert "0 registered for 2 places." in " ".join(browser.get(path).text.split())
    browser.set_cookie("_LOCALE_", "fr")
    assert "0 inscrit·e·s pour 2 places." in " ".join(browser.get(path).text.split())
    # without a capacity: the people registered
    mt.set_registrations(browser, path, "")
    ana = mt.participant(platform, space, "ana@example.org")
    mt.post_button(ana, path, "register")
    assert "1 personne inscrite." in " ".join(browser.get(path).text.split())
    browser.set_cookie("_LOCALE_", "en")
    assert "1 person registered." in " ".join(browser.get(path).text.split())
    bob = mt.participant(platform, space, "bob@example.org")
    mt.post_button(bob, path, "register")
    assert "2 people registered." in " ".join(browser.get(path).text.split())
