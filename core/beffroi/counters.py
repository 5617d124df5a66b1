"""Counters that many requests change at once without making each other fail.

Two tools every module can use:

- ``Tally``: an integer count per item (supports, comments, votes …), kept in shards
  of 256 items. Concurrent changes of the same shard — even of the same item — merge
  at commit by adding their deltas (as ``BTrees.Length`` does for one number), so two
  people supporting two proposals, or the same one, never conflict on the count.
  A tally may be *grouped* (``level_of``): each count falls into a level, exact for
  small counts and coarser as counts grow, which is what sorted listings store
  (``beffroi.listing``). A merge that would leave an item in the wrong level raises
  ``ConflictError``, so the request is retried with fresh data instead of leaving a
  listing out of order.
- ``Numbering``: unique item numbers (1, 2, 3 …) for URLs. Concurrent creations take
  different free numbers and merge; on a retry after a collision the choice spreads
  over more free numbers (``retry_spread``), so even 50 creators at once all succeed.
  Numbers stay dense: a number skipped by a spread choice is taken by a later creation
  (so "most recent" may put an item created a moment later one place lower).
"""
from __future__ import annotations

import random

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.LLBTree import LLTreeSet
from persistent import Persistent
from ZODB.POSException import ConflictError

SHARD_BITS = 8
#: Counts below this have a level of their own; above, each doubling has ``STEPS`` levels.
EXACT_BELOW = 16
STEPS = 4
#: Free numbers a creation chooses from, by retry attempt (see ``retry_spread``).
SPREADS = (1, 4, 8, 16)


def level_of(count: int) -> int:
    """The level of a non-negative ``count``: ``count`` itself below 16, then four
    levels per doubling (16–19, 20–23, 24–27, 28–31, 32–39 …). Higher counts, higher
    levels. A support moves an item in a sorted listing only when its level changes."""
    if count < EXACT_BELOW:
        return max(count, 0)
    exponent = count.bit_length() - 1                 # 4 for 16..31
    mantissa = (count >> (exponent - 2)) & (STEPS - 1)
    return EXACT_BELOW + (exponent - 4) * STEPS + mantissa


def level_is_exact(level: int) -> bool:
    """Does every item of ``level`` have the same count (so order within it needs no sort)?"""
    return level < EXACT_BELOW


class TallyShard(Persistent):
    """Counts of up to 256 items; concurrent changes merge by adding their deltas."""

    def __init__(self, grouped=False):
        self.counts = {}
        self.grouped = grouped

    def _p_resolveConflict(self, old, committed, new):
        before, mine, theirs = old["counts"], committed["counts"], new["counts"]
        merged = dict(mine)
        for key in set(mine) | set(theirs) | set(before):
            base = before.get(key, 0)
            a, b = mine.get(key, 0), theirs.get(key, 0)
            total = a + b - base
            if old.get("grouped"):
                moved_a, moved_b = level_of(a) != level_of(base), level_of(b) != level_of(base)
                placed = level_of(a) if moved_a else level_of(b)
                if (moved_a and moved_b) or level_of(total) != placed:
                    raise ConflictError("a merged count changes its level: retry")
            if total:
                merged[key] = total
            else:
                merged.pop(key, None)
        return dict(new, counts=merged)


class Tally(Persistent):
    """Item number → count, conflict-free (see the module docstring).

    ``get(number)`` reads without writing; ``change(number, delta)`` returns the new
    count. With ``grouped=True`` a merge that would move an item to another
    ``level_of`` than the one the listing was given raises ``ConflictError``."""

    def __init__(self, grouped=False):
        self.shards = IOBTree()
        self.grouped = grouped

    def get(self, number: int, default: int = 0) -> int:
        shard = self.shards.get(number >> SHARD_BITS)
        return shard.counts.get(number, default) if shard is not None else default

    __getitem__ = get

    def get_many(self, numbers) -> list:
        """Counts of ``numbers`` (a list), in the same order; one shard lookup per run
        of numbers in the same shard."""
        out, last, counts = [], None, {}
        for number in numbers:
            key = number >> SHARD_BITS
            if key != last:
                shard = self.shards.get(key)
                counts, last = (shard.counts if shard is not None else {}), key
            out.append(counts.get(number, 0))
        return out

    def change(self, number: int, delta: int) -> int:
        key = number >> SHARD_BITS
        shard = self.shards.get(key)
        if shard is None:
            shard = self.shards[key] = TallyShard(self.grouped)
        value = shard.counts.get(number, 0) + delta
        if value:
            shard.counts[number] = value
        else:
            shard.counts.pop(number, None)
        shard._p_changed = True
        return value

    def items(self):
        """(number, count) of every non-zero count, in number order."""
        for shard in self.shards.values():
            yield from sorted(shard.counts.items())


def retry_spread() -> int:
    """How many free numbers a new item chooses from: 1 on a request's first attempt
    (numbers in creation order), then 4, 8, 16 on each retry after a conflict
    (``retry.attempt`` of pyramid_retry), so creators that collided stop colliding
    while numbers stay nearly dense."""
    from pyramid.threadlocal import get_current_request
    request = get_current_request()
    attempt = request.environ.get("retry.attempt", 0) if request is not None else 0
    return SPREADS[min(attempt, len(SPREADS) - 1)]


class Numbering(Persistent):
    """Unique positive numbers, dense, allocated without conflicts between creators
    that choose different numbers (see the module docstring)."""

    def __init__(self, taken=()):
        self.taken = LLTreeSet(taken)
        self.issued = Length(len(self.taken))

    def allocate(self, spread: int | None = None) -> int:
        """A number no item has, chosen at random among the ``spread`` lowest free
        numbers (default: ``retry_spread()``), and mark it taken."""
        spread = retry_spread() if spread is None else max(1, spread)
        issued = self.issued()
        free, candidate = [], max(1, issued - 64)
        taken = set(self.taken.keys(min=candidate))
        while len(free) < spread:
            if candidate not in taken:
                free.append(candidate)
            candidate += 1
        number = random.choice(free)
        self.taken.add(number)
        self.issued.change(1)
        return number

    def __len__(self):
        return self.issued()
