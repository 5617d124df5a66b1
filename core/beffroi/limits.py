"""At most N per person (or per object): limits that hold under concurrent requests.

A limit such as "2 supports per participant in this space", "one answer per person",
"one signature per petition" or "registrations up to the meeting's capacity" is a
count-then-add: read how many a person already took, refuse at the limit, else add.
Adding different keys to one BTree set merges without a conflict, so two requests of
the same person both read "1 of 2" and both add — the check was never retried.

Here each (scope, person) owns one small ``Allowance`` object whose whole state
(the tuple of keys taken) is rewritten on every ``take`` and ``give_back``. It has no
conflict resolution: two concurrent changes of the *same* allowance raise a
``ConflictError``, ``pyramid_retry`` runs one of the requests again, and the retry
reads the fresh count and refuses. Different people (or different scopes) write
different objects and never conflict; creating a person's first allowance inserts a
key into the holder's tree, which conflicts only with the same person's first one.

Key layout, on any persistent ``holder`` (the module container, the meeting …):
``holder._beffroi_limits`` is a ``beffroi.sharded.ShardedTree`` ``(scope, owner) →
Allowance`` (an ``OOBTree`` in databases made before, until the evolve step
``beffroi.0002_sharded_registries``), created by the first ``take`` (never by a read). ``scope`` is a namespaced string
(``"proposals.supports"``); ``owner`` is a person id — or an object key for "per
object" limits (a meeting's capacity: scope ``"meetings.seats"``, owner the meeting's
name, items the person ids). Items are hashable, comparable values (ints, strings).
"""
from __future__ import annotations

from persistent import Persistent

from beffroi.sharded import ShardedTree

ATTR = "_beffroi_limits"


class LimitReached(Exception):
    """``take`` refused: ``owner`` already holds ``limit`` items in ``scope``."""

    def __init__(self, scope, owner, limit):
        super().__init__(f"{owner!r} already holds {limit} in {scope!r}")
        self.scope, self.owner, self.limit = scope, owner, limit


class Allowance(Persistent):
    """What one owner holds in one scope; rewritten whole on every change, so two
    concurrent changes conflict (on purpose: see the module docstring)."""

    def __init__(self, items=()):
        self.items = tuple(sorted(set(items)))

    def _set(self, items):
        self.items = tuple(sorted(items))


def _ledger(holder, create=False):
    ledger = getattr(holder, ATTR, None)
    if ledger is None and create:
        ledger = ShardedTree()       # newcomers taking at once never conflict
        setattr(holder, ATTR, ledger)
    return ledger


def held(holder, scope, owner, seed=None) -> tuple:
    """The items ``owner`` holds in ``scope`` (sorted tuple; reads only).

    ``seed`` (a callable returning an iterable) gives the items of data recorded
    before this ledger existed; it is used while ``owner`` has no allowance yet."""
    ledger = _ledger(holder)
    allowance = ledger.get((scope, owner)) if ledger is not None else None
    if allowance is not None:
        return allowance.items
    return tuple(sorted(set(seed()))) if seed is not None else ()


def left(holder, scope, owner, limit, seed=None):
    """How many more items ``owner`` may take in ``scope``: an int ≥ 0, or None when
    ``limit`` is 0 or None (no limit)."""
    if not limit:
        return None
    return max(0, int(limit) - len(held(holder, scope, owner, seed)))


def take(holder, scope, owner, item, limit, seed=None) -> bool:
    """Record that ``owner`` takes ``item`` in ``scope``, if under ``limit``.

    ``limit`` 0 or None means no limit (the item is still recorded, so a limit set
    later counts what was taken before). Returns False when ``owner`` already holds
    ``item`` (nothing changes), True when it was added. Raises ``LimitReached`` when
    ``owner`` holds ``limit`` items already. Must run inside the transaction that
    records the item itself; a concurrent change of the same allowance makes the
    commit raise ``ConflictError`` (the request is retried and sees the new count)."""
    ledger = _ledger(holder, create=True)
    allowance = ledger.get((scope, owner))
    if allowance is None:
        allowance = Allowance(seed() if seed is not None else ())
        ledger[(scope, owner)] = allowance
    items = set(allowance.items)
    if item in items:
        return False
    if limit and len(items) >= int(limit):
        raise LimitReached(scope, owner, int(limit))
    items.add(item)
    allowance._set(items)
    return True


def give_back(holder, scope, owner, item, seed=None) -> bool:
    """Remove ``item`` from what ``owner`` holds in ``scope``; True when it was held."""
    ledger = _ledger(holder, create=True)
    allowance = ledger.get((scope, owner))
    if allowance is None:
        allowance = Allowance(seed() if seed is not None else ())
        ledger[(scope, owner)] = allowance
    items = set(allowance.items)
    if item not in items:
        return False
    items.discard(item)
    allowance._set(items)
    return True


def forget(holder, owner) -> None:
    """Drop every allowance of ``owner`` on ``holder`` (account deletion)."""
    ledger = _ledger(holder)
    if ledger is None:
        return
    for key in [k for k in ledger.keys() if k[1] == owner]:
        del ledger[key]
