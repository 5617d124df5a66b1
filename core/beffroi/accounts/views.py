"""The participant's own pages under ``/-/account``: overview, profile (with avatar),
password; avatars are served at ``/-/avatar/<user-id>``."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import FileResponse
from pyramid.security import forget, remember
from pyramid.view import view_config
from ZODB.blob import Blob

from beffroi.accounts import throttle
from beffroi.accounts.users import AccountArea, needs_strong_password, set_password
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.accounts.passwords import verify_password
from beffroi.resources.organisation import SiteTools
from beffroi.accounts.sessions import active_sessions, end_all_sessions, end_session_by_key, session_timeout
from beffroi.uploads import AVATAR_MAX_BYTES, UploadError, clean_image, read_upload
from beffroi.accounts.forms import (
    confirm_password_node, flash, name_node, new_password_node, password_policy, site_url)
from beffroi.accounts.views_login import TOO_MANY

FORM = "beffroi:templates/account/form.pt"


@view_config(context=AccountArea, name="", permission="participate", request_method="GET",
             renderer="beffroi:templates/account/index.pt")
def account(context, request):
    timeout = session_timeout(request.registry.settings)
    sessions = [{"key": key, "device": _device_label(record), "last_seen": record.last_seen_at,
                 "current": current}
                for key, record, current in active_sessions(
                    request.user, request.session.get("sid"), timeout)]
    return {"page_title": _("My account"), "sessions": sessions}


def _device_label(record):
    if record.browser and record.system:
        return _("${browser} on ${system}", mapping={"browser": record.browser,
                                                      "system": record.system})
    return record.browser or record.system or _("Unknown device")


@view_config(context=AccountArea, name="end-session", permission="participate",
             request_method="POST")
def end_other_session(context, request):
    """Log out one other device (a lost phone, a shared computer)."""
    if end_session_by_key(request.user, request.POST.get("session", "")):
        flash(request, _("That device is logged out."))
    return HTTPFound(location=site_url(request, "/-/account"))


@view_config(context=AccountArea, name="logout-everywhere", permission="participate",
             request_method="POST")
def logout_everywhere(context, request):
    """End every session of the account, this one included, on every app server."""
    end_all_sessions(request.user)
    headers = forget(request)
    flash(request, _("You are logged out on every device."))
    return HTTPFound(location=site_url(request, "/-/login"), headers=headers)


# --- profile ------------------------------------------------------------------------------

class _NoTempStore(dict):
    """deform keeps an upload here between a failed validation and the next try; we keep
    nothing on a node's disk or memory (scale-out): the person chooses the file again."""

    def preview_url(self, uid):
        return None


def _avatar_validator(node, value):
    if not value or value.get("fp") is None:
        return
    try:
        data = read_upload(value["fp"], AVATAR_MAX_BYTES)
        value["data"], value["media_type"] = clean_image(data)
    except UploadError as exc:
        raise colander.Invalid(node, exc.message)


def profile_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(name_node())
    schema.add(name_node("nickname", _("Nickname"), missing="", max_length=50, description=_(
        "Optional. When you give one, it is shown with what you write instead of your name.")))
    schema.add(colander.SchemaNode(
        deform.FileData(), name="avatar", title=_("Picture"), missing=None,
        description=_("Optional. A PNG, JPEG or WebP image of 2 MB at most."),
        validator=_avatar_validator,
        widget=deform.widget.FileUploadWidget(_NoTempStore(),
                                              accept="image/png,image/jpeg,image/webp")))
    schema.add(colander.SchemaNode(
        colander.Boolean(), name="remove_avatar", title=_("Remove my picture"), missing=False,
        widget=deform.widget.CheckboxWidget()))
    return schema


@view_config(context=AccountArea, name="profile", permission="participate",
             request_method=("GET", "POST"), renderer=FORM)
def profile(context, request):
    user = request.user
    form = make_form(request, profile_schema(), buttons=("save",))
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            user.name = appstruct["name"]
            user.nickname = appstruct["nickname"] or ""
            avatar = appstruct["avatar"]
            if avatar and avatar.get("data"):
                blob = Blob()
                with blob.open("w") as f:
                    f.write(avatar["data"])
                user.avatar, user.avatar_type = blob, avatar["media_type"]
            elif appstruct["remove_avatar"]:
                user.avatar = user.avatar_type = None
            flash(request, _("Your profile is saved."))
            return HTTPFound(location=site_url(request, "/-/account"))
    else:
        html = form.render({"name": user.name, "nickname": user.nickname})
    return {"page_title": _("Edit my profile"), "form": html, "in_account": True}


@view_config(context=SiteTools, name="avatar", request_method="GET")
def avatar(context, request):
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    user = context.organisation.users.get(request.subpath[0])
    if user is None or user.deleted or user.avatar is None:
        raise HTTPNotFound()
    response = FileResponse(user.avatar.committed(), request=request,
                            content_type=user.avatar_type or "application/octet-stream")
    response.cache_control = "public, max-age=300"
    response.content_disposition = "inline"
    return response


# --- password -----------------------------------------------------------------------------

def check_current_password(request, node, password, field="current_password"):
    """Raise ``colander.Invalid`` on ``field`` unless ``password`` is the participant's
    (failures count towards the login throttle: a stolen session cannot guess it)."""
    user, org = request.user, request.organisation
    if throttle.is_throttled(org, throttle.LOGIN_ACCOUNT, user.email):
        message = TOO_MANY
    elif verify_password(user, password):
        return
    else:
        throttle.record(org, throttle.LOGIN_ACCOUNT, user.email)
        message = _("This is not your current password.")
    exc = colander.Invalid(node)
    exc[field] = message
    raise exc


def change_password_schema(request):
    user = request.user
    policy = password_policy(admin=needs_strong_password(request.organisation, user.id),
                             email=user.email)

    def validator(node, value):
        check_current_password(request, node, value["current_password"])
        policy(node, value)

    schema = colander.SchemaNode(colander.Mapping(), validator=validator)
    schema.add(colander.SchemaNode(
        colander.String(), name="current_password", title=_("Current password"),
        validator=colander.Length(max=1024),
        widget=deform.widget.PasswordWidget(autocomplete="current-password")))
    schema.add(new_password_node())
    schema.add(confirm_password_node())
    return schema


@view_config(context=AccountArea, name="password", permission="participate",
             request_method=("GET", "POST"), renderer=FORM)
def change_password(context, request):
    form = make_form(request, change_password_schema(request), buttons=("save",))
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            set_password(request.organisation, request.user, appstruct["password"])
            headers = remember(request, request.user.id)   # this session stays, others end
            flash(request, _("Your password is changed."))
            return HTTPFound(location=site_url(request, "/-/account"), headers=headers)
    else:
        html = form.render()
    return {"page_title": _("Change my password"), "form": html, "in_account": True}
