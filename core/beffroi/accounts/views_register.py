"""Registration (``/-/register``) and confirmation of the e-mail address (``/-/confirm``).

Registration follows ``organisation.registration_mode``: "open" lets anyone create an
account; "invitation" and "closed" refuse with a page that says so. The answer is the
same whether the address already has an account or not (the owner of an existing
account gets a mail instead), so the form cannot be used to find who is registered.
"""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import remember
from pyramid.view import view_config

from beffroi.accounts import throttle
from beffroi.accounts.users import create_user
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.accounts.passwords import burn_time
from beffroi.resources.organisation import SiteTools
from beffroi.accounts.tokens import consume_token, issue_token, peek_token
from beffroi.urls import mail_url
from beffroi.accounts.forms import (
    confirm_password_node, email_node, flash, message_page, name_node, new_password_node,
    password_policy, send_account_mail, site_url)
from beffroi.accounts.views_login import client_address

CONFIRM_TTL = 3 * 24 * 3600


def register_schema(organisation=None):
    """The sign-up form; with terms of use written, a box to accept them is required."""
    from beffroi.services.orgpages.model import has_terms
    schema = colander.SchemaNode(colander.Mapping(), validator=password_policy(email_field="email"))
    schema.add(name_node(description=_(
        "Shown with what you write; you can use a nickname in your profile.")))
    schema.add(email_node())
    schema.add(new_password_node(_("Password")))
    schema.add(confirm_password_node())
    schema.add(colander.SchemaNode(
        colander.Boolean(), name="newsletter", title=_("Newsletters"), missing=False,
        widget=deform.widget.CheckboxWidget(),
        description=_("I want to receive the newsletters of this organisation by e-mail "
                      "(optional; I can stop at any time).")))
    if organisation is not None and has_terms(organisation):
        schema.add(colander.SchemaNode(
            colander.Boolean(), name="terms", title=_("Terms of use"),
            widget=deform.widget.CheckboxWidget(),
            description=_("I have read and I accept the terms of use (link below the form)."),
            validator=colander.Function(lambda value: bool(value),
                                        _("Accept the terms of use to create an account."))))
    return schema


def registration_refused(request, org):
    if org.registration_mode == "invitation":
        text = _("On this platform, accounts are created by invitation only. If you received "
                 "an invitation, follow the link in its message.")
    else:
        text = _("Registration is closed on this platform.")
    return message_page(request, _("Registration unavailable"), text,
                        links=[(site_url(request, "/-/login"), _("Log in"))], status=403)


@view_config(context=SiteTools, name="register", renderer="beffroi:templates/account/form.pt",
             request_method=("GET", "POST"))
def register(context, request):
    org = context.organisation
    if org.registration_mode != "open":
        return registration_refused(request, org)
    form = make_form(request, register_schema(org), buttons=("register",))
    form.buttons[0].title = request.localizer.translate(_("Create my account"))
    error = None
    if request.method == "POST":
        if throttle.is_throttled(org, throttle.REGISTER_ADDRESS, client_address(request)):
            error = _("Too many accounts were created from your connection. Please try again later.")
            controls = dict(request.POST)
            html = form.render({"name": controls.get("name", ""), "email": controls.get("email", "")})
        else:
            appstruct, html = validate(request, form)
            if appstruct is not None:
                throttle.record(org, throttle.REGISTER_ADDRESS, client_address(request))
                _register(request, org, appstruct)
                return HTTPFound(location=site_url(request, "/-/register-sent"))
    else:
        html = form.render()
    return {"page_title": _("Create an account"), "form": html, "error": error,
            "intro": _("Your account is valid on ${org} only.", mapping={"org": org.name}),
            "links": _register_links(request, org)}


def _register_links(request, org):
    from beffroi.services.orgpages.model import has_terms
    links = [(site_url(request, "/-/login"), _("I already have an account"))]
    if has_terms(org):
        links.insert(0, (site_url(request, "/-/pages/terms"), _("Terms of use")))
    return links


def _register(request, org, appstruct):
    email = appstruct["email"].strip().lower()
    existing = org.users.find_by_email(email)
    if existing is not None:
        burn_time()              # as long as hashing a new password: timing tells nothing
        send_account_mail(
            request, email, _("Someone tried to create an account with your address"),
            _("Someone, maybe you, tried to create an account on ${org} with this e-mail "
              "address. You already have an account: log in at ${url}.",
              mapping={"org": org.name, "url": mail_url(request, "/-/login")}),
            _("If you have forgotten your password, choose a new one at ${url}.",
              mapping={"url": mail_url(request, "/-/password/forgot")}),
            _("If it was not you, you can ignore this message."))
        return
    user = create_user(org, email, appstruct["name"], appstruct["password"],
                       confirmed=False, locale=request.locale_name)
    if appstruct.get("terms"):
        from beffroi.services.orgpages.model import accept_terms
        accept_terms(org, user)
    if appstruct.get("newsletter"):
        from beffroi.services.newsletters.model import set_consent
        set_consent(user, True)
    send_confirmation(request, org, user)


def send_confirmation(request, org, user):
    token = issue_token(org, user.id, "confirm", CONFIRM_TTL)
    send_account_mail(
        request, user.email, _("Confirm your e-mail address"),
        _("Hello ${name},", mapping={"name": user.name}),
        _("To finish creating your account on ${org}, confirm your e-mail address by "
          "opening this link (valid for 3 days):", mapping={"org": org.name}),
        mail_url(request, "/-/confirm?token=" + token),
        _("If you did not ask for an account, ignore this message: nothing will be created."))


@view_config(context=SiteTools, name="register-sent", request_method="GET")
def register_sent(context, request):
    return _sent_page(request)


def _sent_page(request):
    return message_page(
        request, _("Check your mailbox"),
        _("We have sent a message to the address you gave. Open the link it contains to "
          "confirm your address, then log in."),
        _("Nothing arrived after a few minutes? Look in your spam folder."))


@view_config(context=SiteTools, name="confirm", request_method="GET")
def confirm_form(context, request):
    """A GET only shows a button: mail scanners that open links must not use the token."""
    token = request.params.get("token", "")
    if peek_token(context.organisation, token, "confirm") is None:
        return invalid_link(request)
    return message_page(request, _("Confirm your e-mail address"),
                        _("One click to finish creating your account."),
                        button=_("Confirm my address"), action=site_url(request, "/-/confirm"),
                        token=token)


@view_config(context=SiteTools, name="confirm", request_method="POST")
def confirm(context, request):
    org = context.organisation
    uid = consume_token(org, request.POST.get("token", ""), "confirm")
    user = org.users.get(uid) if uid else None
    if user is None or user.deleted:
        return invalid_link(request)
    user.confirmed = True
    if user.blocked:
        return message_page(request, _("Address confirmed"),
                            _("Your address is confirmed, but your account is blocked."))
    headers = remember(request, user.id)
    flash(request, _("Your e-mail address is confirmed. Welcome!"))
    return HTTPFound(location=site_url(request, "/-/account"), headers=headers)


def invalid_link(request):
    return message_page(
        request, _("This link is no longer valid"),
        _("The link has expired or has already been used."),
        links=[(site_url(request, "/-/login"), _("Log in")),
               (site_url(request, "/-/password/forgot"), _("Forgotten password?"))],
        status=400)
