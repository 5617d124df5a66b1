"""Figures of participation for an organisation's administrators.

What counts as a contribution: every public content object with a creator inside a
module of a space (proposals, debates, pages, comments …), plus what modules declare
through ``ModuleInfo.statistics`` (supports, votes, answers, registrations: acts that
are not content objects). A participant is a person with at least one contribution;
an account is a confirmed, not deleted account. Territories are the item's own
``scope``/``territory`` when it has one, else its space's territory.

Figures are computed by walking the organisation's spaces (cost proportional to the
number of contributions) and kept ``CACHE_SECONDS`` per process, so an admin page
view costs a dictionary lookup; the page says when they were computed.

A commune may share its figures with other organisations of the installation (a
metropolis): ``Organisation.statistics_shared_with`` holds the ids of the organisations
allowed to read them, set by the commune's administrators only. Which organisations a
platform hosts is not for every tenant to learn: an organisation appears in the others'
list of possible readers only when its own administrators listed it
(``Organisation.statistics_listed``, off by default); one already chosen stays in the
chooser's list, so the choice can be taken back.
"""
from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from beffroi.resources.folder import Content, Folder, now

CACHE_SECONDS = 600
MONTHS = 12
_cache: dict = {}
_lock = threading.Lock()


@dataclass
class Figures:
    """The statistics of one organisation (plain data, safe to cache across requests).

    Lists of rows are ``(label, count)`` sorted by count, largest first, except the
    monthly series ``(YYYY-MM, new accounts, contributions)``, oldest first, which cover
    the last ``MONTHS`` months in the organisation's time zone."""
    organisation_id: str
    organisation_name: str
    computed: datetime
    accounts: int = 0
    participants: int = 0
    contributions: int = 0
    verified: int | None = None
    by_module: list = field(default_factory=list)
    by_space: list = field(default_factory=list)      # (title, contributions, participants)
    #: ``by_space`` without the spaces a visitor cannot see (unpublished, private): what
    #: another organisation reading these figures gets (``for_others``)
    public_by_space: list = field(default_factory=list)
    by_territory: list = field(default_factory=list)
    by_month: list = field(default_factory=list)

    def for_others(self) -> "Figures":
        """These figures as another organisation may read them: no row names a space
        that is unpublished or not public (totals stay: they name nothing)."""
        from dataclasses import replace
        return replace(self, by_space=list(self.public_by_space))

    def rows(self):
        """Every figure as ``{"figure", "label", "value"}`` rows (the CSV export)."""
        out = [{"figure": "accounts", "label": "", "value": self.accounts},
               {"figure": "participants", "label": "", "value": self.participants},
               {"figure": "contributions", "label": "", "value": self.contributions}]
        if self.verified is not None:
            out.append({"figure": "verified_participants", "label": "", "value": self.verified})
        out += [{"figure": "contributions_by_module", "label": label, "value": count}
                for label, count in self.by_module]
        out += [{"figure": "contributions_by_space", "label": label, "value": count}
                for label, count, _people in self.by_space]
        out += [{"figure": "participants_by_space", "label": label, "value": people}
                for label, _count, people in self.by_space]
        out += [{"figure": "contributions_by_territory", "label": label, "value": count}
                for label, count in self.by_territory]
        for month, accounts, contributions in self.by_month:
            out.append({"figure": "new_accounts_by_month", "label": month, "value": accounts})
            out.append({"figure": "contributions_by_month", "label": month, "value": contributions})
        return out


def _zone(organisation):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        return ZoneInfo(getattr(organisation, "timezone", "") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def _months(today, count=MONTHS):
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def contents_within(obj, depth=0):
    """Every ``Content`` under ``obj`` (folders walked, comments included), whatever
    its state: callers check ``is_public`` when they need it."""
    if depth > 12:
        return
    if isinstance(obj, Content):
        yield obj
    if isinstance(obj, Folder):
        for child in obj.values():
            if isinstance(child, (Content, Folder)):
                yield from contents_within(child, depth + 1)
    if isinstance(obj, Content):
        from beffroi.services.comments.model import comment_folder
        comments = comment_folder(obj)
        if comments is not None:
            yield from contents_within(comments, depth + 1)


def _territory(item, space):
    for name in ("territory", "scope"):
        value = getattr(item, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return (getattr(space, "scope", "") or "").strip()


def compute(organisation, plugins=None, verified_count=None) -> Figures:
    """The figures of ``organisation`` now (see the module docstring); ``plugins`` (the
    ``PluginSet``) gives the modules' titles and ``statistics`` declarations;
    ``verified_count(organisation) -> int`` the number of verified participants."""
    from beffroi.visibility import is_public
    zone = _zone(organisation)
    months = _months(now().astimezone(zone))
    first_month = months[0]
    figures = Figures(organisation.id, organisation.name, now())
    new_accounts = Counter()
    for user in organisation.users.values():
        if user.deleted or not user.confirmed:
            continue
        figures.accounts += 1
        if user.created is not None:
            month = user.created.astimezone(zone).strftime("%Y-%m")
            if month >= first_month:
                new_accounts[month] += 1
    modules = getattr(plugins, "modules", {}) or {}
    people = set()
    by_module, by_territory, by_month = Counter(), Counter(), Counter()
    by_space, public_by_space = [], []

    def count(module_title, person, when, territory, space_people):
        nonlocal total
        total += 1
        by_module[module_title] += 1
        by_territory[territory] += 1
        if person:
            people.add(person)
            space_people.add(person)
        if when is not None:
            month = when.astimezone(zone).strftime("%Y-%m")
            if month >= first_month:
                by_month[month] += 1

    for space in organisation.spaces.values():
        total = 0
        space_people: set = set()
        for name, container in space.modules.items():
            info = modules.get(name)
            title = info.title if info is not None else name
            for item in contents_within(container):
                if item.creator and is_public(item):
                    count(title, item.creator, item.created, _territory(item, space), space_people)
            declared = getattr(info, "statistics", None) if info is not None else None
            if declared is not None:
                for act in declared(container) or ():
                    count(title, act.person, act.when, act.territory
                          or (getattr(space, "scope", "") or ""), space_people)
        figures.contributions += total
        by_space.append((space.title, total, len(space_people)))
        if space.published and getattr(space, "visibility", "public") == "public":
            public_by_space.append((space.title, total, len(space_people)))
    figures.participants = len(people)
    figures.by_module = by_module.most_common()
    figures.by_space = sorted(by_space, key=lambda row: (-row[1], str(row[0])))
    figures.public_by_space = sorted(public_by_space, key=lambda row: (-row[1], str(row[0])))
    figures.by_territory = by_territory.most_common()
    figures.by_month = [(m, new_accounts[m], by_month[m]) for m in months]
    if verified_count is not None:
        figures.verified = verified_count(organisation)
    return figures


def figures_of(organisation, plugins=None, fresh=False, verified_count=None) -> Figures:
    """``compute`` kept ``CACHE_SECONDS`` in this process (``fresh`` recomputes)."""
    key = organisation.id
    with _lock:
        hit = _cache.get(key)
    if hit is not None and not fresh and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    figures = compute(organisation, plugins, verified_count)
    with _lock:
        _cache[key] = (time.monotonic(), figures)
    return figures


def shared_with(organisation) -> tuple[str, ...]:
    return tuple(getattr(organisation, "statistics_shared_with", ()) or ())


def set_shared_with(organisation, ids) -> None:
    """Allow the organisations ``ids`` (never itself) to read ``organisation``'s figures."""
    ids = tuple(sorted(set(ids) - {organisation.id}))
    if ids != shared_with(organisation):
        organisation.statistics_shared_with = ids


def is_listed(organisation) -> bool:
    """Did ``organisation``'s administrators let the others of the installation see its
    name, to share their figures with it?"""
    return bool(getattr(organisation, "statistics_listed", False))


def set_listed(organisation, listed: bool) -> None:
    if bool(listed) != is_listed(organisation):
        organisation.statistics_listed = bool(listed)


def possible_readers(app_root, organisation) -> list:
    """The organisations ``organisation`` may share its figures with, by name: those
    listed by their administrators, and those it chose already. No other name of the
    installation is shown to a tenant."""
    chosen = set(shared_with(organisation))
    return sorted((org for org in app_root.organisations.values()
                   if org is not organisation and (is_listed(org) or org.id in chosen)),
                  key=lambda org: org.name.lower())


def sharing_with_me(app_root, organisation) -> list:
    """The other organisations of the installation that share their figures with
    ``organisation``, by name."""
    return sorted((org for org in app_root.organisations.values()
                   if org is not organisation and organisation.id in shared_with(org)),
                  key=lambda org: org.name.lower())
