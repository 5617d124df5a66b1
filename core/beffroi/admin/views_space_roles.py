"""Roles in a space: organisation admins assign them in any space, space admins in their
own space only (the ``space.admin`` permission is checked on the managed space)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.resources.admin import AdminSpace
from beffroi.admin.forms import changed_roles, checkbox_set, field_error

SPACE_ROLES = ("admin", "moderator", "evaluator", "collaborator", "member")
SPACE_ROLE_TITLES = {"admin": _("Space administrator"), "moderator": _("Moderator"),
                     "evaluator": _("Evaluator"), "collaborator": _("Collaborator"),
                     "member": _("Member")}


class SpaceRoleSchema(colander.MappingSchema):
    email = colander.SchemaNode(colander.String(), title=_("E-mail address of the participant"),
                                validator=colander.Length(min=3, max=254),
                                widget=deform.widget.TextInputWidget(type="email", autocomplete="off"))
    roles = checkbox_set([(r, SPACE_ROLE_TITLES[r]) for r in SPACE_ROLES], _("Roles"),
                         missing=set(), description=_("Untick every role to remove the person."))
    # what the form showed, so that saving changes only what the person changed
    shown_email = colander.SchemaNode(colander.String(), missing="",
                                      validator=colander.Length(max=254),
                                      widget=deform.widget.HiddenWidget())
    shown_roles = colander.SchemaNode(colander.String(), missing="",
                                      validator=colander.Length(max=200),
                                      widget=deform.widget.HiddenWidget())


def _roles_of(text):
    return {r for r in (text or "").split(",") if r in SPACE_ROLES}


def _form_values(space, user, email):
    roles = set(space.space_roles(user.id)) & set(SPACE_ROLES) if user is not None else set()
    return {"email": email, "roles": roles, "shown_email": email,
            "shown_roles": ",".join(sorted(roles))}


@view_config(context=AdminSpace, name="roles", permission="space.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/space_roles.pt")
def space_roles_view(context, request):
    space, org = context.managed_space, context.organisation
    form = make_form(request, SpaceRoleSchema(), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            user = org.users.find_by_email(appstruct["email"])
            if user is None or user.deleted:
                html = field_error(form, appstruct, "email",
                                   _("No participant has this e-mail address."))
            else:
                chosen = set(appstruct["roles"]) & set(SPACE_ROLES)
                same = appstruct["shown_email"].strip().lower() == user.email
                shown = _roles_of(appstruct["shown_roles"]) if same else set()
                roles = changed_roles(space.space_roles(user.id), shown, chosen)
                space.set_space_roles(user.id, roles)
                actionlog.record(request, "space.roles", user.email, space=space.slug,
                                 roles=",".join(sorted(roles)))
                request.session.flash(request.localizer.translate(_("Roles saved.")))
                return HTTPFound(location=request.url)
    else:
        email = request.params.get("email", "").strip()[:254]
        user = org.users.find_by_email(email.lower()) if email else None
        if user is not None and user.deleted:
            user = None
        html = form.render(_form_values(space, user, email))
    people = []
    for uid, roles in space.roles.items():
        user = org.users.get(uid)
        if user is not None:
            people.append((user, [SPACE_ROLE_TITLES.get(r, r) for r in roles]))
    people.sort(key=lambda p: (p[0].name or "").lower())
    return {"page_title": _("Roles"), "space": space, "people": people, "form": html,
            "base": request.resource_url(context),
            "roles_url": lambda email: request.resource_url(context, "roles", query={"email": email})}
