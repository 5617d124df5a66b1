"""Casting and withdrawing supports, conflict-free under concurrency.

Each support is a per-user entry (``proposal.supporters[user_id]``) and a per-user
set in the index (``user_supports``); the count is a ``BTrees.Length``. Concurrent
supports of different people on different proposals touch different keys and merge;
two supports of the same proposal both move its key in the "most supported" set,
conflict there, and ``pyramid_retry`` runs one of them again with fresh data — no
support is lost and the ordered set always matches the counts.

The support limit ("N supports per participant in this space") is a
``beffroi.limits`` allowance (``take_within_limit`` in ``beffroi.api``) of scope ``proposals.supports`` on the container: every
support and withdrawal of one participant rewrites their allowance, so two concurrent
supports by the same person conflict and the retry re-checks the limit; different
people never conflict there.

With the setting "minimum supports to count" at N > 1, a participant's supports
count only once they have cast N of them: the Nth support makes all of them count,
and withdrawing below N makes them all stop counting.
"""
from __future__ import annotations

from BTrees.IIBTree import IITreeSet
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    LimitReached, give_back_within_limit, left_within_limit, take_within_limit,
)
from beffroi_proposals.models import ensure_index

_ = TranslationStringFactory("beffroi_proposals")

#: The ``beffroi.limits`` scope holding each participant's supports in a container.
LIMIT_SCOPE = "proposals.supports"


def _recorded(container, user_id):
    """Supports recorded before the allowance existed (older databases)."""
    def seed():
        index = getattr(container, "proposal_index", None)
        cast = index.user_supports.get(user_id) if index is not None else None
        return list(cast) if cast is not None else []
    return seed


class SupportRefused(Exception):
    """A support that the rules refuse; ``message`` says why, for the participant."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _count(index, proposal, user_id, delta):
    old = proposal.supports
    proposal.supporters_for_write()[user_id] = delta > 0
    proposal._supports.change(delta)
    index.set_support_count(proposal.number, old, old + delta)


def supports_left(container, user_id, settings):
    """How many more supports ``user_id`` may cast here (None: no limit)."""
    return left_within_limit(container, LIMIT_SCOPE, user_id, settings.get("support_limit") or 0,
                       seed=_recorded(container, user_id))


def cast_support(container, proposal, user_id, settings):
    """Record the support of ``user_id``; return True when it made the proposal reach
    the support threshold. Raise ``SupportRefused`` when the rules refuse it."""
    if proposal.withdrawn:
        raise SupportRefused(_("A withdrawn proposal cannot be supported."))
    if user_id in proposal.supporters:
        raise SupportRefused(_("You already support this proposal."))
    try:
        take_within_limit(container, LIMIT_SCOPE, user_id, proposal.number,
                    settings.get("support_limit") or 0, seed=_recorded(container, user_id))
    except LimitReached:
        raise SupportRefused(_("You have used all your supports in this space.")) from None
    index = ensure_index(container)
    mine = index.user_supports.get(user_id)
    if mine is None:
        mine = index.user_supports[user_id] = IITreeSet()
    mine.add(proposal.number)
    minimum = settings.get("minimum_supports_to_count") or 0
    before = proposal.supports
    if minimum <= 1 or len(mine) > minimum:
        _count(index, proposal, user_id, +1)
    elif len(mine) == minimum:
        # this support completes the minimum: every support of this person now counts
        for number in list(mine):
            other = container[str(number)]
            if not other.supporters.get(user_id, False):
                _count(index, other, user_id, +1)
    else:
        proposal.supporters_for_write()[user_id] = False
    threshold = settings.get("support_threshold") or 0
    return bool(threshold) and before < threshold <= proposal.supports


def withdraw_support(container, proposal, user_id, settings):
    """Remove the support of ``user_id``; raise ``SupportRefused`` if there is none."""
    if user_id not in proposal.supporters:
        raise SupportRefused(_("You do not support this proposal."))
    give_back_within_limit(container, LIMIT_SCOPE, user_id, proposal.number,
                     seed=_recorded(container, user_id))
    index = ensure_index(container)
    mine = index.user_supports[user_id]
    minimum = settings.get("minimum_supports_to_count") or 0
    counted = proposal.supporters[user_id]
    if counted:
        _count(index, proposal, user_id, -1)
    del proposal.supporters[user_id]
    mine.remove(proposal.number)
    if minimum > 1 and len(mine) == minimum - 1:
        # below the minimum again: none of this person's supports count any more
        for number in list(mine):
            other = container[str(number)]
            if other.supporters.get(user_id, False):
                _count(index, other, user_id, -1)
                other.supporters[user_id] = False
