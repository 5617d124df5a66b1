"""Staff views: add and edit a meeting, its registrations, cancelling, minutes and
closing, the door check, contributions collected in person, proposals born there."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, flash, form_view, index_content, make_form, module_settings, now, publish,
    render_markdown, validate,
)
from beffroi_meetings import links
from beffroi_meetings.models import (
    Meeting, NonexistentTime, add_contribution, add_meeting, agenda_text, local_zone,
    parse_agenda, to_utc, update_meeting,
)
from beffroi_meetings.registrations import (
    RegistrationRefused, check_in, counts, registrations_in_order, set_capacity,
)
from beffroi_meetings.schemas import (
    CancelSchema, CloseSchema, ContributionSchema, RegistrationSettingsSchema, check_meeting,
    meeting_schema,
)
from beffroi_meetings.views import _notify_person

_ = TranslationStringFactory("beffroi_meetings")
TEMPLATES = "beffroi_meetings:templates/"


def _times(request, data):
    """(start, end) in UTC from the form's local dates and times (checked to exist)."""
    zone = local_zone(request.organisation)
    start = to_utc(data["start_date"], data["start_time"], zone)
    end = to_utc(data["end_date"] or data["start_date"], data["end_time"], zone)
    return start, end


def _fields(request, data):
    start, end = _times(request, data)
    return {"title": data["title"], "description": data["description"], "kind": data["kind"],
            "start": start, "end": end, "address": data["address"].strip(),
            "location_hints": data["location_hints"].strip(),
            "online_url": data["online_url"].strip(), "agenda": parse_agenda(data["agenda"])}


def _meeting_form(request, appstruct, apply, title, buttons, message):
    """``form_view`` with the check that local times exist (a clock change skips some):
    such a time is shown as an error beside the field, the typed values kept."""
    schema = meeting_schema()
    zone = local_zone(request.organisation)

    def _exists(node, value):
        for day_key, time_key in (("start_date", "start_time"), ("end_date", "end_time")):
            day = value.get(day_key) or value.get("start_date")
            if day and value.get(time_key):
                try:
                    to_utc(day, value[time_key], zone)
                except NonexistentTime:
                    error = colander.Invalid(node)
                    error[time_key] = _("This time does not exist in ${zone}: the clocks "
                                        "change that night.", mapping={"zone": str(zone)})
                    raise error
    def check(node, value):
        check_meeting(node, value)        # one error per field, then the clock-change check
        _exists(node, value)
    schema.validator = check
    return form_view(request, schema, apply=apply, title=title, appstruct=appstruct,
                     buttons=buttons, message=message)


def add_view(context, request):
    def apply(data):
        meeting = add_meeting(context, creator=request.user.id, **_fields(request, data))
        settings = module_settings(request, context)
        if settings.get("default_terms"):
            meeting.terms = settings["default_terms"]
        publish(request, "meetings.created", meeting)
        return meeting
    return _meeting_form(request, None, apply, _("Add a meeting"), ("create",),
                         _("The meeting is published."))


def edit_view(context, request):
    zone = local_zone(request.organisation)
    start, end = context.start.astimezone(zone), context.end.astimezone(zone)
    stored = {"title": context.title, "description": context.description_source,
              "kind": context.kind, "start_date": start.date(),
              "start_time": start.time().replace(tzinfo=None),
              "end_date": end.date(), "end_time": end.time().replace(tzinfo=None),
              "address": context.address, "location_hints": context.location_hints,
              "online_url": context.online_url, "agenda": agenda_text(context.agenda)}

    def apply(data):
        changed = update_meeting(context, **_fields(request, data))
        if changed and context.cancelled is None:
            publish(request, "meetings.changed", context)
        return context
    return _meeting_form(request, stored, apply, _("Edit the meeting"), ("save",),
                         _("The meeting is saved."))


def registrations_view(context, request):
    """Registration settings and the list of registrations (staff)."""
    stored = {"registrations_enabled": context.registrations_enabled,
              "capacity": context.capacity, "terms": context.terms}
    form = make_form(request, RegistrationSettingsSchema(), buttons=("save",),
                     action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            try:
                promoted = set_capacity(context, data["capacity"])
            except RegistrationRefused as refused:
                flash(request, refused.message, "error")
                return HTTPFound(location=request.url)
            context.registrations_enabled = data["registrations_enabled"]
            context.terms = data["terms"]
            for registration in promoted:
                _notify_person(request, registration, "meetings.promoted")
            flash(request, _("The registration settings are saved."))
            return HTTPFound(location=request.url)
    else:
        html = form.render(stored)
    confirmed, waiting = registrations_in_order(context)
    users = request.organisation.users

    def name_of(uid):
        user = users.get(uid)
        return user.display_name if user is not None and not user.deleted else "—"
    return {"page_title": _("Registrations"), "meeting": context, "form": html,
            "confirmed": confirmed, "waiting": waiting, "name_of": name_of,
            "figures": counts(context)}


def registrations_csv(context, request):
    """The attendance sheet (staff): one row per registration, confirmed ones first,
    with the participant's name, code, status, registration and arrival times (local)."""
    from beffroi.api import csv_response
    translate = request.localizer.translate
    columns = [translate(c) for c in (_("Participant"), _("Code"), _("Status"),
                                      _("Registered on"), _("Checked at the door"))]
    zone = local_zone(request.organisation)
    users = request.organisation.users
    confirmed, waiting = registrations_in_order(context)
    rows = []
    for registration in confirmed + waiting:
        user = users.get(registration.user_id)
        rows.append(dict(zip(columns, (
            user.display_name if user is not None and not user.deleted else "",
            registration.code,
            translate(_("Registered") if registration.status == "confirmed"
                      else _("Waiting list")),
            registration.created.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            registration.attended.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if registration.attended else ""))))
    response = csv_response(rows, columns, f"registrations-{context.number}.csv", request)
    response.cache_control = "private, no-store"
    return response


def door_view(context, request):
    """The door check: staff type a registration code; it is marked as attended."""
    schema = colander.Schema()
    schema.add(colander.SchemaNode(colander.String(), name="code", title=_("Registration code"),
                                   validator=colander.Length(max=40)))
    form = make_form(request, schema, buttons=("check",), action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            result = check_in(context, data["code"])
            typed = data["code"].strip()[:40]
            if result.outcome == "checked":
                user = request.organisation.users.get(result.registration.user_id)
                flash(request, _("Code ${code} checked: welcome, ${name}.", mapping={
                    "code": result.registration.code,
                    "name": user.display_name if user is not None else "—"}))
            elif result.outcome == "used":
                flash(request, _("Code ${code} was already used at ${time}.", mapping={
                    "code": result.registration.code,
                    "time": result.registration.attended.astimezone(
                        local_zone(request.organisation)).strftime("%H:%M")}), "error")
            elif result.outcome == "waiting":
                flash(request, _("Code ${code} is on the waiting list: no place was given "
                                 "to it.", mapping={"code": result.registration.code}), "error")
            else:
                flash(request, _("No registration has the code ${code}.",
                                 mapping={"code": typed}), "error")
            return HTTPFound(location=request.url)
    else:
        html = form.render({})
    return {"page_title": _("Door check"), "meeting": context, "form": html,
            "figures": counts(context)}


def cancel_view(context, request):
    def apply(data):
        context.cancelled = now()
        context.cancel_reason = data["reason"]
        index_content(context)
        publish(request, "meetings.cancelled", context)
        return context
    return form_view(request, CancelSchema(), apply=apply, title=_("Cancel the meeting"),
                     buttons=("cancel_meeting",), message=_("The meeting is cancelled."))


def close_view(context, request):
    """Minutes, attendance and closing (once the meeting has started)."""
    if now() < context.start:
        flash(request, _("The minutes can be published once the meeting has started."), "error")
        return HTTPFound(location=request.resource_url(context))
    figures = counts(context)
    stored = {"minutes": context.minutes_source, "attendees_list": context.attendees_list,
              "attendees_count": context.attendees_count if context.attendees_count is not None
              else figures["attended"]}

    def apply(data):
        first = context.closed is None
        context.minutes_source = data["minutes"]
        context.minutes_html = render_markdown(data["minutes"])
        context.attendees_count = data["attendees_count"]
        context.attendees_list = data["attendees_list"]
        context.closed = context.closed or now()
        index_content(context)
        if first:
            publish(request, "meetings.closed", context)
        return context
    return form_view(request, CloseSchema(), apply=apply, title=_("Minutes and closing"),
                     appstruct=stored, buttons=("publish",),
                     message=_("The minutes are published and the meeting is closed."))


def contribute_view(context, request):
    """Staff enter what a participant said or proposed at the meeting."""
    zone = local_zone(request.organisation)
    stored = {"collected_on": context.start.astimezone(zone).date()}

    def apply(data):
        user = request.user
        add_contribution(context, data["text"], data["participant"].strip(), user.id,
                         user.display_name, data["collected_on"])
        return context
    return form_view(request, ContributionSchema(), apply=apply,
                     title=_("Add a contribution collected in person"), appstruct=stored,
                     buttons=("add",), message=_("The contribution is recorded."))


def proposals_view(context, request):
    """Staff choose the proposals of the space that were born at this meeting."""
    choices = [(key, p.title) for key, p in links.linkable_proposals(context.__parent__.space)]
    schema = colander.Schema()
    schema.add(colander.SchemaNode(
        colander.Set(), name="proposals", title=_("Proposals born at this meeting"),
        missing=(), widget=deform.widget.CheckboxChoiceWidget(values=choices),
        validator=colander.ContainsOnly([k for k, _t in choices]) if choices else None))

    def apply(data):
        links.set_proposals_born_at(context, data["proposals"])
        return context
    result = form_view(request, schema, apply=apply, title=_("Proposals born at this meeting"),
                       appstruct={"proposals": set(context.proposal_links)},
                       message=_("The links to proposals are saved."))
    if isinstance(result, dict):
        result["no_choice"] = not choices
    return result


def includeme(config):
    form = TEMPLATES + "form.pt"
    config.add_view(add_view, context=ModuleContainer, module="meetings", name="add",
                    permission="meetings.manage", request_method=("GET", "POST"), renderer=form)
    for name, view, permission in (
            ("edit", edit_view, "meetings.manage"), ("cancel", cancel_view, "meetings.manage"),
            ("close", close_view, "meetings.manage"),
            ("contribute", contribute_view, "meetings.collect"),
            ("proposals", proposals_view, "meetings.manage")):
        config.add_view(view, context=Meeting, name=name, permission=permission,
                        request_method=("GET", "POST"), renderer=form)
    config.add_view(registrations_view, context=Meeting, name="registrations",
                    permission="meetings.manage", request_method=("GET", "POST"),
                    renderer=TEMPLATES + "registrations.pt")
    config.add_view(registrations_csv, context=Meeting, name="registrations.csv",
                    permission="meetings.manage", request_method="GET")
    config.add_view(door_view, context=Meeting, name="door", permission="meetings.check_in",
                    request_method=("GET", "POST"), renderer=TEMPLATES + "door.pt")
