"""The listing kit (beffroi.listing) and its counters (beffroi.counters): every way of
reaching a page gives the same items as sorting everything by hand, and concurrent
counts merge in a real ZODB."""
from __future__ import annotations

import random

import pytest
import transaction
from BTrees.IIBTree import IITreeSet
from BTrees.LLBTree import LLTreeSet
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from beffroi.counters import Numbering, Tally, level_is_exact, level_of
from beffroi.listing import Order, find_page, pack

TOP = 1 << 20


def _listing(n=1500, seed=3):
    rng = random.Random(seed)
    counts = {i: min(200, int(rng.paretovariate(1.1)) - 1) for i in range(1, n + 1)}
    keys = LLTreeSet(pack(TOP - level_of(c), i) for i, c in counts.items())

    def refine(rank):
        return None if level_is_exact(TOP - rank) else (lambda items: [-counts[i] for i in items])
    order = Order(keys, lambda item: TOP - level_of(counts[item]), refine)
    return counts, order


def _expected(counts, include=None, exclude=()):
    return sorted((i for i in counts if (include is None or i in include) and i not in exclude),
                  key=lambda i: (-counts[i], i))


def _follow(order, size, **kw):
    out, cursor, pages = [], None, 0
    while True:
        page = find_page(order, 1, size, after=cursor, **kw)
        out.extend(page.items)
        pages += 1
        if page.next is None:
            return out, pages
        cursor = page.next


@pytest.mark.parametrize("small", [None, 0])
def test_every_page_by_number_or_by_cursor_matches_a_full_sort(small, monkeypatch):
    from beffroi import listing
    monkeypatch.setattr(listing, "CHUNK", 16)         # skipping by chunks is exercised
    counts, order = _listing()
    assert any(c >= 16 for c in counts.values())            # refined ranks are exercised
    hidden = {3, 50, 51, 400}
    nature = IITreeSet(i for i in counts if i % 3)
    for include in (None, nature):
        expected = _expected(counts, include, hidden)
        pages = -(-len(expected) // 20)
        for number in (1, 2, pages // 3, pages // 2, pages // 2 + 2, pages - 7, pages - 1, pages):
            page = find_page(order, number, 20, include=include, exclude=hidden, small=small)
            assert page.items == expected[(number - 1) * 20:number * 20], (include is None, number)
            assert page.count == len(expected) and page.pages == pages
        past = find_page(order, 10_000, 20, include=include, exclude=hidden, small=small)
        assert past.number == pages and past.items == expected[(pages - 1) * 20:]
        followed, count = _follow(order, 20, include=include, exclude=hidden, small=small)
        assert followed == expected and count == pages
        middle = find_page(order, pages // 2, 20, include=include, exclude=hidden, small=small)
        back = find_page(order, 1, 20, include=include, exclude=hidden, small=small,
                         before=middle.previous)
        assert back.items == expected[(pages // 2 - 2) * 20:(pages // 2 - 1) * 20]


def test_bad_cursors_and_empty_listings_give_pages():
    counts, order = _listing(30)
    for cursor in ("x", "1.2", "-1.0.1", "1.0.0", "5.5.5.5", ""):
        assert find_page(order, 1, 20, after=cursor).items == _expected(counts)[:20]
    empty = find_page(Order(LLTreeSet(), lambda i: 0), 7, 20)
    assert empty.items == [] and empty.number == 1 and empty.next is None


def test_levels_are_exact_then_coarser():
    assert [level_of(c) for c in (0, 1, 15)] == [0, 1, 15]
    assert level_of(16) == level_of(19) != level_of(20)
    assert level_of(1000) == level_of(1010) and level_of(1000) < level_of(2000)
    assert all(level_of(c) <= level_of(c + 1) for c in range(5000))


def _db(tmp_path):
    # FileStorage: it resolves conflicts (MappingStorage does not)
    return DB(FileStorage(str(tmp_path / "Data.fs")))


def _two_writers(db, root_name, first, second):
    """Run ``first`` and ``second`` on the same snapshot in two connections, commit both."""
    tms = [transaction.TransactionManager() for _ in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in tms]
    for conn, change in zip(conns, (first, second)):
        change(conn.root()[root_name])
    tms[0].commit()
    try:
        tms[1].commit()
    finally:
        for conn in conns:
            conn.close()


def test_concurrent_counts_of_one_item_merge_and_a_missed_level_change_conflicts(tmp_path):
    db = _db(tmp_path)
    with transaction.manager:
        conn = db.open()
        conn.root()["t"] = tally = Tally(grouped=True)
        tally.change(7, 20)                               # level 20–23
        tally.change(300, 1)
    conn.close()
    _two_writers(db, "t", lambda t: t.change(7, 1), lambda t: t.change(7, 1))
    _two_writers(db, "t", lambda t: t.change(7, -1), lambda t: t.change(300, -1))
    with transaction.manager:
        conn = db.open()
        assert conn.root()["t"].get(7) == 21 and conn.root()["t"].get(300) == 0
        conn.root()["t"].change(7, 1)                     # 22
    conn.close()
    with pytest.raises(ConflictError):                    # each saw 23, together 24: new level
        _two_writers(db, "t", lambda t: t.change(7, 1), lambda t: t.change(7, 1))
    with pytest.raises(ConflictError):                    # exact levels: 3 + 1 + 1 is not 4
        _two_writers(db, "t", lambda t: t.change(300, 3), lambda t: t.change(300, 3))


def test_concurrent_numbering_gives_unique_numbers_or_a_conflict(tmp_path, monkeypatch):
    import beffroi.counters
    db = _db(tmp_path)
    with transaction.manager:
        conn = db.open()
        conn.root()["n"] = Numbering()
        assert [conn.root()["n"].allocate(1) for _ in range(3)] == [1, 2, 3]
    conn.close()
    got = []

    def spread(numbering):           # a retry's choice among 16 free numbers: here the last
        monkeypatch.setattr(beffroi.counters.random, "choice", lambda seq: seq[-1])
        got.append(numbering.allocate(16))
        monkeypatch.undo()
    _two_writers(db, "n", lambda n: got.append(n.allocate(1)), spread)
    assert got == [4, 19]
    with transaction.manager:
        conn = db.open()
        numbering = conn.root()["n"]
        assert len(numbering) == 5 and set(numbering.taken) == {1, 2, 3, *got}
    conn.close()
    with pytest.raises(ConflictError):                    # the same number taken twice
        _two_writers(db, "n", lambda n: n.allocate(1), lambda n: n.allocate(1))


def test_deep_pages_land_right_when_refined_ranks_sit_in_the_middle(monkeypatch):
    from beffroi import listing
    monkeypatch.setattr(listing, "CHUNK", 16)

    def refined_key(item):
        return -(item * 7 % 13)

    def refine(rank):
        return (lambda items: [refined_key(i) for i in items]) if 20 <= rank < 30 else None
    items = range(1, 1501)
    order = Order(LLTreeSet(pack(i % 50, i) for i in items), lambda i: i % 50, refine)

    def place(i):
        rank = i % 50
        return (rank, refined_key(i) if 20 <= rank < 30 else 0, i)
    keep = IITreeSet(i for i in items if i % 3)
    for include in (None, keep):
        expected = [p[2] for p in sorted(place(i) for i in items if include is None or i in include)]
        pages = -(-len(expected) // 20)
        for number in range(1, pages + 1):
            page = find_page(order, number, 20, include=include, small=0)
            assert page.items == expected[(number - 1) * 20:number * 20], (include is None, number)
