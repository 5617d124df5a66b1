"""Phases of a space: add, edit title and dates, reorder, activate (space admins)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.admin.forms import validate_whole
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.modulesettings import settings_changed
from beffroi.resources.admin import AdminPhase, AdminPhases
from beffroi.resources.space import Phase


def _check_dates(node, value):
    if value["start"] and value["end"] and value["end"] < value["start"]:
        error = colander.Invalid(node)
        error["end"] = _("The end must not come before the start.")
        raise error


def _link(node, value):
    if value and not (value.startswith("https://") or
                      (value.startswith("/") and not value.startswith("//"))):
        raise colander.Invalid(node, _("Give a path starting with / or an https:// address."))


class PhaseSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=1, max=200))
    start = colander.SchemaNode(colander.Date(), title=_("Start"), missing=None,
                                widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    end = colander.SchemaNode(colander.Date(), title=_("End"), missing=None,
                              widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      validator=colander.Length(max=5000),
                                      widget=deform.widget.TextAreaWidget(rows=3))
    cta_text = colander.SchemaNode(colander.String(), title=_("Call to action"), missing="",
                                   description=_("What to do in this phase, e.g. “Propose an idea”."),
                                   validator=colander.Length(max=80))
    cta_url = colander.SchemaNode(colander.String(), title=_("Link of the call to action"),
                                  missing="", validator=_link,
                                  description=_("A path on this site (/budget/proposals/) or an https:// address."))


def _form(request, action, button):
    return make_form(request, PhaseSchema(validator=_check_dates), buttons=(button,), action=action)


@view_config(context=AdminPhases, permission="space.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/admin/phases.pt")
def phases_view(context, request):
    """The list of phases with, below, the form adding one."""
    space = context.managed_space
    info = request.registry.beffroi.space_types.get(space.space_type)
    if info is not None and not info.has_phases:
        raise HTTPNotFound()     # an assembly-like space type has no phases
    base = request.resource_url(context)
    form = _form(request, base, "create")
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            phase = space.add_phase(Phase(appstruct["title"].strip(), appstruct["start"],
                                          appstruct["end"], appstruct["description"].strip(),
                                          appstruct["cta_text"].strip(), appstruct["cta_url"].strip()))
            actionlog.record(request, "phase.create", phase.title, space=space.slug)
            request.session.flash(request.localizer.translate(_("Phase added.")))
            return HTTPFound(location=base)
    else:
        html = form.render()
    return {"page_title": _("Phases"), "space": space, "phases": list(space.phases),
            "form": html, "base": base}


@view_config(context=AdminPhase, permission="space.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/admin/form.pt")
def phase_edit(context, request):
    space, phase = context.managed_space, context.phase
    form = _form(request, request.resource_url(context), "save")

    def stored():
        return {"title": phase.title, "start": phase.start, "end": phase.end,
                "description": phase.description, "cta_text": phase.cta_text,
                "cta_url": phase.cta_url}
    if request.method == "POST":
        appstruct, html = validate_whole(request, form, stored)
        if appstruct is not None:
            phase.title = appstruct["title"].strip()
            phase.start, phase.end = appstruct["start"], appstruct["end"]
            phase.description = appstruct["description"].strip()
            phase.cta_text, phase.cta_url = appstruct["cta_text"].strip(), appstruct["cta_url"].strip()
            actionlog.record(request, "phase.edit", phase.title, space=space.slug,
                             start=phase.start or "", end=phase.end or "")
            request.session.flash(request.localizer.translate(_("Phase saved.")))
            return HTTPFound(location=request.resource_url(context.__parent__))
    else:
        html = form.render(stored())
    return {"page_title": _("Edit the phase"), "form": html, "space": space}


@view_config(context=AdminPhase, name="move", permission="space.admin", request_method="POST")
def phase_move(context, request):
    delta = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if delta is None:
        raise HTTPNotFound()
    context.managed_space.move_phase(context.phase.id, delta)
    actionlog.record(request, "phase.move", context.phase.title,
                     space=context.managed_space.slug, direction=request.POST["direction"])
    return HTTPFound(location=request.resource_url(context.__parent__))


@view_config(context=AdminPhase, name="activate", permission="space.admin", request_method="POST")
def phase_activate(context, request):
    context.managed_space.activate_phase(context.phase.id)
    settings_changed(request, context.managed_space)
    actionlog.record(request, "phase.activate", context.phase.title, space=context.managed_space.slug)
    request.session.flash(request.localizer.translate(
        _("Current phase: ${title} (pinned: it stays current whatever the dates).",
          mapping={"title": context.phase.title})))
    return HTTPFound(location=request.resource_url(context.__parent__))


@view_config(context=AdminPhases, name="follow-dates", permission="space.admin",
             request_method="POST")
def phases_follow_dates(context, request):
    """Unpin the current phase: the dates decide again."""
    space = context.managed_space
    space.follow_dates()
    settings_changed(request, space)
    actionlog.record(request, "phase.follow_dates", space.title, space=space.slug)
    current = space.active_phase
    request.session.flash(request.localizer.translate(
        _("The current phase follows the dates: ${title}.",
          mapping={"title": current.title if current else "—"})))
    return HTTPFound(location=request.resource_url(context))
