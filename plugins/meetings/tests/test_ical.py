"""iCal feeds (RFC 5545) parse with the ``icalendar`` library and give the local times
the organisers typed; the organisation's feed holds only its own public meetings."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

pytestmark = [pytest.mark.beffroi_modules("meetings"), pytest.mark.beffroi_db("memory")]
PARIS = ZoneInfo("Europe/Paris")


def _events(body):
    calendar = Calendar.from_ical(body)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_a_meeting_feed_has_the_local_times_a_stable_uid_and_a_time_zone(
        platform, beffroi_space, beffroi_browser, mt):
    space = beffroi_space("meetings", slug="quartier")
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    # one meeting in winter time and one in summer time: both keep 18:30 local
    today = date.today()
    winter = date(today.year + 1, 1, 15)
    summer = date(today.year + 1, 7, 15)
    paths = []
    for day in (winter, summer):
        response = mt.add_meeting(beffroi_browser, space, title=f"Réunion du {day}",
                                  days=(day - today).days, start="18:30", end="20:00")
        paths.append(mt.meeting_path(response))
    response = platform.browser().get(paths[0] + "calendar.ics")
    assert response.content_type == "text/calendar"
    assert b"\r\n" in response.body and b"BEGIN:VTIMEZONE" in response.body
    assert b"DTSTART;TZID=Europe/Paris:" in response.body
    calendar, [event] = _events(response.body)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime.combine(winter, time(18, 30))
    assert start.utcoffset() == timedelta(hours=1)
    assert event.decoded("DTEND").astimezone(PARIS).time() == time(20, 0)
    assert event.decoded("DTSTAMP").tzinfo is not None
    uid = str(event["UID"])
    assert uid.endswith("@test.localhost")
    # the space feed: both meetings, summer time at UTC+2
    _calendar, events = _events(platform.browser().get(
        space.module_url() + "calendar.ics").body)
    by_title = {str(e["SUMMARY"]): e for e in events}
    summer_event = by_title[f"Réunion du {summer}"]
    assert summer_event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert summer_event.decoded("DTSTART").astimezone(PARIS).time() == time(18, 30)
    # an edit keeps the UID; cancelling marks it cancelled
    form = beffroi_browser.get(paths[0] + "edit").forms["deform"]
    form["start_time"], form["end_time"] = "19:00", "21:00"
    form.submit("save")
    form = beffroi_browser.get(paths[0] + "cancel").forms["deform"]
    form["reason"] = "Salle indisponible"
    form.submit("cancel_meeting")
    _calendar, [event] = _events(platform.browser().get(paths[0] + "calendar.ics").body)
    assert str(event["UID"]) == uid and str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART").astimezone(PARIS).time() == time(19, 0)


def test_the_organisation_feed_holds_its_public_meetings_only(platform, beffroi_space,
                                                              beffroi_browser, mt):
    public = beffroi_space("meetings", slug="public")
    private = beffroi_space("meetings", slug="prive", visibility="private")
    hidden = beffroi_space("meetings", slug="brouillon", published=False)
    for space, title in ((public, "Réunion ouverte"), (private, "Réunion privée"),
                         (hidden, "Réunion pas encore publiée")):
        browser = platform.browser()
        platform.login_as(browser, role="admin", space=space.slug)
        assert mt.add_meeting(browser, space, title=title).status_int == 302
    # another organisation on another host, with its own meeting
    platform.add_org("Autre commune", "autre.localhost")
    platform.add_space("autre.localhost", "public", modules=["meetings"])
    other = platform.browser("autre.localhost")
    email = "admin@autre.example.org"
    platform.add_user("autre.localhost", email, space_roles={"public": ["admin"]})
    platform.login(other, email)
    form = other.get("/public/meetings/add").forms["deform"]
    form["title"], form["description"] = "Réunion de l'autre commune", "Ailleurs"
    form["start_date"] = (date.today() + timedelta(days=3)).isoformat()
    form["start_time"], form["end_time"] = "10:00", "11:00"
    form["address"] = "Place de l'Église"
    assert form.submit("create").status_int == 302
    _calendar, events = _events(platform.browser().get("/-/meetings.ics").body)
    assert [str(e["SUMMARY"]) for e in events] == ["Réunion ouverte"]
    _calendar, events = _events(platform.browser("autre.localhost").get("/-/meetings.ics").body)
    assert [str(e["SUMMARY"]) for e in events] == ["Réunion de l'autre commune"]
    # a private space's feed is not served to visitors
    platform.browser().get(private.module_url() + "calendar.ics", status=(403, 404))
