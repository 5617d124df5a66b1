"""Site-level pages under ``/-/``: health, plugin listing, language switch, branding."""
from __future__ import annotations

import logging
import re
import time

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import FileResponse, Response
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
    """``{"status": "ok"}`` (or 503 ``"error"``) to anyone; details (``beffroi.health``)
    to system admins and to the addresses of ``beffroi.health_details_from``."""
    from beffroi.health import address_in, health_details
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
        logging.getLogger("beffroi.health").warning("health check failed", exc_info=True)
        request.response.status_int = 503
        status = {"status": "error"}
    request.response.cache_control = "no-store"
    return status


@view_config(route_name="plugins", renderer="json", request_method="GET")
def plugins_json(request):
    from beffroi.hookspecs import PLUGIN_API_VERSION
    return {"api_version": PLUGIN_API_VERSION, "plugins": request.registry.beffroi.describe()}


def safe_came_from(request, value):
    """Only local paths: never redirect somewhere else (open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return request.application_url + "/"
    return request.application_url + value


@view_config(context=SiteTools, name="lang", request_method="GET")
def switch_language(context, request):
    wanted = request.params.get("l")
    response = HTTPFound(location=safe_came_from(request, request.params.get("came_from")))
    if wanted in context.organisation.locales:
        response.set_cookie(LOCALE_COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
        user = request.user
        if user is not None and user.locale != wanted:
            user.locale = wanted
    return response


@view_config(context=SiteTools, name="branding.css", request_method="GET")
def branding_css(context, request):
    colour = context.organisation.primary_colour
    if not COLOUR_RE.match(colour or ""):
        colour = "#1f5fa8"
    body = f":root {{ --primary: {colour}; --primary-contrast: {contrast_for(colour)}; }}\n"
    return Response(body, content_type="text/css", charset="utf-8",
                    cache_control="public, max-age=300")


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
