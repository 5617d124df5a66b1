"""Pieces the account pages share: password fields with the policy, message pages,
flash messages and translated mails."""
from __future__ import annotations

import colander
import deform
from pyramid.renderers import render_to_response

from beffroi.accounts.users import AccountError, check_name, normalise_email, password_problem
from beffroi.i18n import _
from beffroi.services.mail.queue import queue_mail
from beffroi.urls import mail_url


def _one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _valid_email(node, value):
    try:
        normalise_email(value)
    except AccountError as exc:
        raise colander.Invalid(node, exc.message)


def _valid_name(node, value):
    try:
        check_name(value)
    except AccountError as exc:
        raise colander.Invalid(node, exc.message)


def name_node(name="name", title=_("Name"), description=None, missing=colander.required,
              max_length=100):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, description=description, missing=missing,
        preparer=_one_line,
        validator=colander.All(colander.Length(max=max_length), _valid_name)
        if missing is colander.required else colander.Length(max=max_length),
        widget=deform.widget.TextInputWidget(autocomplete="name" if name == "name" else "nickname"))


def email_node(name="email", title=_("E-mail address")):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, preparer=lambda v: v.strip() if isinstance(v, str) else v,
        validator=colander.All(colander.Length(max=254), _valid_email),
        widget=deform.widget.TextInputWidget(type="email", autocomplete="email"))


def new_password_node(title=_("New password")):
    return colander.SchemaNode(
        colander.String(), name="password", title=title,
        description=_("At least 10 characters (15 for administrators). Several unrelated "
                      "words make a strong password that is easy to remember."),
        validator=colander.Length(max=1024),
        widget=deform.widget.PasswordWidget(autocomplete="new-password"))


def confirm_password_node():
    return colander.SchemaNode(
        colander.String(), name="password_confirm", title=_("New password, again"),
        validator=colander.Length(max=1024),
        widget=deform.widget.PasswordWidget(autocomplete="new-password"))


def password_policy(admin=False, email_field=None, email=None):
    """A mapping validator: the policy on ``password``, then ``password_confirm`` equal
    to it; each error is shown next to its own field."""
    def validator(node, value):
        exc = colander.Invalid(node)
        address = value.get(email_field) if email_field else email
        problem = password_problem(value["password"], admin=admin, email=address)
        if problem is not None:
            exc["password"] = problem
        elif value["password"] != value.get("password_confirm"):
            exc["password_confirm"] = _("The two passwords are different.")
        if exc.children:
            raise exc
    return validator


def message_page(request, title, *paragraphs, links=(), status=200, button=None,
                 action=None, token=None):
    """A page that tells something, optionally with one confirmation button (a POST)."""
    response = render_to_response(
        "beffroi:templates/account/message.pt",
        {"page_title": title, "message": paragraphs, "links": links, "button": button,
         "action": action, "token": token},
        request=request)
    response.status_int = status
    return response


def flash(request, message):
    request.session.flash(request.localizer.translate(message))


def send_account_mail(request, to, subject, *paragraphs):
    """Queue a plain-text mail from the request's organisation, in the request's language.
    Links in ``paragraphs`` must come from ``beffroi.urls.mail_url``, not the request."""
    tr = request.localizer.translate
    org = request.organisation
    body = "\n\n".join(tr(p) for p in paragraphs)
    signature = tr(_("-- \n${org}\n${url}", mapping={"org": org.name, "url": mail_url(request, "/")}))
    queue_mail(org, to, tr(subject), body + "\n\n" + signature)


def site_url(request, path):
    return request.application_url + path
