"""``beffroi.queues.ShardedQueue``: requests add while a worker takes out, and nobody
conflicts unless the same key is added twice."""
from __future__ import annotations

import pytest
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from beffroi.queues import ShardedQueue
from zodb_helpers import as_requests  # tests/, see conftest.py


@pytest.fixture
def db(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))   # checks read-current objects too
    with db.transaction() as conn:
        conn.root()["queue"] = ShardedQueue(shards=1)      # one shard: every change meets
        conn.root()["other"] = PersistentMapping()
    yield db
    db.close()


def _requests(db, count):
    return as_requests(db, count)


def test_items_come_out_oldest_first_and_leave_when_removed(db):
    with db.transaction() as conn:
        queue = conn.root()["queue"]
        late = queue.put(PersistentMapping(n=2), order="0002")
        early = queue.put(PersistentMapping(n=1), order="0001")
        assert queue.keys() == [early, late] and len(queue) == 2
        assert queue.get(early)["n"] == 1 and queue.get("99:nothing") is None
        assert queue.get("not a key") is None
        assert queue.remove([early, "00:gone", "bad"]) == 1
        assert [v["n"] for _k, v in queue.items()] == [2]


def test_concurrent_adds_and_a_removal_all_merge(db):
    with db.transaction() as conn:
        first = conn.root()["queue"].put(PersistentMapping(n=0), order="0000")
    (tm1, c1), (tm2, c2), (tm3, c3) = _requests(db, 3)
    c1.root()["queue"].put(PersistentMapping(n=1), order="0001")
    c1.root()["other"]["written"] = 1                 # a request writing other things too
    c2.root()["queue"].put(PersistentMapping(n=2), order="0002")
    c3.root()["queue"].remove([first])                # the worker, done with the first
    tm3.commit()
    tm1.commit()
    tm2.commit()
    with db.transaction() as conn:
        assert [v["n"] for _k, v in conn.root()["queue"].items()] == [1, 2]


def test_the_same_key_added_twice_conflicts(db):
    (tm1, c1), (tm2, c2) = _requests(db, 2)
    for conn in (c1, c2):
        shard = conn.root()["queue"].shards[0]
        shard.items["00:same"] = PersistentMapping()
        shard._p_changed = True
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()


def test_a_queue_has_a_sensible_number_of_shards():
    with pytest.raises(ValueError):
        ShardedQueue(shards=0)
