"""Is this content there for a visitor? One answer for every module and core service.

Content can be out of sight for four reasons, each an attribute the core or a module
sets on the object or on one of its ancestors:

- **hidden** by moderation (``hidden_by_moderation``, set by ``beffroi.services.moderation.model``);
- **deleted** by its author (``deleted``, e.g. a comment that keeps its place);
- **unpublished**: ``published`` is False (a space not yet published, a draft);
- **withdrawn** by its author (``withdrawn``): still readable, but closed to new
  participation (no support, no follow, no reply, no vote).

Listings, counters, exports, search, notifications, follows and supports ask here
rather than testing attributes themselves, so a state added later (archived, closed
…) is applied everywhere at once. Every function reads attributes only: no lookup,
no write, safe inside a GET.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentState:
    """What keeps a piece of content from a visitor (all False: fully visible)."""
    hidden: bool = False
    deleted: bool = False
    unpublished: bool = False
    withdrawn: bool = False

    @property
    def readable(self) -> bool:
        """A visitor may read it (withdrawn content stays readable, marked as such)."""
        return not (self.hidden or self.deleted or self.unpublished)

    @property
    def open(self) -> bool:
        """It accepts new participation: supports, follows, replies, votes."""
        return self.readable and not self.withdrawn


def _lineage(content):
    from pyramid.location import lineage
    return lineage(content) if content is not None else ()


def content_state(content) -> ContentState:
    """The state of ``content`` and of its lineage: a hidden proposal hides its
    comments and amendments, an unpublished space everything in it, a withdrawn
    proposal closes its comments to new replies."""
    hidden = deleted = unpublished = withdrawn = False
    for node in _lineage(content):
        hidden = hidden or bool(getattr(node, "hidden_by_moderation", False))
        deleted = deleted or getattr(node, "deleted", False) is True
        unpublished = unpublished or getattr(node, "published", True) is False
        withdrawn = withdrawn or getattr(node, "withdrawn", False) is True
    return ContentState(hidden, deleted, unpublished, withdrawn)


def is_public(content) -> bool:
    """May anyone read ``content`` (not hidden, deleted or unpublished, itself or an
    ancestor)? What open-data exports, public counters and notifications show."""
    return content_state(content).readable


def is_open(content) -> bool:
    """Does ``content`` accept new participation (public and not withdrawn)? What
    supports, follows, replies and votes require."""
    return content_state(content).open


def is_public_to(request, content) -> bool:
    """May the person of ``request`` read ``content``? Public content, or hidden and
    unpublished content for those who moderate its space (``space.moderate``).
    Deleted content is never shown."""
    state = content_state(content)
    if state.readable:
        return True
    return not state.deleted and bool(request.has_permission("space.moderate", content))


def public_items(items):
    """``items`` that anyone may read, in their order (for counters and exports)."""
    return [item for item in items if is_public(item)]


def count_public(items) -> int:
    """How many of ``items`` anyone may read: the count a visitor can check."""
    return sum(1 for item in items if is_public(item))
