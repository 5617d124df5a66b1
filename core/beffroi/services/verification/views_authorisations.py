"""The page a refused participant lands on (``AuthorisationRequired``), and the space
admins' page choosing, per action of a module, the verifications it needs:
``/-/admin/spaces/<space>/modules/<module>/permissions``."""
from __future__ import annotations

import re

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.admin.forms import validate_whole
from beffroi.forms import make_form
from beffroi.i18n import _
from beffroi.resources.admin import AdminModule
from beffroi.services.actionlog import model as actionlog
from beffroi.services.verification.authorisations import (
    AuthorisationRequired, Requirement, container_actions, requirements_of, set_requirement)
from beffroi.services.verification.methods import all_methods

TPL = "beffroi:services/verification/templates/"
ACTION_TITLES = {"create": _("Create"), "support": _("Support"), "vote": _("Vote"),
                 "sign": _("Sign"), "register": _("Register"), "answer": _("Answer"),
                 "comment": _("Comment")}


@view_config(context=AuthorisationRequired, renderer=TPL + "authorisation_required.pt")
def authorisation_required(exc, request):
    """What is missing, with a link to verify (or log in) and come back."""
    request.response.status_int = 403
    answer = exc.authorisation
    methods = all_methods(request.registry)
    return {"page_title": _("Permission required"), "answer": answer,
            "methods": [methods[m] for m in answer.missing if m in methods]}


def _lines(value):
    return tuple(dict.fromkeys(p for p in re.split(r"[\s,;]+", value or "") if p))


def _postal_codes(node, value):
    bad = [p for p in _lines(value) if not re.match(r"^[0-9A-Za-z-]{2,10}$", p)]
    if bad:
        raise colander.Invalid(node, _("Not a postal code: ${codes}.",
                                       mapping={"codes": ", ".join(bad[:5])}))


def permissions_schema(request, actions):
    translate = request.localizer.translate
    choices = [(name, translate(info.title)) for name, info in sorted(all_methods(request.registry).items())]
    schema = colander.SchemaNode(colander.Mapping())
    for action in actions:
        group = colander.SchemaNode(colander.Mapping(), name=action,
                                    title=ACTION_TITLES.get(action, action))
        group.add(colander.SchemaNode(
            colander.Set(), name="methods", title=_("Verifications required"), missing=(),
            description=_("None checked: any participant allowed by the permissions may do it."),
            widget=deform.widget.CheckboxChoiceWidget(values=choices)))
        group.add(colander.SchemaNode(
            colander.String(), name="mode", title=_("When several are checked"), missing="any",
            validator=colander.OneOf(["any", "all"]),
            widget=deform.widget.RadioChoiceWidget(values=[
                ("any", translate(_("one of them is enough"))),
                ("all", translate(_("all of them are needed")))])))
        group.add(colander.SchemaNode(
            colander.String(), name="postal_codes", title=_("Postal codes allowed"), missing="",
            description=_("Separated by spaces or commas; empty: any."),
            validator=colander.All(colander.Length(max=2000), _postal_codes)))
        group.add(colander.SchemaNode(
            colander.String(), name="districts", title=_("Districts allowed"), missing="",
            description=_("One a line; empty: any."), validator=colander.Length(max=2000),
            widget=deform.widget.TextAreaWidget(rows=2)))
        group.add(colander.SchemaNode(
            colander.Integer(), name="min_age", title=_("Minimum age"), missing=None,
            description=_("In years, for example 16; empty: no condition."),
            validator=colander.Range(0, 130)))
        schema.add(group)
    return schema


def _appstruct(requirements, actions):
    out = {}
    for action in actions:
        req = requirements.get(action)
        out[action] = {"methods": set(req.methods), "mode": "any" if req.any_method else "all",
                       "postal_codes": " ".join(req.postal_codes),
                       "districts": "\n".join(req.districts),
                       "min_age": req.min_age} if req else {"mode": "any"}
    return out


@view_config(context=AdminModule, name="permissions", permission="space.admin",
             request_method=("GET", "POST"), renderer=TPL + "admin_permissions.pt")
def permissions_view(context, request):
    space = context.managed_space
    container = space.modules.get(context.module_name)
    if container is None:
        raise HTTPNotFound()
    actions = container_actions(request, container)
    if not actions:
        raise HTTPNotFound()
    form = make_form(request, permissions_schema(request, actions), action=request.url)
    if request.method == "POST":
        appstruct, html = validate_whole(
            request, form, lambda: _appstruct(requirements_of(container), actions))
        if appstruct is not None:
            for action in actions:
                value = appstruct[action]
                requirement = None
                if value["methods"]:
                    requirement = Requirement(
                        tuple(sorted(value["methods"])), value["mode"] == "any",
                        tuple(p.upper() for p in _lines(value["postal_codes"])),
                        tuple(d.strip() for d in value["districts"].splitlines() if d.strip()),
                        value["min_age"] or None)
                if requirements_of(container).get(action) != requirement:
                    set_requirement(container, action, requirement)
                    actionlog.record(request, "verification.action_requirement", context.module_name,
                                     space=space.slug, module_action=action,
                                     methods=",".join(requirement.methods) if requirement else "-")
            request.session.flash(request.localizer.translate(_("Permissions saved.")))
            return HTTPFound(location=request.url)
    else:
        html = form.render(_appstruct(requirements_of(container), actions))
    info = request.registry.beffroi.modules.get(context.module_name)
    return {"page_title": _("Permissions"), "space": space, "form": html,
            "module_title": info.title if info else context.module_name,
            "base": request.resource_url(context)}
