"""Site-level pages under ``/-/``: health, plugin listing, language switch, branding."""
from __future__ import annotations

import logging
import re
import time
from urllib.parse import quote, urlsplit

from pyramid.csrf import check_csrf_token
from pyramid.exceptions import BadCSRFOrigin
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import FileResponse, Response
from pyramid.settings import asbool
from pyramid.view import view_config
from pyramid_zodbconn import get_connection

from beffroi.i18n import LOCALE_COOKIE
from beffroi.resources.organisation import SiteTools
from beffroi.resources.root import ROOT_KEY

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class Platform:
    """Context of platform-wide routes that answer whatever the host (health, plugins)."""
    __parent__ = None
    __name__ = ""

    def __init__(self, request):
        self.request = request


@view_config(route_name="health", renderer="json", request_method="GET")
def health(request):
    """``{"status": "ok"}`` (or 503 ``"error"``) to anyone; details (``beffroi.ops.health``)
    to system admins and to the addresses of ``beffroi.health_details_from``."""
    from beffroi.ops.health import address_in, health_details
    from beffroi.security import current_system_admin
    started = time.perf_counter()
    conn = get_connection(request)
    status = {"status": "ok"}
    try:
        conn.root()[ROOT_KEY]
        networks = getattr(request.registry, "beffroi_health_networks", ())
        if address_in(request.remote_addr, networks) or current_system_admin(request) is not None:
            status.update(health_details(conn))
            status["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
    except Exception:  # health must answer, not raise, and tell nothing to strangers
        logging.getLogger("beffroi.ops.health").warning("health check failed", exc_info=True)
        request.response.status_int = 503
        status = {"status": "error"}
    request.response.cache_control = "no-store"
    return status


@view_config(route_name="plugins", renderer="json", request_method="GET")
def plugins_json(request):
    from beffroi.hookspecs import PLUGIN_API_VERSION
    return {"api_version": PLUGIN_API_VERSION, "plugins": request.registry.beffroi.describe()}


#: Characters a local path may keep as they are in a Location header; the rest is
#: percent-encoded (non-ASCII letters) or refused (control characters).
_PATH_SAFE = "/?&=%#:@!$'()*+,;~-._"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_came_from(request, value):
    """An absolute URL on this site for a redirect to ``value``: only local paths
    (never somewhere else: no open redirect), without control characters (a CR/LF
    would split the header); anything else gives the home page."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") \
            or "\\" in value or _CONTROL.search(value) or len(value) > 2000:
        return request.application_url + "/"
    return request.application_url + quote(value, safe=_PATH_SAFE)


@view_config(context=SiteTools, name="lang", request_method="GET")
def language_page(context, request):
    """Old links to ``/-/lang?l=…`` change nothing (a GET never writes): they are sent
    back to the page, where the language switch is a form."""
    return HTTPFound(location=safe_came_from(request, request.params.get("came_from")))


@view_config(context=SiteTools, name="lang", request_method="POST", require_csrf=False)
def switch_language(context, request):
    """The language switch (a form on every page). The choice goes in a cookie and,
    for a logged-in participant, in their profile.

    Anonymous pages are the same for everyone (cached), so their form carries no
    per-visitor CSRF token: a cross-site post is refused by its ``Origin`` (or
    ``Referer``) instead. Logged-in pages carry the session's token, checked as on
    every form."""
    if not same_origin(request):
        raise BadCSRFOrigin("the language switch was posted from another site")
    user = request.user
    if user is not None:
        check_csrf_token(request)
    wanted = request.POST.get("l")
    response = HTTPFound(location=safe_came_from(request, request.POST.get("came_from")))
    if wanted in context.organisation.locales:
        response.set_cookie(LOCALE_COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=asbool(
                                request.registry.settings.get("beffroi.secure_cookies", False)))
        if user is not None and user.locale != wanted:
            user.locale = wanted
    return response


def same_origin(request):
    """Does the ``Origin`` (or else the ``Referer``) header name this site's host?
    Requests with neither (not sent by a browser on a cross-site form post) pass. The
    scheme is not compared: behind a TLS proxy the app may see http for https."""
    origin = request.headers.get("Origin")
    source = origin if origin not in (None, "null") else request.headers.get("Referer")
    if not source:
        return origin is None              # "null" (a sandboxed or privacy-hidden origin) fails
    return urlsplit(source).netloc.lower() == request.host.lower()


@view_config(context=SiteTools, name="branding.css", request_method="GET")
def branding_css(context, request):
    colour = context.organisation.primary_colour
    if not COLOUR_RE.match(colour or ""):
        colour = "#1f5fa8"
    body = f":root {{ --primary: {colour}; --primary-contrast: {contrast_for(colour)}; }}\n"
    # the layout links it with ?v=<version of the colour>: a change shows at once, and a
    # versioned URL may be kept for a year; an unversioned one only five minutes
    versioned = request.params.get("v") == branding_version(context.organisation)
    return Response(body, content_type="text/css", charset="utf-8",
                    cache_control="public, max-age=31536000, immutable" if versioned
                    else "public, max-age=300")


def branding_version(organisation) -> str:
    """A short digest of what ``branding.css`` holds for ``organisation``."""
    import hashlib
    return hashlib.sha256((organisation.primary_colour or "").encode()).hexdigest()[:10]


def contrast_for(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour`` (WCAG luminance)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if luminance > 0.179 else "#ffffff"


@view_config(context=SiteTools, name="logo", request_method="GET")
def logo(context, request):
    org = context.organisation
    if org.logo is None:
        raise HTTPNotFound()
    response = FileResponse(org.logo.committed(), request=request,
                            content_type=org.logo_type or "application/octet-stream")
    response.cache_control = "public, max-age=300"
    return response
