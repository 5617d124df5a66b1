"""``beffroi.limits``: at most N per person, conflicting only when one person races."""
from __future__ import annotations

import pytest
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.MappingStorage import MappingStorage
from ZODB.POSException import ConflictError

from beffroi import limits
from zodb_helpers import as_requests  # tests/, see conftest.py

SCOPE = "tests.votes"


@pytest.fixture
def db():
    db = DB(MappingStorage())
    with db.transaction() as conn:
        conn.root()["holder"] = PersistentMapping()
    yield db
    db.close()


def _two(db):
    return as_requests(db, 2)


def test_the_limit_refuses_and_a_give_back_frees_a_place(db):
    with db.transaction() as conn:
        holder = conn.root()["holder"]
        assert limits.take(holder, SCOPE, "ana", 1, 2) is True
        assert limits.take(holder, SCOPE, "ana", 1, 2) is False      # already held
        limits.take(holder, SCOPE, "ana", 2, 2)
        with pytest.raises(limits.LimitReached):
            limits.take(holder, SCOPE, "ana", 3, 2)
        assert limits.left(holder, SCOPE, "ana", 2) == 0
        assert limits.give_back(holder, SCOPE, "ana", 1) is True
        assert limits.left(holder, SCOPE, "ana", 2) == 1
        assert limits.left(holder, SCOPE, "ana", 0) is None
        assert limits.held(holder, SCOPE, "bob") == ()


def test_two_concurrent_takes_by_one_person_conflict_so_the_retry_rechecks(db):
    with db.transaction() as conn:
        limits.take(conn.root()["holder"], SCOPE, "ana", 1, 2)
    (tm1, c1), (tm2, c2) = _two(db)
    limits.take(c1.root()["holder"], SCOPE, "ana", 2, 2)
    limits.take(c2.root()["holder"], SCOPE, "ana", 3, 2)      # both saw 1 of 2
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()
    with pytest.raises(limits.LimitReached):                     # the retry sees 2 of 2
        limits.take(c2.root()["holder"], SCOPE, "ana", 3, 2)


def test_different_people_never_conflict(db):
    with db.transaction() as conn:
        holder = conn.root()["holder"]
        limits.take(holder, SCOPE, "ana", 1, 2)
        limits.take(holder, SCOPE, "bob", 1, 2)
    (tm1, c1), (tm2, c2) = _two(db)
    limits.take(c1.root()["holder"], SCOPE, "ana", 2, 2)
    limits.take(c2.root()["holder"], SCOPE, "bob", 2, 2)
    tm1.commit()
    tm2.commit()
    with db.transaction() as conn:
        holder = conn.root()["holder"]
        assert limits.held(holder, SCOPE, "ana") == (1, 2)
        assert limits.held(holder, SCOPE, "bob") == (1, 2)


def test_items_recorded_before_the_ledger_count_through_the_seed(db):
    with db.transaction() as conn:
        holder = conn.root()["holder"]
        assert limits.left(holder, SCOPE, "ana", 2, seed=lambda: [7]) == 1
        with pytest.raises(limits.LimitReached):
            limits.take(holder, SCOPE, "ana", 8, 1, seed=lambda: [7])
        limits.take(holder, SCOPE, "ana", 8, 2, seed=lambda: [7])
        assert limits.held(holder, SCOPE, "ana") == (7, 8)


def test_forgetting_a_person_frees_their_allowances_only(db):
    with db.transaction() as conn:
        holder = conn.root()["holder"]
        limits.take(holder, SCOPE, "ana", 1, 1)
        limits.take(holder, "tests.other", "ana", 1, 1)
        limits.take(holder, SCOPE, "bob", 1, 1)
        limits.forget(holder, "ana")
        assert limits.left(holder, SCOPE, "ana", 1) == 1
        assert limits.left(holder, "tests.other", "ana", 1) == 1
        assert limits.left(holder, SCOPE, "bob", 1) == 0
