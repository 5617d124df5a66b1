"""Participants of the organisation: search, block/unblock, officialise (user managers and
organisation admins), organisation roles (organisation admins only)."""
from __future__ import annotations

import itertools

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.resources.admin import AdminParticipant, AdminParticipants
from beffroi.security import ORG_ROLES
from beffroi.accounts.sessions import end_all_sessions
from beffroi.admin.forms import changed_roles, checkbox_set
from beffroi.admin.views_space_roles import SPACE_ROLE_TITLES

SEARCH_LIMIT = 50
ORG_ROLE_TITLES = {"admin": _("Organisation administrator"), "user_manager": _("User manager")}


def search_users(organisation, q, limit=SEARCH_LIMIT):
    """Participants whose name or e-mail contains ``q`` (all when empty), by name.

    An exact e-mail goes through the unique index; otherwise the scan stops at ``limit``
    matches, which is enough for an admin typing a name."""
    q = (q or "").strip().lower()
    if "@" in q:
        exact = organisation.users.find_by_email(q)
        if exact is not None:
            return [exact]
    found = []
    for user in organisation.users.values():
        if user.deleted:
            continue
        if not q or q in user.email or q in (user.name or "").lower():
            found.append(user)
            if len(found) >= limit:
                break
    return sorted(found, key=lambda u: (u.name or "").lower())


@view_config(context=AdminParticipants, permission="org.manage_users", request_method="GET",
             renderer="beffroi:templates/admin/participants.pt")
def participants_list(context, request):
    q = request.params.get("q", "")[:200]
    users = search_users(context.organisation, q)
    return {"page_title": _("Participants"), "users": users, "q": q,
            "limit": SEARCH_LIMIT, "base": request.resource_url(context),
            "org_roles": lambda u: [ORG_ROLE_TITLES[r] for r in context.organisation.org_roles(u.id)]}


class BlockSchema(colander.MappingSchema):
    reason = colander.SchemaNode(
        colander.String(), title=_("Reason"),
        description=_("Kept in the action log and shown to administrators."),
        validator=colander.Length(min=3, max=500), widget=deform.widget.TextAreaWidget(rows=3))


class OrgRolesSchema(colander.MappingSchema):
    roles = checkbox_set([(r, ORG_ROLE_TITLES[r]) for r in ORG_ROLES], _("Organisation roles"),
                         missing=set())
    # the roles the form showed: saving changes only the boxes the person changed
    shown_roles = colander.SchemaNode(colander.String(), missing="",
                                      validator=colander.Length(max=200),
                                      widget=deform.widget.HiddenWidget())


def _forms(request, context):
    base = request.resource_url(context)
    block = make_form(request, BlockSchema(), buttons=("block",), action=base + "block",
                      formid="block")
    block.buttons = [deform.Button("block", request.localizer.translate(_("Block")))]
    # its own field counter: two forms on one page must not share element ids
    roles = make_form(request, OrgRolesSchema(), buttons=("save",), action=base + "roles",
                      formid="roles", counter=itertools.count(1000))
    return block, roles


def _page(request, context, block_html=None, roles_html=None):
    org = context.organisation
    block, roles = _forms(request, context)
    can_roles = bool(request.has_permission("org.admin", context))
    return {"page_title": context.user.name, "person": context.user,
            "base": request.resource_url(context),
            "roles": [ORG_ROLE_TITLES[r] for r in org.org_roles(context.user.id)],
            "block_form": block_html or block.render(),
            "roles_form": (roles_html or roles.render({
                "roles": set(org.org_roles(context.user.id)),
                "shown_roles": ",".join(sorted(org.org_roles(context.user.id)))}))
            if can_roles else None,
            "spaces": [(s, [SPACE_ROLE_TITLES.get(r, r) for r in s.space_roles(context.user.id)])
                       for s in org.spaces.values() if s.space_roles(context.user.id)]}


@view_config(context=AdminParticipant, permission="org.manage_users", request_method="GET",
             renderer="beffroi:templates/admin/participant.pt")
def participant_view(context, request):
    return _page(request, context)


def _refuse_on_peer(request, context):
    """Nobody blocks themselves; only organisation admins act on an organisation admin."""
    target = context.user
    if request.user is not None and target.id == request.user.id:
        request.session.flash(
            request.localizer.translate(_("You cannot do this to your own account.")), "error")
        return HTTPFound(location=request.resource_url(context))
    if "admin" in context.organisation.org_roles(target.id) and \
            not request.has_permission("org.admin", context):
        raise HTTPForbidden()
    return None


@view_config(context=AdminParticipant, name="block", permission="org.manage_users",
             request_method="POST", renderer="beffroi:templates/admin/participant.pt")
def block_view(context, request):
    refused = _refuse_on_peer(request, context)
    if refused is not None:
        return refused
    form, _roles = _forms(request, context)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, block_html=html)
    user = context.user
    user.blocked, user.blocked_reason = True, appstruct["reason"].strip()
    end_all_sessions(user)             # logged out at once, on every app server
    actionlog.record(request, "participant.block", user.email, reason=user.blocked_reason)
    request.session.flash(request.localizer.translate(_("The participant is blocked.")))
    return HTTPFound(location=request.resource_url(context))


@view_config(context=AdminParticipant, name="unblock", permission="org.manage_users",
             request_method="POST")
def unblock_view(context, request):
    refused = _refuse_on_peer(request, context)
    if refused is not None:
        return refused
    context.user.blocked, context.user.blocked_reason = False, ""
    actionlog.record(request, "participant.unblock", context.user.email)
    request.session.flash(request.localizer.translate(_("The participant is unblocked.")))
    return HTTPFound(location=request.resource_url(context))


@view_config(context=AdminParticipant, name="officialise", permission="org.manage_users",
             request_method="POST")
def officialise_view(context, request):
    user = context.user
    user.official = request.POST.get("official") == "1"
    actionlog.record(request, "participant.officialise" if user.official
                     else "participant.unofficialise", user.email)
    request.session.flash(request.localizer.translate(
        _("The participant is now shown as official.") if user.official
        else _("The participant is no longer shown as official.")))
    return HTTPFound(location=request.resource_url(context))


@view_config(context=AdminParticipant, name="roles", permission="org.admin",
             request_method="POST", renderer="beffroi:templates/admin/participant.pt")
def org_roles_view(context, request):
    _block, form = _forms(request, context)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, roles_html=html)
    org, user = context.organisation, context.user
    shown = {r for r in appstruct["shown_roles"].split(",") if r in ORG_ROLES}
    roles = changed_roles(org.org_roles(user.id), shown, set(appstruct["roles"]) & set(ORG_ROLES))
    if request.user is not None and user.id == request.user.id and "admin" not in roles:
        # an admin removing their own admin role could leave the organisation without one
        request.session.flash(request.localizer.translate(
            _("You cannot remove your own administrator role.")), "error")
        return HTTPFound(location=request.resource_url(context))
    org.set_org_roles(user.id, roles)
    actionlog.record(request, "participant.org_roles", user.email, roles=",".join(sorted(roles)))
    request.session.flash(request.localizer.translate(_("Roles saved.")))
    return HTTPFound(location=request.resource_url(context))
