"""Moderation: participants report content, moderators hide or restore it.

Any ``Content`` can be reported once per participant (reasons below, optional text).
After ``organisation.moderation_threshold`` reports (default 3) it is hidden
automatically; moderators of its space (and organisation admins) see a queue and hide
or restore. Modules call ``is_hidden(content)`` when they list content; the content's
own URL answers "hidden by moderation" to everyone but moderators (``views/moderation_views``).

Storage: one ``Moderation`` object per organisation holds a ``Case`` per reported or
hidden content, keyed by ``(space slug, case id)`` so a space's queue is a range query.
Reports are per-user BTree entries with a ``Length`` counter: concurrent reports of the
same content merge instead of conflicting.
"""
from __future__ import annotations

import uuid

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.services.actionlog import model as actionlog
from beffroi.forms import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from beffroi.i18n import _
from beffroi.resources.folder import now
from beffroi.resources.space import Space

REASONS = ("spam", "offensive", "off-topic")
REASON_TITLES = {"spam": _("Spam"), "offensive": _("Offensive"), "off-topic": _("Off-topic")}
DETAILS_MAX = 1000
DEFAULT_THRESHOLD = 3


class ModerationError(ValueError):
    """A report that cannot be taken (bad reason, second report by the same person)."""


class Report:
    """One participant's report (immutable, stored inside the case's BTree)."""

    def __init__(self, user_id, reason, details):
        self.user_id = user_id
        self.reason = reason
        self.details = details
        self.created = now()


class Case(Persistent):
    """Everything moderation knows of one content object."""

    def __init__(self, content, space_slug):
        self.id = uuid.uuid4().hex[:12]
        self.content = content
        self.space_slug = space_slug
        self.reports = OOBTree()          # user id → Report
        self.count = Length()
        self.hidden = False
        self.hidden_automatically = False
        self.decided_by = None            # user id of the last moderator acting
        self.decided = None
        self.restored_at_count = 0        # reports already weighed by a moderator's restore
        self.created = now()

    @property
    def key(self):
        return (self.space_slug, self.id)

    def reasons(self):
        """Reason → number of reports, for the queue."""
        out = {}
        for report in self.reports.values():
            out[report.reason] = out.get(report.reason, 0) + 1
        return out


class Moderation(Persistent):
    """The cases of one organisation."""

    def __init__(self):
        self.cases = OOBTree()            # (space slug, case id) → Case

    def cases_of_space(self, slug):
        """Cases of one space (``""``: content outside every space)."""
        return list(self.cases.values(min=(slug, ""), max=(slug, "\uffff")))

    def all_cases(self):
        return list(self.cases.values())


def moderation_of(organisation, create=False):
    """The organisation's moderation data; created on first report only."""
    return organisation.part("moderation", Moderation, create)


def threshold_of(organisation):
    value = getattr(organisation, "moderation_threshold", None)
    return value if isinstance(value, int) and value > 0 else DEFAULT_THRESHOLD


def space_slug_of(content):
    """The slug of the space holding ``content``, or "" outside every space."""
    from pyramid.traversal import find_interface
    space = find_interface(content, Space) if content is not None else None
    return (space.__name__ or "") if space is not None else ""


def case_of(content, organisation=None, create=False):
    """The moderation case of ``content`` (None when never reported nor hidden)."""
    case = getattr(content, "moderation_case", None)
    if case is None and create:
        mod = moderation_of(organisation, create=True)
        case = Case(content, space_slug_of(content))
        mod.cases[case.key] = case
        content.moderation_case = case
    return case


def content_title(content):
    """A short label for the queue and the log."""
    for attr in ("title", "name"):
        value = getattr(content, attr, None)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    text = getattr(content, "text", None) or getattr(content, "body", None) or ""
    return str(text)[:80] or getattr(content, "__name__", "") or "?"


def hidden_in_space(organisation, space_slug) -> list:
    """The content of space ``space_slug`` hidden by moderation, read from the
    organisation's moderation cases (usually a handful; no content is searched)."""
    moderation = moderation_of(organisation)
    if moderation is None:
        return []
    return [case.content for case in moderation.cases_of_space(space_slug) if case.hidden]


def is_hidden(content) -> bool:
    """Is ``content`` itself hidden by moderation? Cheap: one attribute, no lookup.
    Whether a visitor may see it (its lineage, deletion, publication included) is
    ``beffroi.visibility``'s answer."""
    return bool(getattr(content, "hidden_by_moderation", False))


def visible_to(request, items):
    """``items`` that the person of ``request`` may read — what a module's listing
    shows (``beffroi.visibility.is_public_to``: moderators also see hidden content)."""
    from beffroi.visibility import is_public_to
    return [item for item in items if is_public_to(request, item)]


def is_hidden_in_lineage(context):
    """The nearest hidden content in the lineage of ``context`` (a hidden proposal hides
    its comments and sub-pages too), or None."""
    from pyramid.location import lineage
    return next((node for node in lineage(context) if is_hidden(node)), None) \
        if context is not None else None


def report(request, content, reason, details=""):
    """Record the logged-in participant's report of ``content``; hide it when the
    organisation's threshold is reached. Returns the case.

    Raises ``ModerationError`` on an unknown reason, an over-long text, no participant,
    or a second report by the same person."""
    user = request.user
    if user is None:
        raise ModerationError(_("Log in to report content."))
    if reason not in REASONS:
        raise ModerationError(_("Choose a reason from the list."))
    details = (details or "").strip()
    if has_control_characters(details):
        raise ModerationError(CONTROL_CHARACTERS_MESSAGE)
    if len(details) > DETAILS_MAX:
        raise ModerationError(_("The explanation is too long (1000 characters at most)."))
    existing = case_of(content)
    if existing is not None and user.id in existing.reports:
        raise ModerationError(_("You have already reported this content."))
    organisation = request.organisation
    case = case_of(content, organisation, create=True)
    case.reports[user.id] = Report(user.id, reason, details)
    case.count.change(1)
    fresh = case.count() - case.restored_at_count
    if not case.hidden and fresh >= threshold_of(organisation):
        _set_hidden(case, True, None)
        case.hidden_automatically = True
        actionlog.record(request, "moderation.auto_hide", content_title(content),
                         space=case.space_slug, reports=case.count())
    return case


def _set_hidden(case, hidden, user_id):
    was_hidden = is_hidden(case.content)
    case.hidden = hidden
    case.content.hidden_by_moderation = hidden
    case.decided_by = user_id
    case.decided = now()
    # content that keeps counts of what visitors can read (comments) updates them
    callback = getattr(case.content, "moderation_changed", None)
    if callback is not None and was_hidden != bool(hidden):
        callback(was_hidden)
    from beffroi.services.search import changes
    changes.changed(case.content)          # the search shows it to moderators only, or again


def hide(request, content):
    """Hide ``content`` (a moderator's decision), recorded in the action log."""
    case = case_of(content, request.organisation, create=True)
    _set_hidden(case, True, request.user.id if request.user else None)
    case.hidden_automatically = False
    actionlog.record(request, "moderation.hide", content_title(content), space=case.space_slug)
    return case


def restore(request, content):
    """Show ``content`` again. Its reports are kept; only reports made after this
    decision count towards hiding it automatically again."""
    case = case_of(content, request.organisation, create=True)
    _set_hidden(case, False, request.user.id if request.user else None)
    case.hidden_automatically = False
    case.restored_at_count = case.count()
    actionlog.record(request, "moderation.restore", content_title(content), space=case.space_slug)
    return case
