"""Action authorisations: per module container and per action (``ModuleInfo.actions``:
create, support, vote, sign, register, answer, comment …), the verifications an admin
requires and conditions on their metadata. One mechanism every module uses:

    from beffroi.api import require_authorisation
    require_authorisation(request, container, "support", came_from=proposal_path)

A refused participant lands on a page (status 403) saying what is missing, with a link
to each verification that would do, carrying the page to come back to.

Requirements live on the container as ``container.action_authorisations``
(``PersistentMapping`` action → ``Requirement``), written by the space admins' page
``/-/admin/spaces/<space>/modules/<module>/permissions``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from pyramid.i18n import TranslationString

from beffroi.i18n import _
from beffroi.services.verification import model


@dataclass(frozen=True)
class Requirement:
    """What an action needs: ``methods`` (one granted is enough when ``any_method``,
    else every one) and conditions on the metadata they granted: ``postal_codes`` and
    ``districts`` (the value must be one of them; empty: any), ``min_age`` (full years,
    from the birth date; None: no condition)."""
    methods: tuple[str, ...]
    any_method: bool = True
    postal_codes: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    min_age: int | None = None


@dataclass(frozen=True)
class Authorisation:
    """The answer of ``authorise``: ``ok``; else ``reason`` (a translatable message for
    the participant), ``verify_url`` (where to verify, or to log in, coming back to
    ``came_from`` afterwards; None when verifying again would not help), ``missing``
    (method names that would do) and ``requirement``."""
    ok: bool
    reason: TranslationString | None = None
    verify_url: str | None = None
    missing: tuple[str, ...] = ()
    came_from: str = "/"
    requirement: Requirement | None = field(default=None, compare=False)


class AuthorisationRequired(Exception):
    """Raised by a view refusing an action (``require_authorisation``); the core shows
    the page saying what is missing (status 403), with links to verify."""

    def __init__(self, authorisation: Authorisation):
        self.authorisation = authorisation
        super().__init__(str(authorisation.reason))


def requirements_of(container) -> dict:
    """``{action: Requirement}`` set on ``container`` (empty: nothing required)."""
    return dict(getattr(container, "action_authorisations", None) or {})


def set_requirement(container, action, requirement: Requirement | None):
    """Store (or remove, with None) the requirement of ``action`` on ``container``."""
    from persistent.mapping import PersistentMapping
    current = getattr(container, "action_authorisations", None)
    if current is None:
        if requirement is None:
            return
        current = container.action_authorisations = PersistentMapping()
    if requirement is None:
        current.pop(action, None)
    else:
        current[action] = requirement


def _local_path(value):
    """``value`` (a path or an absolute URL) as a local path for ``came_from``."""
    parts = urlsplit(value or "/")
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def authorise(request, container, action, came_from=None) -> Authorisation:
    """May the participant of ``request`` do ``action`` in ``container`` (a
    ``ModuleContainer``) as far as verifications go? (Permissions are the views' own
    business.) Returns an ``Authorisation``; never raises.

    ``came_from``: the page to come back to after verifying (a local path or a URL of
    the site; default: the current page on GET, else the container's page).
    Verifications of another organisation never count."""
    requirement = requirements_of(container).get(action)
    if came_from is None:
        came_from = request.path_qs if request.method == "GET" else request.resource_url(container)
    came_from = _local_path(came_from)
    if requirement is None or not requirement.methods:
        return Authorisation(True, came_from=came_from)
    back = quote(came_from, safe="/")
    user = request.user
    if user is None:
        return Authorisation(False, _("Log in first: this action is for verified participants."),
                             f"{request.application_url}/-/login?came_from={back}",
                             requirement.methods, came_from, requirement)
    granted = model.granted_verifications(request.organisation, user.id)
    wanted = [m for m in requirement.methods]
    have = [m for m in wanted if m in granted]
    verify_url = (f"{request.application_url}/-/account/verifications?came_from={back}"
                  f"&methods={quote(','.join(wanted))}")
    if requirement.any_method and not have:
        return Authorisation(False, _("This action needs a verification of your identity."),
                             verify_url, tuple(wanted), came_from, requirement)
    if not requirement.any_method and len(have) < len(wanted):
        missing = tuple(m for m in wanted if m not in granted)
        return Authorisation(False, _("This action needs more verifications of your identity."),
                             verify_url, missing, came_from, requirement)
    reason = _conditions_refusal(requirement, [granted[m] for m in have])
    if reason is not None:
        return Authorisation(False, reason, None, (), came_from, requirement)
    return Authorisation(True, came_from=came_from, requirement=requirement)


def _merged(metadatas):
    out = {}
    for metadata in metadatas:
        for key, value in metadata.items():
            out.setdefault(key, value)
    return out


def _conditions_refusal(requirement, metadatas):
    """None when the metadata meets the conditions, else why not."""
    metadata = _merged(metadatas)
    if requirement.postal_codes:
        postal = metadata.get("postal_code", "")
        if not postal:
            return _("Your verification does not say your postal code, which this action needs.")
        if postal.upper() not in {p.upper() for p in requirement.postal_codes}:
            return _("This action is open to residents of the postal codes ${codes} only; "
                     "your verification says ${code}.",
                     mapping={"codes": ", ".join(requirement.postal_codes), "code": postal})
    if requirement.districts:
        district = metadata.get("district", "")
        if district.casefold() not in {d.casefold() for d in requirement.districts}:
            return _("This action is open to residents of ${districts} only.",
                     mapping={"districts": ", ".join(requirement.districts)})
    if requirement.min_age:
        birth = metadata.get("birth_date")
        if not birth:
            return _("Your verification does not say your age, which this action needs: "
                     "verify with a method that does.")
        if model.age_on(date.fromisoformat(birth)) < requirement.min_age:
            return _("This action is open to participants aged ${age} or more.",
                     mapping={"age": requirement.min_age})
    return None


def require_authorisation(request, container, action, came_from=None) -> Authorisation:
    """``authorise`` and raise ``AuthorisationRequired`` when refused; returns the
    ``Authorisation`` when granted."""
    answer = authorise(request, container, action, came_from)
    if not answer.ok:
        raise AuthorisationRequired(answer)
    return answer


def container_actions(request, container) -> tuple:
    """The actions the module of ``container`` declares (``ModuleInfo.actions``)."""
    info = request.registry.beffroi.modules.get(container.module_name)
    return tuple(info.actions) if info is not None else ()
