"""Sorted orders and filter sets of one proposals container (``beffroi.listing``).

A listing of 100,000 proposals must not load or sort 100,000 objects per request, so
the container keeps, beside its items, integer structures kept up to date on every
write, and a page is found by set arithmetic (see ``beffroi.listing``):

- ``orders``: one ``LLTreeSet`` per sort of keys ``rank << 32 | number`` — "recent"
  (rank ``MAX_COUNT - number``), "supported" and "commented" (rank ``TOP - level``
  of the count, ``beffroi.counters.level_of``: exact below 16, coarser above, refined
  by the exact count at read time) and eight fixed random orders (a per-proposal hash
  salted per container). Withdrawn proposals leave these orders; they are listed
  from their own set.
- ``facets``: ``(facet, value)`` → ``IITreeSet`` of numbers (author, state, scope,
  category, official, withdrawn, evaluator).
- ``facet_orders``: ``((facet, value), sort)`` → ``LLTreeSet``, for the filters a visitor
  combines with a sort (``ORDERED_FACETS``: state, scope, category) and the sorts
  ``FACET_SORTS``: the same keys as ``orders``, only the non-withdrawn members of that
  value. Page 600 of 25,000 proposals of one category is then found by positions, like
  an unfiltered page, instead of by walking half the sorted set (4× page 1 at 100,000
  proposals before). Indexes made before get them from the evolve step
  ``proposals.0006_facet_orders`` or the first write; until then (``facet_orders``
  None) filtered pages walk.
- ``supports``/``comments``: ``beffroi.counters.Tally`` of counts per number.
- ``numbering``: ``beffroi.counters.Numbering``.

Concurrency contract: creations take different numbers and insert different keys
(they merge); a support changes the shard of its tally (deltas merge) and moves the
proposal's key only when its level changes (different proposals: different keys,
merged by the BTree buckets; the same proposal crossing a level twice at once:
one conflict, retried). No write rewrites the index object itself.

Databases made before this layout (``layout`` 1: ``last_number`` on the index,
exact support keys) are upgraded by the evolve step ``proposals.0003_listing_layout``,
or by the first write; a read before that works on an upgraded copy in memory.
"""
from __future__ import annotations

import hashlib
import secrets

from BTrees.IIBTree import IITreeSet, intersection
from BTrees.LLBTree import LLTreeSet
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.api import ListingOrder as Order
from beffroi.api import Numbering, ShardedTree, Tally, level_is_exact, level_of
from beffroi.api import listing_key as pack

SHIFT = 32
MAX_COUNT = (1 << 31) - 1
#: Rank of level 0 in the "supported"/"commented" orders (higher levels come first).
TOP = 1 << 20
#: How many random orders are kept; each visitor's seed picks one of them.
RANDOM_ORDERS = 8
SORTS = ("random", "recent", "supported", "commented")
LAYOUT = 2
#: Filters that keep a sorted order per value, and the sorts they keep.
ORDERED_FACETS = ("state", "scope", "category")
FACET_SORTS = ("recent", "supported", "commented")


def support_key(count, number):
    """Layout 1's key of the "most supported" set (kept for evolve step 0001)."""
    return ((MAX_COUNT - count) << SHIFT) | number


def count_rank(count):
    return TOP - level_of(count)


def recent_rank(number):
    return MAX_COUNT - number


class ProposalIndex(Persistent):
    """Everything a listing needs without loading proposals."""

    layout = 1                  # instances stored before ``LAYOUT`` 2 have no attribute
    by_comments = None          # layout 1 indexes made before comment ordering existed
    comment_counts = None
    facet_orders = None         # made before per-value orders: proposals.0006_facet_orders

    def __init__(self):
        self.layout = LAYOUT
        self.salt = secrets.token_hex(8)
        self.all = IITreeSet()                  # every number, withdrawn included
        self.numbering = Numbering()
        self.supports = Tally(grouped=True)
        self.comments = Tally(grouped=True)
        self.orders = {"recent": LLTreeSet(), "supported": LLTreeSet(),
                       "commented": LLTreeSet()}
        self.randoms = tuple(LLTreeSet() for _ in range(RANDOM_ORDERS))
        self.facets = OOBTree()                 # (facet, value) → IITreeSet of numbers
        self.user_supports = ShardedTree()      # user id → IITreeSet of numbers supported
        self.facet_orders = OOBTree()           # ((facet, value), sort) → LLTreeSet

    # -- keys --------------------------------------------------------------------
    def random_rank(self, k, number):
        digest = hashlib.blake2b(f"{self.salt}:{k}:{number}".encode(), digest_size=4).digest()
        return int.from_bytes(digest, "big") >> 1

    def keys_of(self, number):
        """(order set, key) of ``number`` in every order, from its counts now."""
        yield self.orders["recent"], pack(recent_rank(number), number)
        yield self.orders["supported"], pack(count_rank(self.supports.get(number)), number)
        yield self.orders["commented"], pack(count_rank(self.comments.get(number)), number)
        for k, tree in enumerate(self.randoms):
            yield tree, pack(self.random_rank(k, number), number)

    def sort_key(self, sort, number):
        """The key of ``number`` in the ``sort`` order (one of ``FACET_SORTS``) now."""
        if sort == "recent":
            return pack(recent_rank(number), number)
        tally = self.supports if sort == "supported" else self.comments
        return pack(count_rank(tally.get(number)), number)

    def facet_tree(self, facet, sort, create=False):
        """The ``LLTreeSet`` of ``sort`` for ``facet`` ``(name, value)``, or None."""
        if self.facet_orders is None or facet[0] not in ORDERED_FACETS \
                or sort not in FACET_SORTS:
            return None
        tree = self.facet_orders.get((facet, sort))
        if tree is None and create:
            tree = self.facet_orders[(facet, sort)] = LLTreeSet()
        return tree

    def facets_named(self, name):
        """The ``(name, value)`` keys of ``facets``, whatever the value (categories are
        free text: no string is a safe upper bound, "\U0010ffff…" included)."""
        for facet in self.facets.keys(min=(name,)):
            if facet[0] != name:
                return
            yield facet

    def ordered_facets_of(self, number):
        """The ``(name, value)`` facets of ``ORDERED_FACETS`` that ``number`` is in."""
        for name in ORDERED_FACETS:
            for facet in self.facets_named(name):
                if number in self.facets[facet]:
                    yield facet

    def _place_in_facet_orders(self, number, facets, present):
        for facet in facets:
            for sort in FACET_SORTS:
                tree = self.facet_tree(facet, sort, create=present)
                if tree is None:
                    continue
                key = self.sort_key(sort, number)
                if present and key not in tree:
                    tree.add(key)
                elif not present and key in tree:
                    tree.remove(key)

    @property
    def support_counts(self):
        """Number → counted supports (a ``Tally``: ``get(number)``, ``[number]``)."""
        return self.supports

    # -- writes ------------------------------------------------------------------
    def _writable(self):
        if self.layout < LAYOUT:
            upgrade(self, self)
        if self.facet_orders is None:
            # like the layout upgrade: the first write builds them, writing this object,
            # so a write while ``proposals.0006_facet_orders`` runs conflicts with the
            # step (one is retried) instead of being missing from the orders it builds
            build_facet_orders(self)

    def next_number(self):
        """A new proposal number, unique, without writing this object (conflict-free
        numbering, ``beffroi.counters.Numbering``)."""
        self._writable()
        return self.numbering.allocate()

    def add(self, number, facets):
        self._writable()
        self.all.add(number)
        for tree, key in self.keys_of(number):
            tree.add(key)
        for facet in facets:
            self.set_facet(facet, number, True)

    def set_facet(self, facet, number, present):
        self._writable()
        members = self.facets.get(facet)
        if present:
            if members is None:
                members = self.facets[facet] = IITreeSet()
            members.add(number)
        elif members is not None and number in members:
            members.remove(number)
        if self.facet_orders is not None and facet[0] in ORDERED_FACETS \
                and (not present or number not in self.members(("withdrawn", True))):
            self._place_in_facet_orders(number, [facet], present)
        if facet == ("withdrawn", True):
            # withdrawn proposals leave the orders; "withdrawn" lists them from their set
            for tree, key in self.keys_of(number):
                if present and key in tree:
                    tree.remove(key)
                elif not present:
                    tree.add(key)
            if self.facet_orders is not None:
                self._place_in_facet_orders(number, list(self.ordered_facets_of(number)),
                                            not present)

    def move_facet(self, name, old, new, number):
        """Move ``number`` from the ``(name, old)`` set to ``(name, new)``."""
        if old == new:
            return
        if old not in (None, ""):
            self.set_facet((name, old), number, False)
        if new not in (None, ""):
            self.set_facet((name, new), number, True)

    def _recount(self, tally, order, number, delta):
        if not delta:
            return
        before = tally.get(number)
        after = tally.change(number, delta)
        if level_of(before) != level_of(after):
            tree = self.orders[order]
            key, moved = pack(count_rank(before), number), pack(count_rank(after), number)
            if key in tree:
                tree.remove(key)
                tree.add(moved)
            for facet in (self.ordered_facets_of(number) if self.facet_orders is not None
                          else ()):
                facet_tree = self.facet_tree(facet, order)
                if facet_tree is not None and key in facet_tree:
                    facet_tree.remove(key)
                    facet_tree.add(moved)

    def set_support_count(self, number, old, new):
        """The counted supports of ``number`` went from ``old`` to ``new`` (applied as
        a delta, so concurrent supports of one proposal merge)."""
        self._writable()
        self._recount(self.supports, "supported", number, new - old)

    def set_comment_count(self, number, new):
        """``number`` has ``new`` live comments now."""
        self._writable()
        self._recount(self.comments, "commented", number, new - self.comments.get(number))

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

    def order(self, sort, seed=0, facet=None):
        """The ``beffroi.listing.Order`` of ``sort`` (a ``SORTS`` name); ``seed``
        picks the random order. With ``facet`` (``(name, value)``), the order of only the
        non-withdrawn members of that value (see ``facet_orders``), or None when this
        index keeps none for it (walk the whole order with ``include`` instead)."""
        keys = self.orders.get(sort)
        if facet is not None:
            keys = self.facet_tree(facet, sort)
            if keys is None:
                return None
        if sort == "recent":
            return Order(keys, recent_rank)
        if sort in ("supported", "commented"):
            tally = self.supports if sort == "supported" else self.comments

            def by_count(numbers):
                return [-count for count in tally.get_many(numbers)]

            def refine(rank):
                return None if level_is_exact(TOP - rank) else by_count
            return Order(keys, lambda n: count_rank(tally.get(n)), refine)
        k = seed % RANDOM_ORDERS
        return Order(self.randoms[k], lambda n: self.random_rank(k, n))


def upgrade(source, target=None):
    """Bring a layout-1 index to ``LAYOUT``: into ``target`` (the same object for an
    in-place upgrade) or into a new, unsaved index (a read before the evolve step).
    Returns the upgraded index."""
    if target is None:
        target = ProposalIndex.__new__(ProposalIndex)
    source._p_activate()
    state = dict(source.__dict__)
    numbers = IITreeSet(source.all)
    withdrawn = source.facets.get(("withdrawn", True)) or ()
    supports, comments = Tally(grouped=True), Tally(grouped=True)
    for number, count in (source.__dict__.get("support_counts") or {}).items():
        if count:
            supports.change(number, count)
    for number, count in (source.__dict__.get("comment_counts") or {}).items():
        if count:
            comments.change(number, count)
    state.update(layout=LAYOUT, all=numbers, supports=supports, comments=comments,
                 numbering=Numbering(numbers),
                 orders={"recent": LLTreeSet(), "supported": LLTreeSet(),
                         "commented": LLTreeSet()})
    for name in ("last_number", "recent", "by_support", "support_counts", "by_comments",
                 "comment_counts"):
        state.pop(name, None)
    target.__dict__.clear()
    target.__dict__.update(state)
    for name in ("recent", "supported", "commented"):
        tree = target.orders[name]
        tree.update(key for number in numbers if number not in withdrawn
                    for t, key in target.keys_of(number) if t is tree)
    target.randoms = tuple(LLTreeSet(key for number in numbers if number not in withdrawn
                                     for key in [pack(target.random_rank(k, number), number)])
                           for k in range(RANDOM_ORDERS))
    if target is source:
        target._p_changed = True
    return target


def build_facet_orders(index):
    """(Re)build ``index.facet_orders`` from its facets and counts (evolve step
    ``proposals.0006_facet_orders``; ``beffroi reindex``-like cost: one key per
    non-withdrawn proposal, filter value and sort)."""
    from BTrees.IIBTree import difference
    index.facet_orders = OOBTree()
    withdrawn = index.members(("withdrawn", True))
    for name in ORDERED_FACETS:
        for facet in list(index.facets_named(name)):
            numbers = difference(index.facets[facet], withdrawn)
            for sort in FACET_SORTS:
                index.facet_orders[(facet, sort)] = LLTreeSet(
                    [index.sort_key(sort, n) for n in numbers])


def readable(index):
    """``index`` itself, or an upgraded copy in memory when it is still layout 1
    (a GET never writes: the evolve step or the first write upgrades it for good)."""
    return index if index.layout >= LAYOUT else upgrade(index)
