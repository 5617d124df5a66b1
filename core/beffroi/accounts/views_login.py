"""Logging in and out. Registration, confirmation and passwords have their own modules
(``register.py``, ``password.py``); the account pages live in ``account*.py``."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config

from beffroi.accounts import throttle
from beffroi.accounts.users import note_password_length
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.accounts.passwords import burn_time, verify_password
from beffroi.resources.organisation import SiteTools
from beffroi.views.site import safe_came_from

TOO_MANY = _("Too many attempts. Please wait 15 minutes before trying again, or reset your "
             "password if you have forgotten it.")


class CredentialsSchema(colander.MappingSchema):
    """E-mail and password, as every login form asks them (participants, system admins)."""
    email = colander.SchemaNode(colander.String(), title=_("E-mail address"),
                                validator=colander.Length(max=254),
                                widget=deform.widget.TextInputWidget(type="email", autocomplete="username"))
    password = colander.SchemaNode(colander.String(), title=_("Password"),
                                   validator=colander.Length(max=1024),
                                   widget=deform.widget.PasswordWidget(autocomplete="current-password"))


class LoginSchema(CredentialsSchema):
    came_from = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                                    missing="/")


def client_address(request):
    """The address throttling counts per (the proxy in front sets REMOTE_ADDR right)."""
    return request.client_addr or "unknown"


def authenticate(organisation, email, password):
    """The user of ``organisation`` with that e-mail and password, or None (same cost
    either way). Unconfirmed, blocked and deleted accounts cannot log in."""
    user = organisation.users.find_by_email(email)
    if user is None:
        burn_time()
        return None
    if not verify_password(user, password):
        return None
    if user.blocked or user.deleted or not user.confirmed:
        return None
    return user


def login_throttled(organisation, request, email):
    return (throttle.is_throttled(organisation, throttle.LOGIN_ACCOUNT, email)
            or throttle.is_throttled(organisation, throttle.LOGIN_ADDRESS, client_address(request)))


def record_failure(organisation, request, email):
    throttle.record(organisation, throttle.LOGIN_ACCOUNT, email)
    throttle.record(organisation, throttle.LOGIN_ADDRESS, client_address(request))


@view_config(context=SiteTools, name="login", renderer="beffroi:templates/account/form.pt",
             request_method=("GET", "POST"))
def login(context, request):
    org = context.organisation
    form = make_form(request, LoginSchema(), buttons=("login",))
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            email = appstruct["email"].strip().lower()
            if login_throttled(org, request, email):
                # the same answer whether the account exists or not
                error = TOO_MANY
            else:
                user = authenticate(org, email, appstruct["password"])
                if user is not None:
                    throttle.reset(org, throttle.LOGIN_ACCOUNT, email)
                    note_password_length(user, appstruct["password"])
                    headers = remember(request, user.id)
                    return HTTPFound(location=safe_came_from(request, appstruct["came_from"]),
                                     headers=headers)
                record_failure(org, request, email)
                error = _("Wrong e-mail address or password, or the account is not active. "
                          "If you have just registered, follow the link in the message we sent you.")
            html = form.render({"email": appstruct["email"], "came_from": appstruct["came_from"]})
    else:
        html = form.render({"came_from": request.params.get("came_from", "/")})
    links = [(request.application_url + "/-/password/forgot", _("Forgotten password?"))]
    if org.registration_mode == "open":
        links.append((request.application_url + "/-/register", _("Create an account")))
    from beffroi.services.verification.oidc import login_links
    links += login_links(request)
    return {"page_title": _("Log in"), "form": html, "error": error, "links": links}


@view_config(context=SiteTools, name="logout", request_method="POST")
def logout(context, request):
    headers = forget(request)
    return HTTPFound(location=request.application_url + "/", headers=headers)
