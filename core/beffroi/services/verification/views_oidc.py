"""OpenID Connect pages on every organisation's site: ``/-/oidc-login`` (log in with the
organisation's identity provider) and ``/-/oidc-callback`` (where the provider sends
the participant back, for a log-in or a verification)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import remember
from pyramid.view import view_config

from beffroi.i18n import _
from beffroi.resources.organisation import SiteTools
from beffroi.services.verification import model, oidc
from beffroi.views.site import safe_came_from


def _fail(request, message, where):
    request.session.flash(request.localizer.translate(message), "error")
    return HTTPFound(location=request.application_url + where)


@view_config(context=SiteTools, name="oidc-login", request_method="GET")
def oidc_login(context, request):
    """Send the visitor to the identity provider to log in (state kept in the session)."""
    settings = oidc.settings_of(context.organisation)
    if settings is None or not settings.get("login"):
        return _fail(request, _("Logging in with an identity provider is not offered here."),
                     "/-/login")
    try:
        url = oidc.start(request, "login", request.params.get("came_from", ""))
    except oidc.OIDCError as exc:
        return _fail(request, exc.message, "/-/login")
    return HTTPFound(location=url)


@view_config(context=SiteTools, name="oidc-callback", request_method="GET")
def oidc_callback(context, request):
    """Finish a log-in or a verification started here; every outcome is logged."""
    try:
        pending, claims = oidc.finish(request)
    except oidc.OIDCError as exc:
        where = "/-/account/verifications" if request.user is not None else "/-/login"
        return _fail(request, exc.message, where)
    came_from = pending.get("came_from") or ""
    if pending["purpose"] == "verify":
        user = request.user
        if user is None or user.id != pending.get("user"):
            return _fail(request, _("Log in again, then start the verification again."), "/-/login")
        try:
            oidc.verify(request, user.id, claims)
        except model.VerificationRefused as refused:
            return _fail(request, refused.message, "/-/account/verifications")
        return model.verification_done(request, came_from=came_from)
    try:
        user = oidc.account_for_login(request, claims)
    except model.VerificationRefused as refused:
        return _fail(request, refused.message, "/-/login")
    if user.blocked or user.deleted:
        return _fail(request, _("This account is not active."), "/-/login")
    if model.record_of(request.organisation, user.id, oidc.METHOD) is None or \
            not model.record_of(request.organisation, user.id, oidc.METHOD).is_granted:
        oidc.verify(request, user.id, claims)
    else:                 # claims may have changed (a move): keep the metadata current
        model.record_of(request.organisation, user.id, oidc.METHOD).metadata = oidc.metadata_of(claims)
    model.log(request, "oidc_login", user.id, oidc.METHOD)
    headers = remember(request, user.id)
    return HTTPFound(location=safe_came_from(request, came_from or "/"), headers=headers)
