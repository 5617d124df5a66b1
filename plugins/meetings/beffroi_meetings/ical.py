"""iCalendar feeds (RFC 5545) of meetings, made with the ``icalendar`` library.

Three feeds, each a ``VCALENDAR`` with one ``VEVENT`` per meeting:

- one meeting: ``<meeting>/calendar.ics``;
- a space's meetings module: ``<space>/<module>/calendar.ics``;
- the whole organisation: ``/-/meetings.ics`` (public meetings of public, published
  spaces of the request's organisation only: the feed is the same for everyone and is
  built from the host's organisation, so no other organisation's meeting can appear).

Times are written with the organisation's ``TZID`` (``DTSTART;TZID=Europe/Paris:…``) and
a ``VTIMEZONE`` built by ``icalendar`` from ``zoneinfo`` (RFC 5545 §3.6.5), so calendar
applications show the local time the organisers typed, DST included. ``UID`` is stable
(``meeting-<organisation id>-<space>-<module>-<number>@<host>``: it survives edits, so
an edited meeting replaces its old copy); ``DTSTAMP`` is the generation time in UTC,
``LAST-MODIFIED`` and ``SEQUENCE`` follow edits; a cancelled meeting is
``STATUS:CANCELLED``.
"""
from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar, Event, Timezone, vText
from pyramid.httpexceptions import HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from pyramid.response import Response

from beffroi.api import ModuleContainer, content_disposition, is_public, now
from beffroi_meetings.models import Meeting, local_zone

_ = TranslationStringFactory("beffroi_meetings")
PRODID = "-//Beffroi//beffroi-meetings//FR"


def uid_of(organisation, meeting) -> str:
    """The stable ``UID`` of ``meeting`` (RFC 5545 §3.8.4.7)."""
    container = meeting.__parent__
    return (f"meeting-{organisation.id}-{container.space.__name__}-{container.__name__}-"
            f"{meeting.number}@{organisation.host}")


def _plain(html: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"<[^>]+>", "", html or "")).strip()


def event_of(request, meeting, zone) -> Event:
    """The ``VEVENT`` of ``meeting``, its times in ``zone``."""
    event = Event()
    event.add("uid", uid_of(request.organisation, meeting))
    event.add("dtstamp", now())
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("created", meeting.created)
    event.add("last-modified", meeting.modified)
    event.add("sequence", max(0, int((meeting.modified - meeting.created).total_seconds())))
    event.add("url", request.resource_url(meeting))
    description = _plain(meeting.description)
    if meeting.online_url:
        description += f"\n\n{meeting.online_url}"
    event.add("description", description)
    location = ", ".join(x for x in (meeting.address, meeting.online_url if not meeting.address
                                     else "") if x)
    if location:
        event["location"] = vText(location)
    event.add("status", "CANCELLED" if meeting.cancelled is not None else "CONFIRMED")
    return event


def calendar_of(request, meetings, name) -> bytes:
    """A ``VCALENDAR`` (bytes, CRLF lines) of ``meetings`` named ``name``."""
    zone = local_zone(request.organisation)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", " ".join(str(name).split()))   # one line
    calendar.add("x-wr-timezone", str(zone))
    meetings = list(meetings)
    if meetings:
        first = min(m.start for m in meetings)
        last = max(m.end for m in meetings)
        # the zone's rules (DST transitions) for the years the meetings span
        calendar.add_component(Timezone.from_tzinfo(
            zone, first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)))
    for meeting in meetings:
        calendar.add_component(event_of(request, meeting, zone))
    return calendar.to_ical()


def _response(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="text/calendar", charset="utf-8")
    response.content_disposition = content_disposition(filename, inline=True)
    response.cache_control = "max-age=300"
    return response


def _public_meetings(container):
    return [m for m in container.values() if isinstance(m, Meeting) and is_public(m)]


def public_space(space) -> bool:
    """Is ``space`` open to anyone (published and public)?"""
    return bool(space.published) and getattr(space, "visibility", "public") == "public"


def meeting_calendar(context, request):
    if not is_public(context):
        raise HTTPNotFound()
    return _response(calendar_of(request, [context], context.title),
                     f"meeting-{context.number}.ics")


def container_calendar(context, request):
    space = context.space
    name = f"{space.title} · {context.title or request.localizer.translate(_('Meetings'))}"
    return _response(calendar_of(request, _public_meetings(context), name),
                     f"{space.__name__}-meetings.ics")


def organisation_calendar(context, request):
    """``/-/meetings.ics``: public meetings of every public space of this organisation."""
    organisation = request.organisation
    if getattr(context, "__name__", None) != "-" or context.__parent__ is not organisation:
        raise HTTPNotFound()
    meetings = []
    for space in organisation.spaces.values():
        if not public_space(space):
            continue
        for container in space.modules.values():
            if container.module_name == "meetings" and container.enabled:
                meetings.extend(_public_meetings(container))
    meetings.sort(key=lambda m: (m.start, m.number))
    return _response(calendar_of(request, meetings, organisation.name), "meetings.ics")


def includeme(config):
    config.add_view(meeting_calendar, context=Meeting, name="calendar.ics", permission="view",
                    request_method="GET")
    config.add_view(container_calendar, context=ModuleContainer, module="meetings",
                    name="calendar.ics", permission="view", request_method="GET")
    # the organisation's /-/ segment is not in the toolkit: the view checks its context
    config.add_view(organisation_calendar, name="meetings.ics", permission="view",
                    request_method="GET")
