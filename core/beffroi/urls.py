"""Absolute addresses that leave the request: links in mail and digests.

A link in a mail must work later, from anywhere, and must not carry what a visitor
put in their ``Host`` header (a forged port or host in a password-reset link). So it
is built from configuration only: the organisation's primary host, the platform's
scheme (``beffroi.url_scheme``, default ``https``) and, when the public port is not
the scheme's default, ``beffroi.url_port`` (e.g. 6543 for ``make serve``).
Pages and redirects keep using the request (``request.application_url``).
"""
from __future__ import annotations

DEFAULT_PORTS = {"http": "80", "https": "443"}


class URLSettingError(ValueError):
    """``beffroi.url_scheme`` or ``beffroi.url_port`` is not usable; says which."""


def public_base(settings, host) -> str:
    """``scheme://host[:port]`` of ``host`` from the settings, without a trailing slash.

    Raises ``URLSettingError`` when ``beffroi.url_scheme`` is not http or https or
    ``beffroi.url_port`` is not a port number."""
    scheme = (settings.get("beffroi.url_scheme") or "https").strip().lower()
    if scheme not in DEFAULT_PORTS:
        raise URLSettingError(f"beffroi.url_scheme = {scheme!r}: use http or https")
    port = str(settings.get("beffroi.url_port") or "").strip()
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise URLSettingError(f"beffroi.url_port = {port!r}: use a port number, or leave it empty")
    netloc = host if not port or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def organisation_url(settings, organisation, path="/") -> str:
    """The absolute URL of ``path`` (starting with ``/``) on ``organisation``'s primary
    host, for links in mail: ``organisation_url(settings, org, "/-/login")`` →
    ``"https://lys.example.org/-/login"``. Never uses the request's host or port."""
    if not path.startswith("/"):
        path = "/" + path
    return public_base(settings, organisation.host) + path


def mail_url(request, path="/") -> str:
    """``organisation_url`` for the request's organisation and settings."""
    return organisation_url(request.registry.settings, request.organisation, path)
