"""Moderation views: the report button's target, hidden content, the moderators' queue."""
from __future__ import annotations

from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPFound, HTTPGone, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.view import exception_view_config, view_config

from beffroi.services.moderation import model as moderation
from beffroi.i18n import _
from beffroi.resources.admin import AdminArea, AdminSpace
from beffroi.resources.folder import Content
from beffroi.views.site import safe_came_from


class HiddenByModeration(HTTPGone):
    """Raised when someone who is not a moderator opens hidden content."""


@subscriber(ContextFound)
def refuse_hidden_content(event):
    """Hidden content (or anything inside it) answers 410 with an explanation to
    everyone but the moderators of its space."""
    request = event.request
    hidden = moderation.is_hidden_in_lineage(request.context)
    if hidden is not None and not request.has_permission("space.moderate", hidden):
        raise HiddenByModeration()


@exception_view_config(HiddenByModeration)
def hidden_page(exc, request):
    response = render_to_response(
        "beffroi:templates/error.pt",
        {"page_title": _("Content hidden"),
         "message": _("This content was hidden by moderation.")}, request=request)
    response.status_int = 410
    return response


@view_config(context=Content, name="report", permission="participate", request_method="POST")
def report_view(context, request):
    """Take a participant's report, then go back where the form was."""
    back = safe_came_from(request, request.POST.get("came_from", ""))
    try:
        moderation.report(request, context, request.POST.get("reason", ""),
                          request.POST.get("details", ""))
    except moderation.ModerationError as exc:
        request.session.flash(request.localizer.translate(exc.args[0]), "error")
        return HTTPFound(location=back)
    request.session.flash(request.localizer.translate(
        _("Thank you. Moderators will look at your report.")))
    return HTTPFound(location=back)


def _rows(request, cases):
    rows = []
    for case in cases:
        content = case.content
        alive = content.__parent__ is not None and \
            content.__parent__.get(content.__name__) is content
        rows.append({
            "case": case,
            "title": moderation.content_title(content),
            "url": request.resource_url(content) if alive else None,
            "space": request.organisation.spaces.get(case.space_slug) if case.space_slug else None,
            "reasons": [(request.localizer.translate(moderation.REASON_TITLES[r]), n)
                        for r, n in sorted(case.reasons().items())],
            "details": [r.details for r in case.reports.values() if r.details],
        })
    # hidden-or-most-reported first: what needs a decision comes on top
    rows.sort(key=lambda r: (not r["case"].hidden, -r["case"].count(), r["title"].lower()))
    return rows


def _queue(request, cases, space, base):
    return {"page_title": _("Moderation"), "rows": _rows(request, cases), "space": space,
            "base": base, "threshold": moderation.threshold_of(request.organisation)}


def _decide(request, cases_by_id, base):
    case = cases_by_id.get(request.POST.get("case", ""))
    if case is None:
        raise HTTPNotFound()
    if request.POST.get("decision") == "hide":
        moderation.hide(request, case.content)
        request.session.flash(request.localizer.translate(_("The content is hidden.")))
    elif request.POST.get("decision") == "restore":
        moderation.restore(request, case.content)
        request.session.flash(request.localizer.translate(_("The content is visible again.")))
    else:
        raise HTTPNotFound()
    return HTTPFound(location=base)


@view_config(context=AdminSpace, name="moderation", permission="space.moderate",
             request_method="GET", renderer="beffroi:templates/moderation_queue.pt")
def space_queue(context, request):
    mod = moderation.moderation_of(request.organisation)
    cases = mod.cases_of_space(context.managed_space.__name__) if mod is not None else []
    return _queue(request, cases, context.managed_space, request.resource_url(context, "moderation"))


@view_config(context=AdminSpace, name="moderation", permission="space.moderate",
             request_method="POST")
def space_decide(context, request):
    mod = moderation.moderation_of(request.organisation)
    # only this space's cases can be reached from this space's queue
    cases = mod.cases_of_space(context.managed_space.__name__) if mod is not None else []
    return _decide(request, {c.id: c for c in cases}, request.resource_url(context, "moderation"))


@view_config(context=AdminArea, name="moderation", permission="org.admin",
             request_method="GET", renderer="beffroi:templates/moderation_queue.pt")
def organisation_queue(context, request):
    mod = moderation.moderation_of(request.organisation)
    return _queue(request, mod.all_cases() if mod is not None else [], None,
                  request.resource_url(context, "moderation"))


@view_config(context=AdminArea, name="moderation", permission="org.admin", request_method="POST")
def organisation_decide(context, request):
    mod = moderation.moderation_of(request.organisation)
    cases = mod.all_cases() if mod is not None else []
    return _decide(request, {c.id: c for c in cases}, request.resource_url(context, "moderation"))
