"""Listings whose every page costs what it shows: the kit's paging for every module.

A module keeps, beside its items, one sorted set of 64-bit keys per order
(``rank << 32 | item``, lowest key first; ``item`` is the item's number) and one
integer set per filter value or state (``BTrees`` ``IITreeSet``). A page is then found
by set arithmetic and by positions in the sorted set (``BTrees`` counts a key range
bucket by bucket, in C), and only the items shown are loaded by the caller:

- without filters, page *n* costs the same as page 1 whatever *n*: the position of
  its first item is found from the excluded items (hidden by moderation …), usually
  a handful, never by walking the items before it;
- with filters, the items in every filter set form one integer set; up to
  ``SMALL`` of them are sorted in memory, beyond that the sorted set is walked from
  the nearer end (membership tests in C sets; nothing loaded);
- a page number past the end answers the last page;
- ``Page.next``/``Page.previous`` are keyset cursors (``after=``/``before=`` in the
  links): browsing page after page from a cursor costs one page each.

A rank may be *refined*: its items are then ordered by a key computed at read time
(``Order.refine``), e.g. the exact count inside a coarse support level
(``beffroi.counters.level_of``), so that the stored key changes rarely and concurrent
supports do not collide on the sorted set.

    order = Order(index.orders["supported"], rank_of=..., refine=...)
    page = find_page(order, number=3, size=20, include=None, exclude=hidden_numbers)
    items = [container[str(n)] for n in page.items]
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from BTrees.IIBTree import IITreeSet, difference

SHIFT = 32
MASK = (1 << SHIFT) - 1
#: Filtered listings with at most this many items are sorted in memory.
SMALL = 1000
#: Keys read at once when walking backwards.
CHUNK = 256


def pack(rank: int, item: int) -> int:
    """The sorted-set key of ``item`` (a positive 32-bit number) at ``rank`` (≥ 0)."""
    return (rank << SHIFT) | item


def item_of(key: int) -> int:
    return key & MASK


@dataclass
class Order:
    """One sorted order of a listing.

    ``keys``: an ``LLTreeSet`` of ``pack(rank, item)``. ``rank_of(item)``: the item's
    rank now (to place excluded items and check cursors). ``refine(rank)``: None when
    items of that rank are ordered by number, else a function taking a list of items
    and returning their sort keys (integers, in the same order)."""
    keys: object
    rank_of: Callable[[int], int]
    refine: Optional[Callable[[int], Optional[Callable[[int], object]]]] = None

    def sort_key(self, item):
        """(rank, refined key, item): the item's place in this order."""
        rank = self.rank_of(item)
        refined = self.refine(rank) if self.refine else None
        return (rank, refined([item])[0] if refined else 0, item)


@dataclass
class Page:
    """What one page shows: ``items`` (numbers, in order), its ``number`` (1-based,
    the last page when more was asked), the ``count`` of items in the whole listing,
    ``pages``, and cursors for the pages after and before (None at either end)."""
    items: list
    number: int
    count: int
    pages: int
    next: Optional[str] = None
    previous: Optional[str] = None


def cursor_of(place) -> str:
    rank, refined, item = place
    return f"{rank}.{refined}.{item}"


def parse_cursor(value) -> Optional[tuple]:
    """(rank, refined key, item) from a cursor string, or None when it is not one."""
    try:
        rank, refined, item = (int(part) for part in str(value).split("."))
    except (TypeError, ValueError):
        return None
    if not (0 <= rank <= MASK and 0 < item <= MASK and abs(refined) <= MASK):
        return None
    return rank, refined, item


class _Walker:
    """Visible items of ``order`` from one raw position, in either direction."""

    def __init__(self, order, visible):
        self.order, self.visible = order, visible
        self.items = order.keys.keys()
        self.size = len(order.keys)

    def index_of(self, key):
        """Raw position of the first stored key ≥ ``key``."""
        return len(self.order.keys.keys(max=key - 1)) if key > 0 else 0

    def run(self, rank):
        """(start, end, visible items sorted) of a refined rank, or None."""
        refined = self.order.refine(rank) if self.order.refine else None
        if refined is None:
            return None
        start, end = self.index_of(pack(rank, 0)), self.index_of(pack(rank + 1, 0))
        visible = self.visible
        members = [k & MASK for k in self.order.keys.keys(pack(rank, 0), pack(rank, MASK))]
        members = [m for m in members if visible(m)]
        places = sorted(zip(refined(members), members))
        return start, end, [(rank, key, m) for key, m in places]

    def _refined(self, rank):
        return self.order.refine is not None and self.order.refine(rank) is not None

    def forward(self, raw):
        """Visible places from raw position ``raw`` on. Keys are read as a key range (C
        iteration); a refined rank is read whole and sorted."""
        visible, last_rank, refined = self.visible, None, False
        while raw < self.size:
            restart = None
            # iterating a positional slice of keys() costs ~13 µs a key; a key range, C speed
            for key in self.order.keys.keys(min=self.items[raw]):
                rank = key >> SHIFT
                if rank != last_rank:
                    last_rank, refined = rank, self._refined(rank)
                if refined:
                    run = self.run(rank)
                    yield from run[2]
                    restart = run[1]
                    break
                item = key & MASK
                if visible(item):
                    yield (rank, 0, item)
            if restart is None:
                return
            raw = restart

    def backward(self, raw):
        """Visible places from raw position ``raw`` down to the first. BTrees only
        step forward cheaply, so keys are read in forward chunks and reversed."""
        visible, last_rank, refined = self.visible, None, False
        while raw >= 0:
            low = max(0, raw - CHUNK + 1)
            restart = low - 1
            chunk = list(self.order.keys.keys(self.items[low], self.items[raw]))
            for key in reversed(chunk):
                rank = key >> SHIFT
                if rank != last_rank:
                    last_rank, refined = rank, self._refined(rank)
                if refined:
                    run = self.run(rank)
                    yield from reversed(run[2])
                    restart = run[0] - 1
                    break
                item = key & MASK
                if visible(item):
                    yield (rank, 0, item)
            raw = restart


def _take(stream, skip, count):
    out = []
    for place in stream:
        if skip:
            skip -= 1
            continue
        out.append(place)
        if len(out) == count:
            break
    return out


def _excluded_keys(order, exclude):
    keys = order.keys
    out = []
    for item in exclude:
        key = pack(order.rank_of(item), item)
        if key in keys:
            out.append(key)
    out.sort()
    return out


def _skip(walker, raw, skip, pool, forward):
    """Pass over ``skip`` visible items from raw position ``raw`` a chunk of keys at a
    time (one set intersection each, in C: counting needs no order); return the raw
    position reached and how many visible items remain to skip there. The position
    returned is never inside a refined rank, whose items must be sorted whole."""
    chunk = CHUNK * 8
    if skip < chunk:
        return raw, skip
    members = set(pool)
    keys, items = walker.order.keys, walker.items

    def count(low, high):
        if low > high:
            return 0
        return len(members.intersection([key & MASK for key in keys.keys(items[low], items[high])]))

    while 0 <= raw < walker.size:
        low, high = (raw, min(raw + chunk, walker.size) - 1) if forward \
            else (max(0, raw - chunk + 1), raw)
        seen = count(low, high)
        if seen > skip:
            break
        skip -= seen
        raw = high + 1 if forward else low - 1
    if 0 <= raw < walker.size:
        rank = items[raw] >> SHIFT
        if walker._refined(rank):
            if forward:
                start = walker.index_of(pack(rank, 0))
                skip, raw = skip + count(start, raw - 1), start
            else:
                end = walker.index_of(pack(rank + 1, 0)) - 1
                skip, raw = skip + count(raw + 1, end), end
    return raw, skip


def _unfiltered_start(walker, ekeys, eset, start):
    """Raw position of the visible item at position ``start`` (fixed point on the
    excluded keys before it), moved back to the start of a refined rank; and how many
    visible items to skip from there."""
    raw = start
    while raw < walker.size:
        key = walker.items[raw]
        before = bisect_left(ekeys, key)
        if raw < start + before:
            raw = start + before
            continue
        if item_of(key) in eset:
            raw += 1
            continue
        break
    else:
        return walker.size, 0
    rank = walker.items[raw] >> SHIFT
    if walker.order.refine and walker.order.refine(rank) is not None:
        run_start = walker.index_of(pack(rank, 0))
        seen = run_start - bisect_left(ekeys, pack(rank, 0))
        return run_start, start - seen
    return raw, 0


def find_page(order: Order, number: int = 1, size: int = 20,
              include: Optional[Iterable[int]] = None, exclude: Iterable[int] = (),
              after: Optional[str] = None, before: Optional[str] = None,
              small: Optional[int] = None) -> Page:
    """The page ``number`` (1-based) of ``order`` restricted to ``include`` (an
    ``IITreeSet``/``IISet`` of item numbers, or None for all) without ``exclude``
    (a small iterable of numbers: hidden items). ``after``/``before``: a cursor from a
    previous ``Page``; it wins over ``number`` for finding the items (``number`` is then
    only the label). A number past the end gives the last page; never raises on bad
    input (a cursor that does not parse is ignored). ``small``: up to how many
    filtered items are sorted in memory (default ``SMALL``; items that are in no
    sorted set, e.g. withdrawn ones, must be sorted so)."""
    eset = set(exclude)
    cursor = parse_cursor(after) if after else None
    forward = cursor is not None
    if cursor is None and before:
        cursor = parse_cursor(before)
    if include is not None:
        pool = include if not eset else difference(IITreeSet(include), IITreeSet(eset))
        count = len(pool)
        if count <= (SMALL if small is None else small):
            ordered = sorted(order.sort_key(item) for item in pool)
            return _page_of_list(ordered, number, size, cursor, forward)

        def visible(item):
            return item in pool
    else:
        pool = None
        ekeys = _excluded_keys(order, eset)
        count = len(order.keys) - len(ekeys)

        def visible(item):
            return item not in eset
    pages = max(1, math.ceil(count / size))
    number = min(max(1, number), pages)
    walker = _Walker(order, visible)
    if cursor is not None:
        shown = _from_cursor(walker, cursor, forward, size)
        first = not shown or not _from_cursor(walker, shown[0], False, 1)
        last = not shown or not _from_cursor(walker, shown[-1], True, 1)
    else:
        start = (number - 1) * size
        if include is None:
            raw, skip = _unfiltered_start(walker, ekeys, eset, start)
            shown = _take(walker.forward(raw), skip, size)
        elif start > count / 2:
            raw, skip = _skip(walker, walker.size - 1, max(0, count - start - size), pool, False)
            shown = _take(walker.backward(raw), skip, min(size, count - start))
            shown.reverse()
        else:
            raw, skip = _skip(walker, 0, start, pool, True)
            shown = _take(walker.forward(raw), skip, size)
        first, last = number <= 1, number >= pages
    return _page(shown, number, count, pages, first, last)


def _page(shown, number, count, pages, first, last):
    return Page([place[2] for place in shown], number, count, pages,
                next=None if last or not shown else cursor_of(shown[-1]),
                previous=None if first or not shown else cursor_of(shown[0]))


def _page_of_list(ordered, number, size, cursor, forward):
    """A page of an in-memory sorted list of places."""
    count = len(ordered)
    pages = max(1, math.ceil(count / size))
    number = min(max(1, number), pages)
    if cursor is not None:
        at = bisect_left(ordered, cursor)
        if forward:
            at += 1 if at < count and ordered[at] == cursor else 0
            start = at
        else:
            start = max(0, at - size)
            size = at - start
    else:
        start = (number - 1) * size
    shown = ordered[start:start + size]
    return _page(shown, number, count, pages, start <= 0, start + len(shown) >= count)


def _from_cursor(walker, place, forward, size):
    """Up to ``size`` visible places after (or before) ``place``, in order."""
    rank = place[0]
    run = walker.run(rank)
    out = []
    if run is not None:
        members = run[2] if forward else list(reversed(run[2]))
        for member in members:
            if (member > place) if forward else (member < place):
                out.append(member)
                if len(out) == size:
                    break
        raw = run[1] if forward else run[0] - 1
    elif forward:
        raw = walker.index_of(pack(rank, place[2]) + 1)
    else:
        raw = walker.index_of(pack(rank, place[2])) - 1
    if len(out) < size:
        stream = walker.forward(raw) if forward else walker.backward(raw)
        out.extend(_take(stream, 0, size - len(out)))
    if not forward:
        out.reverse()
    return out
