"""Forgotten password (``/-/password/forgot``) and choosing a password from a mailed
link (``/-/password/set?token=…``).

The set-password page accepts two kinds of link: "reset" (a forgotten password) and
"invite" (an account an administrator created; see ``set_password_url``). Both set
the password, confirm the address (the link proved it) and log the person in.
"""
from __future__ import annotations

import colander
import deform
from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPFound
from pyramid.security import remember
from pyramid.view import view_config

from beffroi.accounts import throttle
from beffroi.accounts.users import MIN_ADMIN_PASSWORD, needs_strong_password, set_password
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.resources.admin import AdminArea
from beffroi.resources.organisation import SiteTools
from beffroi.security import lineage_of, weak_admin_password
from beffroi.accounts.tokens import consume_token, issue_token, peek_token
from beffroi.urls import mail_url
from beffroi.accounts.forms import (
    confirm_password_node, email_node, flash, message_page, new_password_node, password_policy,
    send_account_mail, site_url)
from beffroi.accounts.views_login import client_address
from beffroi.accounts.views_register import invalid_link

RESET_TTL = 3600
#: Link purposes this page accepts, in the order they are looked up.
PURPOSES = ("reset", "invite")


def set_password_url(request, token):
    """The address to put in a mail carrying a "reset" or "invite" token (on the
    organisation's configured host, never the request's: ``beffroi.urls``)."""
    return mail_url(request, "/-/password/set?token=" + token)


class ForgotSchema(colander.MappingSchema):
    email = email_node()


@view_config(context=SiteTools, name="password", request_method=("GET", "POST"),
             renderer="beffroi:templates/account/form.pt")
def password_pages(context, request):
    """``/-/password/forgot`` and ``/-/password/set`` (one view name, two sub-paths)."""
    sub = request.subpath[0] if len(request.subpath) == 1 else None
    if sub == "forgot":
        return forgot(context, request)
    if sub == "set":
        return set_from_link(context, request)
    return message_page(request, _("Page not found"),
                        _("There is nothing at this address. It may have been moved or removed."),
                        status=404)


def forgot(context, request):
    org = context.organisation
    form = make_form(request, ForgotSchema(), buttons=("send",))
    form.buttons[0].title = request.localizer.translate(_("Send me a link"))
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            address = client_address(request)
            if throttle.is_throttled(org, throttle.RESET_ADDRESS, address):
                error = _("Too many requests from your connection. Please try again later.")
                html = form.render({"email": appstruct["email"]})
            else:
                throttle.record(org, throttle.RESET_ADDRESS, address)
                _send_reset(request, org, appstruct["email"].strip().lower())
                # the same page whether the account exists or not
                return message_page(
                    request, _("Check your mailbox"),
                    _("If an account exists for this address, we have sent it a link to "
                      "choose a new password. The link is valid for one hour."),
                    links=[(site_url(request, "/-/login"), _("Log in"))])
    else:
        html = form.render()
    return {"page_title": _("Forgotten password"), "form": html, "error": error,
            "intro": _("Enter the e-mail address of your account: we will send you a link "
                       "to choose a new password.")}


def _send_reset(request, org, email):
    # a few mails per address and hour at most: nobody can flood a mailbox from here
    if throttle.is_throttled(org, throttle.RESET_ACCOUNT, email):
        return
    throttle.record(org, throttle.RESET_ACCOUNT, email)
    user = org.users.find_by_email(email)
    if user is None or user.deleted or user.blocked:
        return
    token = issue_token(org, user.id, "reset", RESET_TTL)
    send_account_mail(
        request, user.email, _("Choose a new password"),
        _("Hello ${name},", mapping={"name": user.name}),
        _("Someone, probably you, asked to change the password of your account on ${org}. "
          "To choose a new one, open this link (valid for one hour, usable once):",
          mapping={"org": org.name}),
        set_password_url(request, token),
        _("If you did not ask for it, ignore this message: your password stays the same."))


def _token_user(org, token):
    for purpose in PURPOSES:
        uid = peek_token(org, token, purpose)
        if uid is not None:
            user = org.users.get(uid)
            if user is not None and not user.deleted:
                return purpose, user
    return None, None


def set_password_schema(admin):
    schema = colander.SchemaNode(colander.Mapping(), validator=password_policy(admin=admin))
    schema.add(new_password_node())
    schema.add(confirm_password_node())
    schema.add(colander.SchemaNode(colander.String(), name="token",
                                   widget=deform.widget.HiddenWidget()))
    return schema


def set_from_link(context, request):
    org = context.organisation
    token = request.params.get("token", "")
    purpose, user = _token_user(org, token)
    if user is None:
        return invalid_link(request)
    form = make_form(request, set_password_schema(needs_strong_password(org, user.id)),
                     buttons=("save",), action=site_url(request, "/-/password/set"))
    title = _("Choose your password") if purpose == "invite" else _("Choose a new password")
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            if consume_token(org, token, purpose) != user.id:
                return invalid_link(request)
            set_password(org, user, appstruct["password"])
            user.confirmed = True
            if user.blocked:
                return message_page(request, _("Password saved"),
                                    _("Your password is saved, but your account is blocked."))
            headers = remember(request, user.id)
            flash(request, _("Your password is saved. You are logged in."))
            return HTTPFound(location=site_url(request, "/-/account"), headers=headers)
    else:
        html = form.render({"token": token})
    intro = _("Welcome to ${org}! Choose the password of your account (${email}).",
              mapping={"org": org.name, "email": user.email}) if purpose == "invite" else \
        _("Choose a new password for your account (${email}).", mapping={"email": user.email})
    return {"page_title": title, "form": html, "intro": intro}


def longer_password_redirect(request):
    """A redirect to the password page, with the reason, when the logged-in person holds
    an admin role with a password shorter than administrators need (their admin roles
    count for nothing until then: ``security.weak_admin_password``); else None."""
    if not weak_admin_password(request, request.user):
        return None
    flash(request, _("Administrators need a password of at least ${min} characters. Choose "
                     "a longer one to reach the administration.",
                     mapping={"min": MIN_ADMIN_PASSWORD}))
    return HTTPFound(location=site_url(request, "/-/account/password"))


@subscriber(ContextFound)
def admin_password_gate(event):
    """Before any page of ``/-/admin/`` (other admin pages answer 403 and the forbidden
    view sends them here too)."""
    request = event.request
    if lineage_of(request.context, AdminArea) is None:
        return
    redirect = longer_password_redirect(request)
    if redirect is not None:
        raise redirect
