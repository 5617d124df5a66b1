"""Spaces in the administration: create (organisation admins), edit and publish (space
admins of that space too)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.admin.forms import validate_whole
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.resources.admin import AdminSpace, AdminSpaces
from beffroi.resources.folder import NAME_RE, RESERVED
from beffroi.resources.space import VISIBILITIES
from beffroi.sanitise import sanitise_html
from beffroi.spaces import add_space, copy_space

VISIBILITY_TITLES = {"public": _("Public: everyone sees it, every participant takes part"),
                     "transparent": _("Transparent: everyone sees it, only members take part"),
                     "private": _("Private: only members see it")}


@colander.deferred
def _type_widget(node, kw):
    request = kw["request"]
    return deform.widget.SelectWidget(values=[
        (name, request.localizer.translate(info.title))
        for name, info in sorted(request.registry.beffroi.space_types.items())])


@colander.deferred
def _type_validator(node, kw):
    return colander.OneOf(sorted(kw["request"].registry.beffroi.space_types))


@colander.deferred
def _parent_widget(node, kw):
    org, current = kw["request"].organisation, kw.get("space")
    values = [("", kw["request"].localizer.translate(_("None")))]
    values += [(slug, space.title) for slug, space in org.spaces.items() if space is not current]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _parent_validator(node, kw):
    org, current = kw["request"].organisation, kw.get("space")
    allowed = [""] + [slug for slug, space in org.spaces.items() if space is not current]
    return colander.OneOf(allowed)


@colander.deferred
def _slug_validator(node, kw):
    spaces = kw["request"].organisation.spaces

    def check(node, value):
        if not NAME_RE.match(value) or value in RESERVED:
            raise colander.Invalid(node, _("Use lower-case letters, digits and hyphens "
                                           "(for example budget-2027)."))
        if value in spaces:
            raise colander.Invalid(node, _("A space already has this address."))
    return check


class SpaceSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=1, max=200))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), missing="",
        description=_("HTML is allowed: paragraphs, lists, links."),
        validator=colander.Length(max=50_000), widget=deform.widget.TextAreaWidget(rows=8))
    visibility = colander.SchemaNode(
        colander.String(), title=_("Visibility"), validator=colander.OneOf(VISIBILITIES),
        widget=deform.widget.SelectWidget(values=list(VISIBILITY_TITLES.items())))
    parent = colander.SchemaNode(colander.String(), title=_("Parent space"), missing="",
                                 widget=_parent_widget, validator=_parent_validator)
    scope = colander.SchemaNode(colander.String(), title=_("Territory"), missing="",
                                description=_("A commune or district, when the space concerns one."),
                                validator=colander.Length(max=200))


class NewSpaceSchema(SpaceSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Address"), insert_before="title",
                               description=_("The end of the space's address: /address/"),
                               validator=_slug_validator)
    space_type = colander.SchemaNode(colander.String(), title=_("Type"), insert_before="title",
                                     widget=_type_widget, validator=_type_validator)


@view_config(context=AdminSpaces, name="add", permission="org.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def space_add(context, request):
    form = make_form(request, NewSpaceSchema(), buttons=("create",), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            space = add_space(request.registry.beffroi, context.organisation, appstruct["slug"],
                              appstruct["title"].strip(), appstruct["space_type"],
                              appstruct["description"], request=request,
                              visibility=appstruct["visibility"],
                              parent=appstruct["parent"] or None, scope=appstruct["scope"].strip())
            actionlog.record(request, "space.create", space.title, space=space.slug)
            request.session.flash(request.localizer.translate(
                _("Space created. It stays unpublished until you publish it.")))
            return HTTPFound(location=request.resource_url(context, space.slug))
    else:
        html = form.render({"visibility": "public"})
    return {"page_title": _("New space"), "form": html}


@view_config(context=AdminSpace, name="edit", permission="space.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def space_edit(context, request):
    space = context.managed_space
    form = make_form(request, SpaceSchema(), action=request.url, bindings={"space": space})

    def stored():
        return {"title": space.title, "description": space.description,
                "visibility": space.visibility, "parent": space.parent or "",
                "scope": space.scope}
    if request.method == "POST":
        appstruct, html = validate_whole(request, form, stored)
        if appstruct is not None:
            space.title = appstruct["title"].strip()
            space.description = sanitise_html(appstruct["description"])
            space.visibility = appstruct["visibility"]
            space.parent = appstruct["parent"] or None
            space.scope = appstruct["scope"].strip()
            from beffroi.services.search import changes
            changes.changed(space)         # the organisation search, after commit
            actionlog.record(request, "space.edit", space.title, space=space.slug,
                             visibility=space.visibility)
            request.session.flash(request.localizer.translate(_("Space saved.")))
            return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render(stored())
    return {"page_title": _("Edit the space"), "form": html, "space": space}


@view_config(context=AdminSpace, name="publish", permission="space.admin", request_method="POST")
def space_publish(context, request):
    space = context.managed_space
    space.published = request.POST.get("published") == "1"
    actionlog.record(request, "space.publish" if space.published else "space.unpublish",
                     space.title, space=space.slug)
    request.session.flash(request.localizer.translate(
        _("The space is published.") if space.published else _("The space is unpublished.")))
    return HTTPFound(location=request.resource_url(context))


class CopySchema(colander.MappingSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Address of the copy"),
                               description=_("The end of the new space's address: /address/"),
                               validator=_slug_validator)
    title = colander.SchemaNode(colander.String(), title=_("Title of the copy"),
                                validator=colander.Length(min=1, max=200))


def _require_org_admin(request):
    # space admins hold every permission inside their space: ask the organisation
    if not request.has_permission("org.admin", request.organisation):
        raise HTTPForbidden()


@view_config(context=AdminSpace, name="copy", permission="space.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def space_copy(context, request):
    """Copy a space with its phases, modules and settings, never participants' content."""
    _require_org_admin(request)
    space = context.managed_space
    form = make_form(request, CopySchema(), buttons=("copy",), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            copy = copy_space(request.registry.beffroi, context.organisation, space,
                              appstruct["slug"], appstruct["title"].strip(), request=request)
            actionlog.record(request, "space.copy", copy.title, space=copy.slug,
                             original=space.slug)
            request.session.flash(request.localizer.translate(_(
                "Copy made with the phases, modules and settings; no participant content. "
                "It stays unpublished until you publish it.")))
            return HTTPFound(location=request.resource_url(context.__parent__, copy.slug))
    else:
        html = form.render({"title": request.localizer.translate(
            _("${title} (copy)", mapping={"title": space.title}))})
    return {"page_title": _("Copy the space"), "form": html, "space": space}


@view_config(context=AdminSpace, name="promote", permission="space.admin", request_method="POST")
def space_promote(context, request):
    """Promote the space on the organisation's home page, or stop."""
    _require_org_admin(request)
    space = context.managed_space
    space.promoted = request.POST.get("promoted") == "1"
    actionlog.record(request, "space.promote" if space.promoted else "space.unpromote",
                     space.title, space=space.slug)
    request.session.flash(request.localizer.translate(
        _("The space is promoted on the home page.") if space.promoted
        else _("The space is no longer promoted on the home page.")))
    return HTTPFound(location=request.resource_url(context))
