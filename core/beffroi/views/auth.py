"""Logging in and out (the accounts module grows this: registration, reset …)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config

from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.passwords import burn_time, verify_password
from beffroi.resources.organisation import SiteTools
from beffroi.views.site import safe_came_from


class LoginSchema(colander.MappingSchema):
    email = colander.SchemaNode(colander.String(), title=_("E-mail address"),
                                validator=colander.Length(max=254),
                                widget=deform.widget.TextInputWidget(type="email", autocomplete="username"))
    password = colander.SchemaNode(colander.String(), title=_("Password"),
                                   validator=colander.Length(max=1024),
                                   widget=deform.widget.PasswordWidget(autocomplete="current-password"))
    came_from = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                                    missing="/")


def authenticate(organisation, email, password):
    """The user of ``organisation`` with that e-mail and password, or None (same cost either way)."""
    user = organisation.users.find_by_email(email)
    if user is None:
        burn_time()
        return None
    if not verify_password(user, password) or user.blocked or user.deleted:
        return None
    return user


@view_config(context=SiteTools, name="login", renderer="beffroi:templates/form.pt",
             request_method=("GET", "POST"))
def login(context, request):
    form = make_form(request, LoginSchema(), buttons=("login",))
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            user = authenticate(context.organisation, appstruct["email"], appstruct["password"])
            if user is not None:
                headers = remember(request, user.id)
                return HTTPFound(location=safe_came_from(request, appstruct["came_from"]),
                                 headers=headers)
            error = _("Wrong e-mail address or password, or the account is not active.")
            html = form.render({"email": appstruct["email"], "came_from": appstruct["came_from"]})
    else:
        html = form.render({"came_from": request.params.get("came_from", "/")})
    return {"page_title": _("Log in"), "form": html, "error": error}


@view_config(context=SiteTools, name="logout", request_method="POST")
def logout(context, request):
    headers = forget(request)
    return HTTPFound(location=request.application_url + "/", headers=headers)
