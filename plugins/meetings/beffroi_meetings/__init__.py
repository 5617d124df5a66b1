"""Meetings: in person, online or hybrid; registrations with a capacity, a waiting list
and a code checked at the door; iCal feeds; minutes and attendance after the meeting;
contributions collected in person by staff; proposals born at a meeting. Built only on
the public plugin contract.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import IndexInfo, ModuleInfo, NotificationInfo, PermissionInfo, hookimpl
from beffroi.api import is_public
from beffroi_meetings.links import meeting_of_proposal, proposals_born_at  # noqa: F401 (public)
from beffroi_meetings.models import ensure_index, meeting_text
from beffroi_meetings.schemas import MeetingsPhaseSettings, MeetingsSettings

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_meetings")

OPEN_DATA_COLUMNS = ("number", "title", "kind", "start", "end", "address", "online_url",
                     "description_html", "agenda", "state", "cancel_reason",
                     "registrations_enabled", "capacity", "registrations", "attendees",
                     "contributions_in_person", "minutes_html", "proposals", "created")


def _row(meeting):
    """One meeting as open data: no personal data (no registrant, no collector, no
    participant name: contributions are counted, not listed)."""
    from beffroi_meetings.registrations import counts
    figures = counts(meeting)
    return {"number": meeting.number, "title": meeting.title, "kind": meeting.kind,
            "start": meeting.start.isoformat(), "end": meeting.end.isoformat(),
            "address": meeting.address, "online_url": meeting.online_url,
            "description_html": meeting.description,
            "agenda": "; ".join(f"{m} min {t}" for m, t in meeting.agenda),
            "state": meeting.state(), "cancel_reason": meeting.cancel_reason,
            "registrations_enabled": bool(meeting.registrations_enabled),
            "capacity": meeting.capacity, "registrations": figures["confirmed"],
            "attendees": meeting.attendees_count if meeting.attendees_count is not None
            else figures["attended"],
            "contributions_in_person": len(meeting.contributions),
            "minutes_html": meeting.minutes_html,
            "proposals": " ".join(sorted(meeting.proposal_links)),
            "created": meeting.created.isoformat()}


def public_meetings(container):
    """The meetings of ``container`` anyone may read, in start order."""
    from beffroi_meetings.models import meetings_of
    return [m for m in meetings_of(container) if is_public(m)]


def _open_data_fields():
    """What each column of the meetings' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "number": FieldDoc("integer", _("Number of the meeting in its space")),
        "title": FieldDoc("text", _("Title of the meeting")),
        "kind": FieldDoc("text", _("How it is held: in_person, online or hybrid")),
        "start": FieldDoc("date-time", _("When the meeting starts (ISO 8601 with offset)")),
        "end": FieldDoc("date-time", _("When the meeting ends (ISO 8601 with offset)")),
        "address": FieldDoc("text", _("Address of the meeting place (empty online)")),
        "online_url": FieldDoc("url", _("Address to join online (empty in person)")),
        "description_html": FieldDoc("text", _("Description of the meeting, as sanitised HTML")),
        "agenda": FieldDoc("text", _("Agenda items with their duration in minutes, separated by semicolons")),
        "state": FieldDoc("text", _("State of the meeting: upcoming, in progress, past or cancelled")),
        "cancel_reason": FieldDoc("text", _("Why the meeting was cancelled (empty otherwise)")),
        "registrations_enabled": FieldDoc("boolean", _("Registration is required or offered")),
        "capacity": FieldDoc("integer", _("Places available (empty: no limit)"), _("places")),
        "registrations": FieldDoc("integer", _("Confirmed registrations"), _("people")),
        "attendees": FieldDoc("integer", _("People who attended"), _("people")),
        "contributions_in_person": FieldDoc("integer", _("Contributions collected in person at the meeting"), _("contributions")),
        "minutes_html": FieldDoc("text", _("Minutes of the meeting, as sanitised HTML")),
        "proposals": FieldDoc("list", _("Proposals born at the meeting, separated by spaces")),
        "created": FieldDoc("date-time", _("When the meeting was created (ISO 8601, UTC)")),
    }


def _open_data(request, container):
    return [_row(m) for m in public_meetings(container)]


def _organisation_export(container):
    return [_row(m) for m in public_meetings(container)]


def _portable_data(request, container, user):
    """The person's registrations in ``container`` (code, status, attendance)."""
    from beffroi_meetings.models import meetings_of
    from beffroi_meetings.registrations import registration_of
    out = []
    for meeting in meetings_of(container):
        registration = registration_of(meeting, user.id)
        if registration is not None:
            out.append({"meeting": meeting.title, "start": meeting.start.isoformat(),
                        "code": registration.code, "status": registration.status,
                        "registered": registration.created.isoformat(),
                        "attended": registration.attended.isoformat()
                        if registration.attended else None})
    return {"registrations": out} if out else None


def _on_account_deleted(request, container, user):
    """Remove the person's registrations; the waiting list moves up (and is told)."""
    from beffroi_meetings.models import meetings_of
    from beffroi_meetings.registrations import forget
    from beffroi_meetings.views import _notify_person
    for meeting in meetings_of(container):
        for registration in forget(meeting, user.id):
            _notify_person(request, registration, "meetings.promoted")
        for contribution in meeting.contributions.values():
            if contribution.collected_by == user.id:
                contribution.collected_by = None


def _demo_content(container):
    from beffroi_meetings.demo import fill
    fill(container)


def _open_calls(request, container):
    """Upcoming meetings taking registrations: the home page's open calls."""
    from beffroi.api import module_settings
    if not module_settings(request, container).get("registrations_open", True):
        return []
    if any(m.registrations_enabled and m.state() == "upcoming" for m in public_meetings(container)):
        return [_("Register for a meeting")]
    return []


@hookimpl
def register_modules():
    return [ModuleInfo(
        search=("title", "description", "address"),
        actions=("register",),
        open_calls=_open_calls,
        name="meetings",
        title=_("Meetings"),
        description=_("Meetings in person, online or hybrid, with registrations, a waiting "
                      "list, minutes and contributions collected in person."),
        icon="📅",
        permissions=(
            PermissionInfo("meetings.register", _("Register to meetings"), ("authenticated",)),
            PermissionInfo("meetings.manage", _("Add, edit, cancel and close meetings"),
                           ("admin",)),
            PermissionInfo("meetings.check_in", _("Check registration codes at the door"),
                           ("admin", "moderator", "collaborator")),
            PermissionInfo("meetings.collect", _("Enter contributions collected in person"),
                           ("admin", "moderator", "collaborator")),
        ),
        settings_schema=MeetingsSettings,
        phase_settings_schema=MeetingsPhaseSettings,
        indexes=(IndexInfo("meetings.text", "text", meeting_text),),
        on_enable=lambda request, container: ensure_index(container),
        open_data=_open_data,
        open_data_columns=OPEN_DATA_COLUMNS,
        open_data_fields=_open_data_fields(),
        organisation_export=_organisation_export,
        portable_data=_portable_data,
        on_account_deleted=_on_account_deleted,
        demo_content=_demo_content,
    )]


@hookimpl
def register_notifications():
    return [NotificationInfo("meetings.created", _("A meeting has been announced")),
            NotificationInfo("meetings.changed", _("A meeting's time or place has changed")),
            NotificationInfo("meetings.cancelled", _("A meeting has been cancelled")),
            NotificationInfo("meetings.closed", _("A meeting's minutes are published")),
            NotificationInfo("meetings.promoted",
                             _("A place at a meeting has freed up for you"))]


@hookimpl
def on_configure(config):
    config.include("beffroi_meetings.views")
    config.include("beffroi_meetings.views_staff")
    config.include("beffroi_meetings.ical")


@hookimpl
def extra_home_blocks(request, organisation):
    """Upcoming meetings of the organisation's spaces on its home page."""
    from beffroi_meetings.views import home_block, usable_containers
    containers = usable_containers(request, organisation.spaces.values())
    block = home_block(request, containers, _("Upcoming meetings"),
                       feed_url=request.application_url + "/-/meetings.ics")
    return [block] if block else []


@hookimpl
def extra_space_blocks(request, space):
    """Upcoming meetings of ``space`` on its page."""
    from beffroi_meetings.views import home_block, usable_containers
    containers = usable_containers(request, [space])
    block = home_block(request, containers, _("Upcoming meetings"),
                       feed_url=request.resource_url(containers[0], "calendar.ics")
                       if containers else None)
    return [block] if block else []
