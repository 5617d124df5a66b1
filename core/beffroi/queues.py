"""Queues that many requests add to at once and a worker drains, without conflicts.

A BTree used as a queue makes requests conflict with its worker: every insert marks the
tree's root read-current (BTrees do, to notice a concurrent split), and the worker that
takes items out empties buckets, which rewrites the root — so each request that added
an item in the meantime fails at commit and is retried, and on two processes over
PostgreSQL some gave up after ten attempts. Time-ordered keys make it worse: every
insert lands in the last bucket, which splits every few inserts (root rewritten again).

A ``ShardedQueue`` keeps its items in a fixed tuple of ``QueueShard`` objects, made
once (when the queue is made, at start-up) and never replaced, so the queue object
itself is never written again. A shard is one small persistent mapping ``key → value``
whose concurrent changes merge at commit: what one side added and what the other
removed are both kept. Two transactions conflict only when both add the same key,
which random keys make as good as impossible. Values are never replaced in place: a
worker marks progress on the value itself (its own persistent object), then removes
the key.

    queue = ShardedQueue()                   # at start-up, stored somewhere
    key = queue.put(job, order="0179…-ab12")  # a request; ``order`` sorts the worker's
    for key in queue.keys():                 # ... oldest first
        job = queue.get(key)
    queue.remove([key, ...])                 # the worker, when done
"""
from __future__ import annotations

import secrets

from persistent import Persistent
from ZODB.POSException import ConflictError

#: Shards of a new queue: enough that two requests rarely write the same small object.
SHARDS = 64


class QueueShard(Persistent):
    """Part of a ``ShardedQueue``: ``items`` maps keys to values; concurrent adds and
    removals merge at commit (see the module docstring)."""

    def __init__(self):
        self.items = {}

    def _p_resolveConflict(self, old, committed, new):
        before = old.get("items", {})
        theirs, mine = committed.get("items", {}), new.get("items", {})
        merged = dict(theirs)
        for key, value in mine.items():
            if key not in before:                       # added here
                if key in theirs:
                    raise ConflictError("the same queue key was added twice")
                merged[key] = value
        for key in before:
            if key not in mine:                         # removed here (maybe there too)
                merged.pop(key, None)
        return dict(new, items=merged)


class ShardedQueue(Persistent):
    """Items added by many concurrent transactions, taken out by a worker, without
    ConflictError between them (see the module docstring). Keys are strings
    ``"<shard>:<order>"``; ``keys()`` lists them sorted by ``order``."""

    def __init__(self, shards: int = SHARDS):
        if shards < 1 or shards > 100:
            raise ValueError("a queue has between 1 and 100 shards")
        self.shards = tuple(QueueShard() for _i in range(shards))

    def _shard_of(self, key: str) -> QueueShard:
        try:
            index = int(key.split(":", 1)[0])
            return self.shards[index]
        except (ValueError, IndexError):
            raise KeyError(key) from None

    def put(self, value, order: str) -> str:
        """Add ``value`` (usually a persistent object of its own) in a random shard;
        return its key. ``order``: a string that sorts items (a time-ordered unique
        string such as ``<nanoseconds>-<random hex>``). Raises ``KeyError`` if the key
        exists already (the same ``order`` drawn twice in one shard)."""
        index = secrets.randbelow(len(self.shards))
        key = f"{index:02d}:{order}"
        shard = self.shards[index]
        if key in shard.items:
            raise KeyError(key)
        shard.items[key] = value
        shard._p_changed = True
        return key

    def get(self, key: str, default=None):
        """The value of ``key``, or ``default`` when it is not (or no longer) queued."""
        try:
            return self._shard_of(key).items.get(key, default)
        except KeyError:
            return default

    def remove(self, keys) -> int:
        """Take ``keys`` out (those already gone are skipped); return how many left."""
        removed = 0
        for key in keys:
            try:
                shard = self._shard_of(key)
            except KeyError:
                continue
            if key in shard.items:
                del shard.items[key]
                shard._p_changed = True
                removed += 1
        return removed

    def keys(self) -> list[str]:
        """Every key, sorted by the ``order`` given to ``put`` (oldest first)."""
        found = [key for shard in self.shards for key in shard.items]
        return sorted(found, key=lambda k: k.split(":", 1)[1])

    def items(self):
        """``(key, value)`` of every item, sorted like ``keys()``."""
        return [(key, self.get(key)) for key in self.keys()]

    def __len__(self) -> int:
        return sum(len(shard.items) for shard in self.shards)
