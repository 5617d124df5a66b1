"""Sorted structures and filter sets of one proposals container.

A listing of 100,000 proposals must not load or sort 100,000 objects per request, so
the container keeps, beside its items, small integer structures kept up to date on
every write: the proposals ordered by supports, by number (recent first) and in a
few fixed random orders, plus one integer set per filter value. Reading a page walks
one ordered set and stops when the page is full.

Keys of the ordered sets pack two integers into one 64-bit key
(``primary << 32 | number``) so that they live in C ``LLTreeSet`` buckets.
"""
from __future__ import annotations

import hashlib
import secrets

from BTrees.IIBTree import IIBTree, IITreeSet, intersection
from BTrees.LLBTree import LLTreeSet
from BTrees.OOBTree import OOBTree
from persistent import Persistent

SHIFT = 32
MAX_COUNT = (1 << 31) - 1
#: How many random orders are kept; each visitor's seed picks one of them.
RANDOM_ORDERS = 8
#: Below this many candidates a filtered listing is sorted in memory.
SMALL_SET = 3000
SORTS = ("random", "recent", "supported", "commented")


def support_key(count, number):
    """Most supported first, then oldest first."""
    return ((MAX_COUNT - count) << SHIFT) | number


def recent_key(number):
    return MAX_COUNT - number


class ProposalIndex(Persistent):
    """Everything a listing needs without loading proposals."""

    def __init__(self):
        self.last_number = 0        # written only when a proposal is created
        self.salt = secrets.token_hex(8)
        self.all = IITreeSet()
        self.recent = IITreeSet()
        self.by_support = LLTreeSet()
        self.support_counts = IIBTree()         # number → counted supports
        self.randoms = tuple(LLTreeSet() for _ in range(RANDOM_ORDERS))
        self.facets = OOBTree()                 # (facet, value) → IITreeSet of numbers
        self.user_supports = OOBTree()          # user id → IITreeSet of numbers supported
        self.by_comments = LLTreeSet()
        self.comment_counts = IIBTree()         # number → live comments

    #: Indexes made before comment ordering existed get these from an evolve step.
    by_comments = None
    comment_counts = None

    def random_key(self, k, number):
        digest = hashlib.blake2b(f"{self.salt}:{k}:{number}".encode(), digest_size=4).digest()
        return (int.from_bytes(digest, "big") >> 1 << SHIFT) | number

    def next_number(self):
        """A new proposal number; concurrent creations conflict on this object and retry."""
        self.last_number += 1
        return self.last_number

    # -- writes ------------------------------------------------------------------
    def add(self, number, facets):
        self.all.add(number)
        self.recent.add(recent_key(number))
        self.by_support.add(support_key(0, number))
        self.by_comments.add(support_key(0, number))
        for k, tree in enumerate(self.randoms):
            tree.add(self.random_key(k, number))
        for facet in facets:
            self.set_facet(facet, number, True)

    def set_facet(self, facet, number, present):
        members = self.facets.get(facet)
        if present:
            if members is None:
                members = self.facets[facet] = IITreeSet()
            members.add(number)
        elif members is not None and number in members:
            members.remove(number)

    def move_facet(self, name, old, new, number):
        """Move ``number`` from the ``(name, old)`` set to ``(name, new)``."""
        if old == new:
            return
        if old not in (None, ""):
            self.set_facet((name, old), number, False)
        if new not in (None, ""):
            self.set_facet((name, new), number, True)

    def set_support_count(self, number, old, new):
        self.by_support.remove(support_key(old, number))
        self.by_support.add(support_key(new, number))
        self.support_counts[number] = new

    def set_comment_count(self, number, new):
        old = self.comment_counts.get(number, 0)
        self.by_comments.remove(support_key(old, number))
        self.by_comments.add(support_key(new, number))
        self.comment_counts[number] = new

    # -- reads -------------------------------------------------------------------
    def members(self, facet):
        return self.facets.get(facet) or IITreeSet()

    def candidates(self, facets, within=None):
        """Numbers in every facet set of ``facets`` (and in ``within``), or None for all."""
        result = within
        for facet in facets:
            members = self.members(facet)
            result = members if result is None else intersection(result, members)
        return result

    def ordered(self, sort, candidates=None, exclude=None, seed=0, sort_key=None):
        """Proposal numbers in ``sort`` order, restricted to ``candidates`` (a set or
        None for all) and without ``exclude``. Lazily produced: callers stop early."""
        def keep(number):
            return (candidates is None or number in candidates) and \
                (exclude is None or number not in exclude)

        if sort_key is not None or (candidates is not None and len(candidates) <= SMALL_SET):
            pool = self.all if candidates is None else candidates
            numbers = [n for n in pool if exclude is None or n not in exclude]
            numbers.sort(key=sort_key or self._key_for(sort, seed))
            yield from numbers
            return
        if sort == "recent":
            for key in self.recent:
                if keep(MAX_COUNT - key):
                    yield MAX_COUNT - key
            return
        tree = {"supported": self.by_support, "commented": self.by_comments}.get(sort) \
            or self.randoms[seed % RANDOM_ORDERS]
        mask = (1 << SHIFT) - 1
        for key in tree:
            number = key & mask
            if keep(number):
                yield number

    def _key_for(self, sort, seed):
        if sort == "recent":
            return lambda n: -n
        if sort == "supported":
            return lambda n: (-self.support_counts.get(n, 0), n)
        if sort == "commented":
            return lambda n: (-self.comment_counts.get(n, 0), n)
        k = seed % RANDOM_ORDERS
        return lambda n: self.random_key(k, n)


def page_of(numbers, accept, page, size):
    """Items of page ``page`` (1-based) from the ordered ``numbers``, keeping only those
    ``accept`` returns an object for; and whether a next page exists."""
    skip = (page - 1) * size
    out = []
    for number in numbers:
        item = accept(number)
        if item is None:
            continue
        if skip:
            skip -= 1
            continue
        if len(out) == size:
            return out, True
        out.append(item)
    return out, False
