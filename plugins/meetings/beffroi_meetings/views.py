"""Citizen views: the listing of upcoming and past meetings, a meeting's page,
registering and cancelling, and the blocks of upcoming meetings on home pages."""
from __future__ import annotations

from urllib.parse import quote_plus

from BTrees.IIBTree import IITreeSet, difference, intersection
from markupsafe import Markup
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from pyramid.renderers import render

from beffroi.api import (
    ListingOrder, ModuleContainer, find_listing_page, flash, follow, hidden_in_space,
    is_public, is_public_to, module_container, module_settings, now, publish, render_markdown,
    require_authorisation,
)
from beffroi_meetings import links
from beffroi_meetings.models import RANK_TOP, Meeting, local_zone
from beffroi_meetings.registrations import RegistrationRefused, cancel, counts, register
from beffroi_meetings.registrations import registration_of
from beffroi_meetings.schemas import KIND_TITLES

_ = TranslationStringFactory("beffroi_meetings")
TEMPLATES = "beffroi_meetings:templates/"
PAGE_SIZE = 20
FILTERS = ("upcoming", "past")


def map_url(address: str) -> str:
    """A plain link to OpenStreetMap's search for ``address`` (no tiles, no script)."""
    return "https://www.openstreetmap.org/search?query=" + quote_plus(address)


def time_span(request, meeting) -> str:
    """When ``meeting`` takes place, in the organisation's time zone:
    ``"01/12/2026 18:30–20:00 (CET)"`` (dates in the locale's format), the end date
    written only when it is another day."""
    zone = local_zone(request.organisation)
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
    day = start.strftime("%d/%m/%Y") if request.locale_name == "fr" else start.strftime("%Y-%m-%d")
    if end.date() == start.date():
        until = end.strftime("%H:%M")
    else:
        until = (end.strftime("%d/%m/%Y %H:%M") if request.locale_name == "fr"
                 else end.strftime("%Y-%m-%d %H:%M"))
    return f"{day} {start.strftime('%H:%M')}–{until} ({start.strftime('%Z')})"


def _page_number(request):
    try:
        return max(1, min(1_000_000, int(request.params.get("page", 1))))
    except (TypeError, ValueError):
        return 1


def hidden_numbers(request, container):
    """Numbers of the meetings of ``container`` hidden by moderation."""
    return [c.number for c in hidden_in_space(request.organisation, container.space.__name__)
            if isinstance(c, Meeting) and c.__parent__ is container]


def module_figures(container) -> dict:
    """The module's figures: meetings, registrations, attendees (checked at the door or
    counted in the minutes) and contributions collected in person."""
    out = {"meetings": 0, "registrations": 0, "attendees": 0, "contributions": 0}
    for meeting in container.values():
        if not isinstance(meeting, Meeting) or not is_public(meeting):
            continue
        out["meetings"] += 1
        figures = counts(meeting)
        out["registrations"] += figures["confirmed"]
        attendees = meeting.attendees_count
        out["attendees"] += attendees if attendees is not None else figures["attended"]
        out["contributions"] += len(meeting.contributions)
    return out


def listing(context, request):
    """Upcoming meetings (soonest first) or past ones (latest first), paged by the kit."""
    shown = request.params.get("when", "upcoming")
    shown = shown if shown in FILTERS else "upcoming"
    kind = request.params.get("kind", "")
    kind = kind if kind in KIND_TITLES else ""
    index = getattr(context, "meeting_index", None)
    meetings, page = [], None
    if index is not None:
        upcoming = index.upcoming_numbers(now())
        if shown == "upcoming":
            order = ListingOrder(index.by_start, lambda n: index.starts.get(n, 0))
            include = upcoming
        else:
            order = ListingOrder(index.latest_first,
                                 lambda n: RANK_TOP - index.starts.get(n, 0))
            include = difference(index.numbers, upcoming)
        if kind:
            include = intersection(include, index.by_kind.get(kind) or IITreeSet())
        page = find_listing_page(order, _page_number(request), PAGE_SIZE, include=include,
                                 exclude=hidden_numbers(request, context),
                                 after=request.params.get("after"),
                                 before=request.params.get("before"))
        meetings = [context[str(n)] for n in page.items if str(n) in context]
    return {"page_title": context.title or _("Meetings"), "meetings": meetings, "page": page,
            "shown": shown, "filters": FILTERS, "kind": kind, "kinds": list(KIND_TITLES), "settings": module_settings(request, context),
            "figures": module_figures(context), "kind_title": KIND_TITLES,
            "when": lambda m: time_span(request, m),
            "label": lambda m: _label(request, m),
            "can_add": bool(request.has_permission("meetings.manage", context)),
            "zone": local_zone(request.organisation)}


def _label(request, meeting):
    """The « issu de la participation » badge when the meeting led to a result (through
    the proposals born there), else ``""``."""
    from beffroi.api import from_participation, participation_label_html
    return participation_label_html(request) if from_participation(meeting) else ""


def may_register(request, meeting) -> tuple[bool, object]:
    """(may the person of ``request`` register now?, why not: a translation string)."""
    if not meeting.registrations_enabled:
        return False, _("Registrations are not open for this meeting.")
    if meeting.cancelled is not None:
        return False, _("This meeting is cancelled.")
    if now() >= meeting.start:
        return False, _("Registrations are closed: the meeting has started.")
    if not module_settings(request, meeting.__parent__).get("registrations_open", True):
        return False, _("Registrations are closed during this phase.")
    if request.user is None:
        return False, _("Log in to register.")
    if not request.has_permission("meetings.register", meeting):
        return False, _("You may not register to meetings of this space.")
    return True, None


def meeting_view(context, request):
    if not is_public_to(request, context):
        raise HTTPNotFound()
    zone = local_zone(request.organisation)
    user = request.user
    allowed, why_not = may_register(request, context)
    staff = bool(request.has_permission("meetings.manage", context))
    return {"page_title": context.title, "meeting": context, "state": context.state(),
            "module_title": context.__parent__.title or request.localizer.translate(_("Meetings")),
            "zone": zone, "agenda": context.agenda_times(zone), "kind_title": KIND_TITLES,
            "when": time_span(request, context),
            "map_url": map_url(context.address) if context.address else None,
            "registration": registration_of(context, user.id) if user else None,
            "may_register": allowed, "why_not": why_not,
            "terms_html": render_markdown(context.terms) if context.terms else "",
            "figures": counts(context),
            "contributions": list(context.contributions.values()),
            "proposals": [p for p in links.proposals_born_at(context) if is_public_to(request, p)],
            "participation_label": _label(request, context),
            "can_manage": staff,
            "can_check_in": bool(request.has_permission("meetings.check_in", context)),
            "can_collect": bool(request.has_permission("meetings.collect", context))}


def _notify_person(request, registration, kind):
    """Tell the one person of ``registration`` about it (``kind``) through ``publish``:
    they follow their own registration for the time of the call, the event has no
    space and no actor, so nobody else hears of it."""
    from types import SimpleNamespace

    from beffroi.api import unfollow
    organisation = request.organisation
    meeting = registration.__parent__
    follow(organisation, registration.user_id, registration)
    try:
        publish(request, kind, registration, actor=SimpleNamespace(id=None, name=""),
                title=meeting.title, url=request.resource_url(meeting), space=registration)
    finally:
        unfollow(organisation, registration.user_id, registration)


def register_view(context, request):
    """Register the participant (POST): a seat, or the waiting list when it is full.
    The space may require a verification to register (action ``register``)."""
    require_authorisation(request, module_container(context), "register",
                          came_from=request.resource_url(context))
    allowed, why_not = may_register(request, context)
    target = request.resource_url(context, anchor="registration")
    if not allowed:
        flash(request, why_not, "error")
        return HTTPFound(location=target)
    if context.terms and request.POST.get("accept_terms") != "1":
        flash(request, _("Accept the registration terms to register."), "error")
        return HTTPFound(location=target)
    registration = register(context, request.user.id)
    follow(request.organisation, request.user.id, context)     # told if it changes
    if registration.status == "waiting":
        flash(request, _("The meeting is full: you are on the waiting list. You will be told "
                         "if a place frees up."))
    else:
        flash(request, _("You are registered. Your registration code is ${code}.",
                         mapping={"code": registration.code}))
    return HTTPFound(location=target)


def unregister_view(context, request):
    """Cancel the participant's registration (POST); the first person waiting moves up."""
    target = request.resource_url(context, anchor="registration")
    if now() >= context.end:
        flash(request, _("The meeting is over: the registration stays."), "error")
        return HTTPFound(location=target)
    try:
        promoted = cancel(context, request.user.id)
    except RegistrationRefused as refused:
        flash(request, refused.message, "error")
        return HTTPFound(location=target)
    for registration in promoted:
        _notify_person(request, registration, "meetings.promoted")
    flash(request, _("Your registration is cancelled."))
    return HTTPFound(location=target)


def upcoming_in(request, containers, limit=5):
    """The next ``limit`` public meetings of ``containers`` not ended yet, soonest first."""
    moment, found = now(), []
    for container in containers:
        index = getattr(container, "meeting_index", None)
        if index is None:
            continue
        for number in index.upcoming_numbers(moment):
            meeting = container.get(str(number))
            if meeting is not None and meeting.cancelled is None and is_public_to(request, meeting):
                found.append(meeting)
    return sorted(found, key=lambda m: (m.start, m.number))[:limit]


def usable_containers(request, spaces):
    """Enabled meetings containers of ``spaces`` the person may view."""
    out = []
    for space in spaces:
        for container in space.modules.values():
            if container.module_name == "meetings" and container.enabled and \
                    request.has_permission("view", container):
                out.append(container)
    return out


def home_block(request, containers, heading, feed_url=None):
    """The HTML of an "upcoming meetings" block, or None when there is none."""
    meetings = upcoming_in(request, containers)
    if not meetings:
        return None
    return Markup(render(TEMPLATES + "block.pt", {
        "meetings": meetings, "heading": heading, "feed_url": feed_url,
        "when": lambda m: time_span(request, m),
        "kind_title": KIND_TITLES}, request=request))


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="meetings", permission="view",
                    request_method="GET", renderer=TEMPLATES + "listing.pt")
    config.add_view(meeting_view, context=Meeting, permission="view", request_method="GET",
                    renderer=TEMPLATES + "meeting.pt")
    config.add_view(register_view, context=Meeting, name="register",
                    permission="meetings.register", request_method="POST")
    config.add_view(unregister_view, context=Meeting, name="unregister",
                    permission="participate", request_method="POST")
