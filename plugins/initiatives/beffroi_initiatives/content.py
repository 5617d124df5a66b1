"""Citizen initiatives (petitions): types defined by the space's administrators, and the
life of an initiative from its promoters to the answer.

States, in order (``Initiative.state(today)``):

- ``created``: written by its author, who gathers promoters (the committee); shown to
  them and to the space's staff only;
- ``validating``: submitted for technical review (needs the type's number of promoters);
- ``discarded``: refused at review, with the reason;
- ``published``: collecting signatures between ``signature_start`` and ``signature_end``
  (dates in the organisation's time zone, inclusive);
- after the end date: ``accepted`` when the signatures reached the threshold, else
  ``rejected``. The space's administrators may answer at any time after publication.

Signatures count once per person: ``signatures`` is a BTree keyed by the signer's id
(two concurrent signatures by one person write the same key and conflict, the retry
sees the first), the total a conflict-free ``Length``. Paper signatures are counts
entered by staff, counted only once a second, different staff member has checked them.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.api import Content, index_content, now, render_markdown, slugify

TITLE_MAX = 150
TEXT_MAX = 20_000
PUBLIC_STATES = ("published", "accepted", "rejected")


class InitiativeError(ValueError):
    """An action the initiative's state or rules refuse; ``message`` is translatable."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class InitiativeType(Persistent):
    """A kind of initiative the space offers, with its rules."""

    def __init__(self, title, description="", signatures_required=100, duration_days=90,
                 promoters_required=2, territory="", verification_required=True):
        self.id = uuid.uuid4().hex[:10]
        self.title = title
        self.description = description
        self.signatures_required = signatures_required
        self.duration_days = duration_days
        self.promoters_required = promoters_required
        self.territory = territory
        self.verification_required = verification_required

    def update(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


class PaperCount(Persistent):
    """Signatures collected on paper, entered by one staff member, checked by another."""

    def __init__(self, count, entered_by, note=""):
        self.id = uuid.uuid4().hex[:10]
        self.count = count
        self.note = note
        self.entered_by = entered_by
        self.entered = now()
        self.checked_by = None
        self.checked = None


class Initiative(Content):
    commentable = True
    status = "created"
    submitted = None
    review_reason = ""
    reviewed_by = None
    signature_start = None
    signature_end = None
    threshold_reached = None
    answer = ""
    answered = None

    def __init__(self, title, description, type_id, territory="", creator=None):
        super().__init__(creator)
        self.title = title
        self.description = description            # Markdown
        self.type_id = type_id
        self.territory = territory
        self.promoters = OOTreeSet([creator] if creator else [])
        self.signatures = OOBTree()                # user id → datetime
        self.signature_count = Length()
        self.paper = PersistentList()              # PaperCount

    # -- reading ----------------------------------------------------------------------------
    @property
    def description_html(self) -> str:
        return render_markdown(self.description, "body")

    def state(self, today) -> str:
        if self.status != "published":
            return self.status
        if self.signature_end is not None and today > self.signature_end:
            return "accepted" if self.threshold_reached else "rejected"
        return "published"

    @property
    def published(self) -> bool:
        """Past review: the core's visibility rules show it to visitors (before, only its
        promoters and the space's staff see it)."""
        return self.status == "published"

    def paper_total(self) -> int:
        return sum(p.count for p in self.paper if p.checked is not None)

    def total(self) -> int:
        """Online signatures plus checked paper signatures."""
        return self.signature_count() + self.paper_total()

    def has_signed(self, user_id) -> bool:
        return bool(user_id) and user_id in self.signatures

    def collecting(self, today) -> bool:
        return (self.state(today) == "published" and self.signature_start is not None
                and self.signature_start <= today)

    def edit(self, title, description, territory):
        if self.status not in ("created", "validating"):
            raise InitiativeError("published")
        self.title, self.description, self.territory = title, description, territory
        self.touch()


def types_of(container) -> OOBTree:
    """The container's initiative types (id → InitiativeType), made on first use."""
    types = getattr(container, "initiative_types", None)
    if types is None:
        types = container.initiative_types = OOBTree()
    return types


def add_type(container, **values) -> InitiativeType:
    kind = InitiativeType(**values)
    types_of(container)[kind.id] = kind
    return kind


def type_of(initiative):
    container = initiative.__parent__
    types = getattr(container, "initiative_types", None)
    return types.get(initiative.type_id) if types is not None else None


def add_initiative(container, title, description, type_id, territory="", creator=None):
    """Create an initiative (state ``created``) in ``container`` and index it."""
    initiative = Initiative(title, description, type_id, territory, creator)
    container.add(container.unique_name(slugify(title) or "initiative"), initiative)
    index_content(initiative)
    return initiative


def join(initiative, user_id) -> bool:
    """Add ``user_id`` to the promoters while the initiative is being prepared."""
    if initiative.status != "created":
        raise InitiativeError("joining")
    if user_id in initiative.promoters:
        return False
    initiative.promoters.insert(user_id)
    return True


def submit(initiative):
    """Send the initiative for technical review; needs the type's number of promoters."""
    kind = type_of(initiative)
    if initiative.status != "created":
        raise InitiativeError("state")
    if kind is not None and len(initiative.promoters) < kind.promoters_required:
        raise InitiativeError("promoters")
    initiative.status = "validating"
    initiative.submitted = now()


def publish_initiative(initiative, reviewer_id, today):
    """Accept at review: signatures are collected from ``today`` for the type's duration."""
    if initiative.status != "validating":
        raise InitiativeError("state")
    kind = type_of(initiative)
    initiative.status = "published"
    initiative.reviewed_by = reviewer_id
    initiative.signature_start = today
    initiative.signature_end = today + timedelta(days=max(1, kind.duration_days if kind else 90) - 1)
    index_content(initiative)


def discard(initiative, reviewer_id, reason):
    if initiative.status != "validating":
        raise InitiativeError("state")
    initiative.status = "discarded"
    initiative.reviewed_by = reviewer_id
    initiative.review_reason = reason


def send_back(initiative, reviewer_id, reason):
    """Return the initiative to its promoters with a remark, for changes."""
    if initiative.status != "validating":
        raise InitiativeError("state")
    initiative.status = "created"
    initiative.reviewed_by = reviewer_id
    initiative.review_reason = reason


def _check_threshold(initiative) -> bool:
    """Record the moment the threshold is first reached; True then (to notify)."""
    kind = type_of(initiative)
    if (initiative.threshold_reached is None and kind is not None
            and initiative.total() >= kind.signatures_required):
        initiative.threshold_reached = now()
        return True
    return False


def sign(initiative, user_id, today) -> bool:
    """Record ``user_id``'s signature; returns True when this signature made the
    initiative reach its threshold. Raises ``InitiativeError("closed")`` outside the
    signature period and ``InitiativeError("signed")`` for a second signature."""
    if not initiative.collecting(today):
        raise InitiativeError("closed")
    if user_id in initiative.signatures:
        raise InitiativeError("signed")
    initiative.signatures[user_id] = now()
    initiative.signature_count.change(1)
    return _check_threshold(initiative)


def unsign(initiative, user_id, today) -> bool:
    """Withdraw a signature while collecting (before the threshold is reached)."""
    if not initiative.collecting(today) or user_id not in initiative.signatures:
        return False
    del initiative.signatures[user_id]
    initiative.signature_count.change(-1)
    return True


def enter_paper(initiative, count, user_id, note="") -> PaperCount:
    if initiative.status != "published":
        raise InitiativeError("state")
    entry = PaperCount(count, user_id, note)
    initiative.paper.append(entry)
    return entry


def check_paper(initiative, entry_id, user_id) -> bool:
    """Check a paper count entered by someone else; returns True when the threshold was
    reached by it. Raises ``InitiativeError("same")`` for the person who entered it."""
    for entry in initiative.paper:
        if entry.id == entry_id:
            if entry.checked is not None:
                raise InitiativeError("checked")
            if entry.entered_by == user_id:
                raise InitiativeError("same")
            entry.checked_by = user_id
            entry.checked = now()
            initiative.paper._p_changed = True
            return _check_threshold(initiative)
    raise InitiativeError("unknown")


def answer(initiative, text):
    if initiative.status != "published":
        raise InitiativeError("state")
    initiative.answer = text
    initiative.answered = now()


def initiative_text(obj):
    if not isinstance(obj, Initiative):
        return None
    return f"{obj.title} {obj.description}"
