"""Forms of the meetings module (colander schemas shown by deform) and its settings."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi_meetings.models import ADDRESS_MAX, KINDS, TEXT_MAX, TITLE_MAX, AgendaError, parse_agenda

_ = TranslationStringFactory("beffroi_meetings")

KIND_TITLES = {"in_person": _("In person"), "online": _("Online"), "hybrid": _("Hybrid")}


class MeetingsSettings(colander.MappingSchema):
    intro = colander.SchemaNode(colander.String(), title=_("Introduction shown above the meetings"),
                                default="", missing="", validator=colander.Length(max=1000))
    default_terms = colander.SchemaNode(
        colander.String(), title=_("Default registration terms"), default="", missing="",
        validator=colander.Length(max=TEXT_MAX),
        description=_("Offered when registrations are enabled on a meeting."),
        widget=deform.widget.TextAreaWidget(rows=3))


class MeetingsPhaseSettings(colander.MappingSchema):
    registrations_open = colander.SchemaNode(
        colander.Boolean(), title=_("Registrations are taken during this phase"), default=True,
        missing=False)
    comments_open = colander.SchemaNode(
        colander.Boolean(), title=_("Comments are taken during this phase"), default=True,
        missing=False)


def _https_url(node, value):
    if value and not value.lower().startswith(("https://", "http://")):
        raise colander.Invalid(node, _("Give a web address starting with https://"))


def _agenda(node, value):
    try:
        parse_agenda(value)
    except AgendaError as error:
        raise colander.Invalid(node, _(
            "Line ${line} of the agenda does not start with a duration in minutes "
            "(1 to 600) followed by a title: ${text}",
            mapping={"line": error.line, "text": error.text[:80]}))


def check_meeting(node, value):
    """Cross-field checks of ``MeetingSchema``: the end after the start, an address for
    a meeting in person, a web address for one online."""
    error = colander.Invalid(node)
    if value.get("end_date") is None:
        value["end_date"] = value.get("start_date")
    start = (value.get("start_date"), value.get("start_time"))
    end = (value.get("end_date"), value.get("end_time"))
    if None not in start and None not in end and end <= start:
        error["end_time"] = _("The end comes before the start.")
    kind = value.get("kind")
    if kind in ("in_person", "hybrid") and not value.get("address"):
        error["address"] = _("Give the address of a meeting held in person.")
    if kind in ("online", "hybrid") and not value.get("online_url"):
        error["online_url"] = _("Give the address of the online meeting.")
    if error.children:
        raise error


def _date_widget():
    return deform.widget.TextInputWidget(attributes={"type": "date"})


def _time_widget():
    return deform.widget.TextInputWidget(attributes={"type": "time"})


class MeetingSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=3, max=TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("Markdown: **bold**, *italics*, lists starting with -, links."),
        widget=deform.widget.TextAreaWidget(rows=8))
    kind = colander.SchemaNode(
        colander.String(), title=_("Kind of meeting"), default="in_person",
        validator=colander.OneOf(KINDS),
        widget=deform.widget.SelectWidget(values=[(k, KIND_TITLES[k]) for k in KINDS]))
    start_date = colander.SchemaNode(colander.Date(), title=_("Date"), widget=_date_widget())
    start_time = colander.SchemaNode(colander.Time(), title=_("Starts at"), widget=_time_widget())
    end_date = colander.SchemaNode(colander.Date(), title=_("Ends on"), missing=None,
                                   description=_("Leave empty when it ends the same day."),
                                   widget=_date_widget())
    end_time = colander.SchemaNode(colander.Time(), title=_("Ends at"), widget=_time_widget())
    address = colander.SchemaNode(colander.String(), title=_("Address"), missing="",
                                  validator=colander.Length(max=ADDRESS_MAX),
                                  description=_("Street, number, town: a map link is made from it."))
    location_hints = colander.SchemaNode(
        colander.String(), title=_("How to find the room"), missing="",
        validator=colander.Length(max=1000),
        description=_("Floor, entrance, step-free access…"))
    online_url = colander.SchemaNode(colander.String(), title=_("Online meeting address"),
                                     missing="", validator=colander.All(
                                         colander.Length(max=500), _https_url))
    agenda = colander.SchemaNode(
        colander.String(), title=_("Agenda"), missing="", validator=colander.All(
            colander.Length(max=TEXT_MAX), _agenda),
        description=_("One item per line, starting with its duration in minutes, "
                      "for example: 20 Welcome and introduction"),
        widget=deform.widget.TextAreaWidget(rows=5))


def meeting_schema():
    """A fresh ``MeetingSchema`` with its cross-field checks."""
    return MeetingSchema(validator=check_meeting)


class RegistrationSettingsSchema(colander.MappingSchema):
    registrations_enabled = colander.SchemaNode(
        colander.Boolean(), title=_("Participants may register"), missing=False)
    capacity = colander.SchemaNode(
        colander.Integer(), title=_("Capacity"), missing=0,
        validator=colander.Range(min=0, max=100_000),
        description=_("Places available; 0 for no limit. When it is full, people join a "
                      "waiting list that moves up when someone cancels."))
    terms = colander.SchemaNode(
        colander.String(), title=_("Registration terms"), missing="",
        validator=colander.Length(max=TEXT_MAX),
        description=_("Participants accept them to register (Markdown)."),
        widget=deform.widget.TextAreaWidget(rows=4))


class CloseSchema(colander.MappingSchema):
    minutes = colander.SchemaNode(
        colander.String(), title=_("Minutes"), validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("Markdown: what was said and decided."),
        widget=deform.widget.TextAreaWidget(rows=10))
    attendees_count = colander.SchemaNode(
        colander.Integer(), title=_("Number of attendees"),
        validator=colander.Range(min=0, max=1_000_000))
    attendees_list = colander.SchemaNode(
        colander.String(), title=_("Attendees"), missing="",
        validator=colander.Length(max=5000),
        description=_("Organisations or people who agreed to be named, one per line."),
        widget=deform.widget.TextAreaWidget(rows=4))


class CancelSchema(colander.MappingSchema):
    reason = colander.SchemaNode(
        colander.String(), title=_("Why is the meeting cancelled?"),
        validator=colander.Length(min=3, max=1000),
        widget=deform.widget.TextAreaWidget(rows=3))


class ContributionSchema(colander.MappingSchema):
    text = colander.SchemaNode(
        colander.String(), title=_("What was said or proposed"),
        validator=colander.Length(min=3, max=TEXT_MAX),
        description=_("Markdown. Write it as the participant put it."),
        widget=deform.widget.TextAreaWidget(rows=6))
    participant = colander.SchemaNode(
        colander.String(), title=_("Participant's name"), missing="",
        validator=colander.Length(max=120),
        description=_("Only if the participant agreed to be named."))
    collected_on = colander.SchemaNode(colander.Date(), title=_("Collected on"),
                                       widget=_date_widget())
