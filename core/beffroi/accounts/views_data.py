"""The participant's data: download it (``/-/account/data``, a ZIP of JSON files) and
delete the account (``/-/account/delete``, confirmed with the password)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.security import forget
from pyramid.view import view_config

from beffroi.accounts.portable import data_archive
from beffroi.accounts.users import AccountArea, delete_account
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.uploads import content_disposition
from beffroi.accounts.views import FORM, check_current_password
from beffroi.resources.organisation import SiteTools
from beffroi.accounts.forms import message_page, site_url


@view_config(context=AccountArea, name="data", permission="participate", request_method="GET")
def download_data(context, request):
    body = data_archive(request, request.user)
    response = Response(body=body, content_type="application/zip")
    response.content_disposition = content_disposition(f"my-data-{request.organisation.id}.zip")
    response.cache_control = "private, no-store"
    return response


def delete_schema(request):
    def validator(node, value):
        check_current_password(request, node, value["password"], field="password")

    schema = colander.SchemaNode(colander.Mapping(), validator=validator)
    schema.add(colander.SchemaNode(
        colander.String(), name="password", title=_("Your password"),
        description=_("To make sure it is you."), validator=colander.Length(max=1024),
        widget=deform.widget.PasswordWidget(autocomplete="current-password")))
    return schema


@view_config(context=AccountArea, name="delete", permission="participate",
             request_method=("GET", "POST"), renderer=FORM)
def delete(context, request):
    form = make_form(request, delete_schema(request), buttons=("delete",))
    form.buttons[0].title = request.localizer.translate(_("Delete my account for good"))
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            delete_account(request, request.user)
            headers = forget(request)
            response = HTTPFound(location=site_url(request, "/-/account-deleted"), headers=headers)
            return response
    else:
        html = form.render()
    return {"page_title": _("Delete my account"), "form": html, "in_account": True,
            "intro": _("Your name, e-mail address, picture and password will be erased and you "
                       "will no longer be able to log in. What you wrote stays, shown as written "
                       "by \u201cDeleted participant\u201d. You may download your data first."),
            "links": [(site_url(request, "/-/account/data"), _("Download my data"))]}


@view_config(context=SiteTools, name="account-deleted", request_method="GET")
def account_deleted(context, request):
    return message_page(request, _("Account deleted"),
                        _("Your account is deleted. Thank you for taking part."))
