"""Creating and changing organisations (tenants): one place for the rules on hosts."""
from __future__ import annotations

import functools
import re
import zoneinfo

from beffroi.resources.folder import slugify
from beffroi.resources.organisation import LOCALES, REGISTRATION_MODES, Organisation
from beffroi.tenancy import normalise_host

HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class OrganisationError(ValueError):
    """Bad organisation data: the message says which field and why."""


def check_host(app_root, host, organisation=None):
    host = normalise_host(host)
    if not HOST_RE.match(host):
        raise OrganisationError(f"{host!r} is not a valid host name (example: commune.example.org)")
    owner = app_root.hosts.get(host)
    if owner is not None and (organisation is None or owner != organisation.id):
        raise OrganisationError(f"the host {host!r} is already used by another organisation")
    return host


@functools.lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names known to this system (``zoneinfo``)."""
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(name: str) -> str:
    """``name`` if it is an IANA time zone name (``Europe/Paris``), else OrganisationError."""
    name = (name or "").strip()
    if name not in time_zone_names():
        raise OrganisationError(f"{name!r} is not a known time zone; give an IANA name such "
                                f"as Europe/Paris or America/Cayenne")
    return name


def create_organisation(app_root, name, host, secondary_hosts=(), locales=LOCALES,
                        default_locale=None, registration_mode="open", allowed_plugins=(),
                        time_zone="Europe/Paris"):
    """Create an organisation answering on ``host`` (and ``secondary_hosts``, redirected);
    dates are shown in ``time_zone`` (an IANA name)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise OrganisationError("the name is required (200 characters at most)")
    locales = tuple(locales) or LOCALES
    bad = [loc for loc in locales if loc not in LOCALES]
    if bad:
        raise OrganisationError(f"unsupported locales {bad}; available: {list(LOCALES)}")
    default_locale = default_locale or locales[0]
    if default_locale not in locales:
        raise OrganisationError(f"the default locale {default_locale!r} must be one of {list(locales)}")
    if registration_mode not in REGISTRATION_MODES:
        raise OrganisationError(f"registration mode must be one of {list(REGISTRATION_MODES)}")
    time_zone = check_time_zone(time_zone)
    hosts = [check_host(app_root, h) for h in (host, *secondary_hosts)]
    if len(set(hosts)) != len(hosts):
        raise OrganisationError("a host is given twice")
    org = Organisation(name, hosts[0], hosts[1:], locales, default_locale, timezone=time_zone)
    org.registration_mode = registration_mode
    org.allowed_plugins.update(allowed_plugins)
    oid = app_root.organisations.unique_name(slugify(name) or "organisation")
    app_root.organisations.add(oid, org)
    org.id, org.__name__, org.__parent__ = oid, "", None
    for h in hosts:
        app_root.hosts[h] = oid
    return org


def set_hosts(app_root, organisation, host, secondary_hosts=()):
    hosts = [check_host(app_root, h, organisation) for h in (host, *secondary_hosts)]
    if len(set(hosts)) != len(hosts):
        raise OrganisationError("a host is given twice")
    for old in organisation.all_hosts():
        app_root.hosts.pop(old, None)
    organisation.host, organisation.secondary_hosts = hosts[0], tuple(hosts[1:])
    for h in hosts:
        app_root.hosts[h] = organisation.id


def find_organisation(app_root, key):
    """An organisation by id or by one of its hosts."""
    org = app_root.organisations.get(key)
    if org is None:
        org = app_root.organisation_for_host(normalise_host(key))
    if org is None:
        raise OrganisationError(f"no organisation with id or host {key!r}")
    return org
