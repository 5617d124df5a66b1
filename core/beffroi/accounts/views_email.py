"""Changing one's e-mail address: the new address must be confirmed by a link sent to
it (``/-/account/confirm-email``); the old address is told once the change is done."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.accounts import throttle
from beffroi.accounts.users import AccountArea
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.accounts.tokens import consume_token, issue_token, peek_token_data, revoke_credentials_tokens
from beffroi.urls import mail_url
from beffroi.accounts.views import FORM, check_current_password
from beffroi.accounts.forms import email_node, flash, message_page, send_account_mail, site_url
from beffroi.accounts.views_login import client_address
from beffroi.accounts.views_register import invalid_link

EMAIL_TTL = 2 * 24 * 3600


def change_email_schema(request):
    user = request.user

    def validator(node, value):
        if value["email"].strip().lower() == user.email:
            exc = colander.Invalid(node)
            exc["email"] = _("This is already your address.")
            raise exc
        check_current_password(request, node, value["password"], field="password")

    schema = colander.SchemaNode(colander.Mapping(), validator=validator)
    schema.add(email_node(title=_("New e-mail address")))
    schema.add(colander.SchemaNode(
        colander.String(), name="password", title=_("Current password"),
        validator=colander.Length(max=1024),
        widget=deform.widget.PasswordWidget(autocomplete="current-password")))
    return schema


@view_config(context=AccountArea, name="email", permission="participate",
             request_method=("GET", "POST"), renderer=FORM)
def change_email(context, request):
    user, org = request.user, request.organisation
    form = make_form(request, change_email_schema(request), buttons=("send",))
    form.buttons[0].title = request.localizer.translate(_("Send a confirmation link"))
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None and (
                throttle.is_throttled(org, throttle.EMAIL_CHANGE_ACCOUNT, user.id)
                or throttle.is_throttled(org, throttle.RESET_ADDRESS, client_address(request))):
            # as many mails as the forgotten-password form, from an account or a connection
            error = _("Too many requests. Please try again later.")
            html = form.render({"email": appstruct["email"]})
        elif appstruct is not None:
            throttle.record(org, throttle.EMAIL_CHANGE_ACCOUNT, user.id)
            throttle.record(org, throttle.RESET_ADDRESS, client_address(request))
            new = appstruct["email"].strip().lower()
            if org.users.find_by_email(new) is not None:
                # tell the owner of that address, not the person asking: no account probing
                send_account_mail(
                    request, new, _("Your address was proposed for another account"),
                    _("Someone asked to use this e-mail address for an account on ${org}, "
                      "but you already have an account with it. Nothing was changed.",
                      mapping={"org": org.name}))
            else:
                token = issue_token(org, user.id, "email", EMAIL_TTL, data=new)
                # the address is not confirmed yet: no text chosen by the sender (a name)
                send_account_mail(
                    request, new, _("Confirm your new e-mail address"),
                    _("Hello,"),
                    _("To use this address for your account on ${org}, open this link "
                      "(valid for 2 days):", mapping={"org": org.name}),
                    mail_url(request, "/-/account/confirm-email?token=" + token),
                    _("If you did not ask for it, ignore this message."))
            return message_page(
                request, _("Check your mailbox"),
                _("We have sent a link to ${email}. Your address will change when you open it; "
                  "until then, keep using the current one.", mapping={"email": new}),
                links=[(site_url(request, "/-/account"), _("Back to my account"))])
    else:
        html = form.render()
    return {"page_title": _("Change my e-mail address"), "form": html, "in_account": True,
            "error": error,
            "intro": _("Your current address is ${email}.", mapping={"email": user.email})}


@view_config(context=AccountArea, name="confirm-email", request_method="GET")
def confirm_email_form(context, request):
    """A GET only shows a button, so that a mail scanner opening the link changes nothing.
    No login needed: the link proves both the account and the new mailbox."""
    token = request.params.get("token", "")
    uid, new = peek_token_data(context.organisation, token, "email")
    if uid is None:
        return invalid_link(request)
    return message_page(request, _("Confirm your new e-mail address"),
                        _("Your account will use ${email} from now on.", mapping={"email": new}),
                        button=_("Confirm my new address"),
                        action=site_url(request, "/-/account/confirm-email"), token=token)


@view_config(context=AccountArea, name="confirm-email", request_method="POST")
def confirm_email(context, request):
    org = context.organisation
    token = request.POST.get("token", "")
    uid, new = peek_token_data(org, token, "email")
    user = org.users.get(uid) if uid else None
    if user is None or user.deleted or consume_token(org, token, "email") is None:
        return invalid_link(request)
    if org.users.find_by_email(new) is not None:
        return message_page(request, _("Address already used"),
                            _("Another account now uses ${email}; your address was not changed.",
                              mapping={"email": new}), status=409)
    old = user.email
    org.users.change_email(user, new)
    user.confirmed = True
    revoke_credentials_tokens(org, user.id)      # links mailed to the old address die
    send_account_mail(
        request, old, _("Your e-mail address was changed"),
        _("The e-mail address of your account on ${org} is now ${email}. If you did not do "
          "this, contact the organisation at once.", mapping={"org": org.name, "email": new}))
    flash(request, _("Your e-mail address is changed."))
    return HTTPFound(location=site_url(request, "/-/account"))
