"""``/-/account/api-tokens``: a participant makes, sees and revokes their personal
access tokens for the JSON API. A new token is shown once, on the answer to the form
that made it (never put in the session cookie nor flashed); only its hash is kept."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.accounts.forms import flash, site_url
from beffroi.accounts.users import AccountArea
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.services.webapi import tokens

TEMPLATE = "beffroi:templates/account/api_tokens.pt"
SCOPE_TITLES = (("read", _("Read: what you may read on the site")),
                ("write", _("Read and write: also propose, comment and support in your name")))
EXPIRY_TITLES = (("30", _("30 days")), ("90", _("90 days")), ("365", _("One year")),
                 ("0", _("Never (until revoked)")))


def token_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="name", title=_("Name of the token"),
        description=_("To recognise it later, e.g. the program that uses it."),
        validator=colander.Length(min=1, max=80)))
    schema.add(colander.SchemaNode(
        colander.String(), name="scope", title=_("Access"), default="read",
        validator=colander.OneOf([s for s, _t in SCOPE_TITLES]),
        widget=deform.widget.SelectWidget(values=SCOPE_TITLES)))
    schema.add(colander.SchemaNode(
        colander.String(), name="expires", title=_("Valid for"), default="90",
        validator=colander.OneOf([e for e, _t in EXPIRY_TITLES]),
        widget=deform.widget.SelectWidget(values=EXPIRY_TITLES)))
    return schema


def _values(request, form_html, secret=None, made=None):
    return {"page_title": _("API access tokens"), "form": form_html, "in_account": True,
            "tokens": tokens.tokens_of(request.organisation, request.user),
            "secret": secret, "made": made, "scope_titles": dict(SCOPE_TITLES),
            "api_url": request.application_url + "/-/api"}


@view_config(context=AccountArea, name="api-tokens", permission="participate",
             request_method=("GET", "POST"), renderer=TEMPLATE)
def api_tokens(context, request):
    form = make_form(request, token_schema(), buttons=("create",),
                     action=site_url(request, "/-/account/api-tokens"))
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            try:
                secret, made = tokens.issue(request.organisation, request.user,
                                            appstruct["name"].strip(), appstruct["scope"],
                                            int(appstruct["expires"]) or None)
            except ValueError:
                values = _values(request, form.render(appstruct))
                values["error"] = _("You hold the most tokens allowed: revoke one first.")
                return values
            request.response.headers["Cache-Control"] = "no-store"
            return _values(request, form.render(), secret, made)
        return _values(request, html)
    return _values(request, form.render())


@view_config(context=AccountArea, name="revoke-api-token", permission="participate",
             request_method="POST")
def revoke_api_token(context, request):
    if tokens.revoke(request.organisation, request.user, request.POST.get("token", "")):
        flash(request, _("The token is revoked: programs using it are refused from now on."))
    return HTTPFound(location=site_url(request, "/-/account/api-tokens"))
