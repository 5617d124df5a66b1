"""Host → organisation, in one function. Every request's lookups start from there."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid_zodbconn import get_connection

from beffroi.resources.root import get_app_root


class UnknownHost(HTTPNotFound):
    """A host no organisation answers to; the page names no organisation."""


def normalise_host(host: str) -> str:
    host = (host or "").strip().lower().rstrip(".")
    if host.startswith("["):                      # IPv6 literal
        return host.split("]")[0] + "]"
    return host.split(":")[0]


def resolve_host(app_root, host):
    """Return ``(organisation, is_primary)`` for ``host``, or ``(None, False)``."""
    host = normalise_host(host)
    org = app_root.organisation_for_host(host)
    if org is None:
        return None, False
    return org, host == org.host


def request_organisation(request):
    """The organisation of ``request`` (reified as ``request.organisation``).

    Raises a neutral 404 for an unknown host and a 301 to the primary host for a
    secondary one."""
    app_root = get_app_root(get_connection(request))
    org, primary = resolve_host(app_root, request.host)
    if org is None:
        raise UnknownHost()
    if not primary:
        port = request.host_port
        default = {"http": "80", "https": "443"}.get(request.scheme)
        netloc = org.host if port in (default, None) else f"{org.host}:{port}"
        url = f"{request.scheme}://{netloc}{request.path_qs}"
        raise HTTPMovedPermanently(location=url)
    return org


def root_factory(request):
    """Traversal root: the request's organisation, never the application root."""
    return request.organisation
