"""Per-person (or per-item) registries that many first-timers join at once.

An ``OOBTree`` keyed by participant — who follows what, the supports of each person,
each person's allowance — makes strangers conflict while it grows: every insert marks
the tree's root read-current (BTrees do, to notice a concurrent split), and every
bucket split rewrites that root, so whenever one newcomer's insert splits a bucket,
every other newcomer writing at that moment fails at commit and is retried. On two
processes over PostgreSQL this was most of the requests that gave up after ten
attempts (``bench/load.py``: 50 participants acting for the first time).

A ``ShardedTree`` spreads its keys over a fixed tuple of small ``OOBTree`` shards (made
once, never replaced, so the ``ShardedTree`` itself is never written again) by a stable
hash of the key: two keys conflict only if they fall in the same shard at the moment it
splits, and a shard of a few dozen keys is a single bucket whose concurrent inserts
merge. The mapping interface is the ``OOBTree`` one a registry needs — ``get``,
``[key]``, ``in``, ``pop``, ``setdefault``, ``keys``/``values``/``items`` (in no
particular order across shards), ``len`` — so code written for an ``OOBTree`` works
with either, and an evolve step can swap one for the other (``to_sharded``).
"""
from __future__ import annotations

import zlib

from BTrees.OOBTree import OOBTree
from persistent import Persistent

#: Shards of a new tree.
SHARDS = 64
_MISSING = object()


def _shard_number(key, shards: int) -> int:
    """A stable shard for ``key`` (a str, int or tuple of them): the CRC-32 of its
    ``repr``, the same in every process and every Python version."""
    return zlib.crc32(repr(key).encode("utf-8")) % shards


class ShardedTree(Persistent):
    """A mapping spread over ``shards`` ``OOBTree`` (see the module docstring). Keys
    must be orderable among themselves as in an ``OOBTree`` (str, int, tuples)."""

    def __init__(self, items=(), shards: int = SHARDS):
        if shards < 1 or shards > 4096:
            raise ValueError("a sharded tree has between 1 and 4096 shards")
        self.shards = tuple(OOBTree() for _i in range(shards))
        for key, value in (items.items() if hasattr(items, "items") else items):
            self[key] = value

    def _shard(self, key) -> OOBTree:
        return self.shards[_shard_number(key, len(self.shards))]

    def get(self, key, default=None):
        return self._shard(key).get(key, default)

    def __getitem__(self, key):
        return self._shard(key)[key]

    def __setitem__(self, key, value):
        self._shard(key)[key] = value

    def __delitem__(self, key):
        del self._shard(key)[key]

    def __contains__(self, key) -> bool:
        return key in self._shard(key)

    has_key = __contains__

    def pop(self, key, default=_MISSING):
        shard = self._shard(key)
        if default is _MISSING:
            return shard.pop(key)
        return shard.pop(key, default)

    def setdefault(self, key, default):
        shard = self._shard(key)
        found = shard.get(key, _MISSING)
        if found is _MISSING:
            shard[key] = found = default
        return found

    def keys(self):
        for shard in self.shards:
            yield from shard.keys()

    __iter__ = keys

    def values(self):
        for shard in self.shards:
            yield from shard.values()

    def items(self):
        for shard in self.shards:
            yield from shard.items()

    def __len__(self) -> int:
        return sum(len(shard) for shard in self.shards)

    def __bool__(self) -> bool:
        return any(len(shard) for shard in self.shards)


def to_sharded(tree) -> ShardedTree:
    """A ``ShardedTree`` holding what ``tree`` (an ``OOBTree`` or any mapping) holds, the
    same value objects (for evolve steps); a ``ShardedTree`` is returned as it is."""
    if isinstance(tree, ShardedTree):
        return tree
    return ShardedTree(tree.items())
