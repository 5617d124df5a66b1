"""Template pages of the administration.

- ``/-/admin/templates`` (organisation admins): the organisation's templates — share,
  stop sharing, delete — and those other organisations share.
- ``/-/admin/spaces/<slug>/modules/<module>/save-template`` (organisation admins): save
  what the module holds in that space (or one item, ``?item=<name>``) as a template.
- ``/-/admin/spaces/<slug>/modules/<module>/templates`` (space admins): pick a template
  of that module and create from it in the space.
"""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.resources.admin import AdminArea, AdminModule, AdminSpace
from beffroi.services.actionlog import model as actionlog
from beffroi.services.templates import model
from beffroi.services.templates.process import SPACE, space_from_template, space_to_template

PAGES = "beffroi:services/templates/"


def _flash(request, message, queue=""):
    request.session.flash(request.localizer.translate(message), queue)


@view_config(context=AdminArea, name="templates", permission="org.admin", request_method="GET",
             renderer=PAGES + "library.pt")
def library_view(context, request):
    org = context.organisation
    modules = request.registry.beffroi.modules

    def module_title(name):
        if name == SPACE:
            return request.localizer.translate(_("Whole space (phases and modules)"))
        info = modules.get(name)
        return request.localizer.translate(info.title) if info is not None else name
    return {"page_title": _("Templates"), "own": model.own_templates(org),
            "others": model.shared_by_others(org), "module_title": module_title,
            "space_kind": SPACE}


@view_config(context=AdminArea, name="templates", permission="org.admin", request_method="POST")
def library_action(context, request):
    org = context.organisation
    template = model.own_template(org, request.POST.get("template", ""))
    if template is None:
        raise HTTPNotFound()
    action = request.POST.get("action")
    if action in ("share", "unshare"):
        model.set_shared(org, template, action == "share")
        actionlog.record(request, "template." + action, template.title)
        _flash(request, _("The template is shared with the other organisations of the platform.")
               if action == "share" else _("The template is no longer shared."))
    elif action == "delete":
        model.delete_template(org, template)
        actionlog.record(request, "template.delete", template.title)
        _flash(request, _("The template is deleted. What was made from it stays."))
    else:
        raise HTTPNotFound()
    return HTTPFound(location=request.resource_url(context, "templates"))


def _module(context, request):
    """(container, module info) of an admin module page whose module offers templates."""
    container = context.managed_space.modules.get(context.module_name)
    info = request.registry.beffroi.modules.get(context.module_name)
    if container is None or info is None or info.template is None:
        raise HTTPNotFound()
    return container, info


class SaveTemplateSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Name of the template"),
                                validator=colander.Length(min=3, max=model.TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), missing="",
        validator=colander.Length(max=model.DESCRIPTION_MAX),
        widget=deform.widget.TextAreaWidget(rows=3))
    shared = colander.SchemaNode(
        colander.Boolean(), title=_("Other organisations of the platform may use it"),
        missing=False, description=_("Only what your team built is kept: never an answer, "
                                     "a vote, a comment or a participant."))
    item = colander.SchemaNode(colander.String(), missing="",
                               widget=deform.widget.HiddenWidget())


@view_config(context=AdminModule, name="save-template", permission="space.admin",
             request_method=("GET", "POST"), renderer=PAGES + "save.pt")
def save_view(context, request):
    # a space admin holds every permission inside their space: ask the organisation
    if not request.has_permission("org.admin", context.organisation):
        raise HTTPForbidden()
    container, info = _module(context, request)
    item_name = request.params.get("item", "")
    item = container.get(item_name) if item_name else None
    if item_name and (item is None or info.template.item_to_template is None):
        raise HTTPNotFound()
    form = make_form(request, SaveTemplateSchema(), buttons=("save",), action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            content = info.template.item_to_template(item) if item is not None \
                else info.template.to_template(container)
            try:
                template = model.save_template(
                    context.organisation, context.module_name, data["title"], data["description"],
                    content, data["shared"], request.user.id if request.user else None)
            except model.TemplateError as exc:
                _flash(request, exc.message, "error")
                html = form.render(data)
            else:
                actionlog.record(request, "template.save", template.title,
                                 space=context.managed_space.__name__, module=context.module_name,
                                 shared=template.shared)
                _flash(request, _("The template is saved."))
                return HTTPFound(location=request.application_url + "/-/admin/templates")
    else:
        default = getattr(item, "title", "") if item is not None else ""
        html = form.render({"title": default, "item": item_name})
    return {"page_title": _("Save as a template"), "form": html, "space": context.managed_space,
            "container": container, "item": item,
            "module_title": request.localizer.translate(info.title)}


@view_config(context=AdminModule, name="templates", permission="space.admin",
             request_method="GET", renderer=PAGES + "pick.pt")
def pick_view(context, request):
    container, info = _module(context, request)
    org = context.organisation
    return {"page_title": _("Start from a template"), "space": context.managed_space,
            "container": container, "module_title": request.localizer.translate(info.title),
            "own": model.own_templates(org, context.module_name),
            "others": model.shared_by_others(org, context.module_name),
            "can_save": bool(request.has_permission("org.admin", org)),
            "base": request.resource_url(context)}


@view_config(context=AdminModule, name="use-template", permission="space.admin",
             request_method="POST")
def use_view(context, request):
    container, _info = _module(context, request)
    template = model.usable_template(context.organisation, request.POST.get("template", ""))
    if template is None or template.module_name != context.module_name:
        raise HTTPNotFound()
    try:
        made = model.use_template(request.registry.beffroi, container, template)
    except model.TemplateError as exc:
        request.tm.doom()             # nothing half-made is kept
        _flash(request, exc.message, "error")
        return HTTPFound(location=request.resource_url(context, "templates"))
    actionlog.record(request, "template.use", template.title, space=context.managed_space.__name__,
                     module=context.module_name, source=template.organisation_name)
    _flash(request, _("Created from the template “${title}”.", mapping={"title": template.title}))
    return HTTPFound(location=request.resource_url(made if made is not None else container))


# --- a whole space -------------------------------------------------------------------------

@view_config(context=AdminSpace, name="save-template", permission="space.admin",
             request_method=("GET", "POST"), renderer=PAGES + "save.pt")
def save_space_view(context, request):
    """Save a whole space — phases, modules, settings, what each module's team built —
    as a template (organisation admins)."""
    if not request.has_permission("org.admin", context.organisation):
        raise HTTPForbidden()
    space = context.managed_space
    form = make_form(request, SaveTemplateSchema(), buttons=("save",), action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            try:
                template = model.save_template(
                    context.organisation, SPACE, data["title"], data["description"],
                    space_to_template(request.registry.beffroi, space), data["shared"],
                    request.user.id if request.user else None)
            except model.TemplateError as exc:
                _flash(request, exc.message, "error")
                html = form.render(data)
            else:
                actionlog.record(request, "template.save", template.title, space=space.__name__,
                                 shared=template.shared)
                _flash(request, _("The template is saved."))
                return HTTPFound(location=request.application_url + "/-/admin/templates")
    else:
        html = form.render({"title": space.title})
    return {"page_title": _("Save the space as a template"), "form": html, "space": space,
            "container": None, "item": None,
            "module_title": request.localizer.translate(_("Whole space (phases and modules)"))}


class NewSpaceSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title of the new space"),
                                validator=colander.Length(min=3, max=200))
    slug = colander.SchemaNode(
        colander.String(), title=_("Address of the new space"),
        description=_("Lowercase letters, digits and hyphens, as in /my-process/."),
        validator=colander.Regex(r"^[a-z0-9][a-z0-9_-]{0,79}$",
                                 _("Use lowercase letters, digits and hyphens.")))


@view_config(context=AdminArea, name="new-space", permission="org.admin",
             request_method=("GET", "POST"), renderer=PAGES + "save.pt")
def new_space_view(context, request):
    """Create a space of this organisation from a whole-space template (its own, or one
    another organisation shares)."""
    org = context.organisation
    template = model.usable_template(org, request.params.get("template", ""))
    if template is None or template.module_name != SPACE:
        raise HTTPNotFound()
    form = make_form(request, NewSpaceSchema(), buttons=("create",), action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            from beffroi.resources.folder import NameError_
            try:
                space, skipped = space_from_template(request.registry.beffroi, org, template.data,
                                                     data["slug"], data["title"], request)
            except NameError_:
                request.tm.doom()
                _flash(request, _("This address is already taken or cannot be used."), "error")
                html = form.render(data)
            except model.TemplateError as exc:
                request.tm.doom()
                _flash(request, exc.message, "error")
                html = form.render(data)
            else:
                actionlog.record(request, "template.use", template.title, space=space.__name__,
                                 source=template.organisation_name)
                _flash(request, _("Created from the template “${title}”.",
                                  mapping={"title": template.title}))
                if skipped:
                    _flash(request, _("Modules left out (not allowed here): ${names}.",
                                      mapping={"names": ", ".join(skipped)}), "error")
                return HTTPFound(location=request.resource_url(context, "spaces", space.__name__, ""))
    else:
        html = form.render({"title": template.title})
    return {"page_title": _("New space from a template"), "form": html, "space": None,
            "container": None, "item": None, "template": template,
            "module_title": template.title}
