"""``beffroi.sharded.ShardedTree``: a registry keyed by person that newcomers join at
the same moment without conflicting, and the evolve step that converts older stores."""
from __future__ import annotations

import pytest
from BTrees.OOBTree import OOBTree, OOTreeSet
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from beffroi.builtins import shard_registries
from beffroi.sharded import ShardedTree, to_sharded
from zodb_helpers import as_requests  # tests/, see conftest.py


@pytest.fixture
def db(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))   # checks read-current objects too
    yield db
    db.close()


def _two(db):
    return as_requests(db, 2)


def _newcomers_at_once(db, registry):
    """400 people are in; two requests add 20 newcomers each, close in key order (the
    same bucket of a plain tree); return None or the ConflictError of the second."""
    with db.transaction() as conn:
        conn.root()["registry"] = registry
        for i in range(400):
            registry[f"person-{i:04d}"] = i
    (tm1, c1), (tm2, c2) = _two(db)
    for i in range(20):
        c1.root()["registry"][f"person-0100-{i:02d}a"] = i
        c2.root()["registry"][f"person-0100-{i:02d}b"] = i
    tm1.commit()
    try:
        tm2.commit()
    except ConflictError as exc:
        tm2.abort()
        return exc
    return None


def test_newcomers_at_once_conflict_in_a_plain_tree_not_in_a_sharded_one(db, tmp_path):
    assert _newcomers_at_once(db, ShardedTree()) is None
    with db.transaction() as conn:
        registry = conn.root()["registry"]
        assert len(registry) == 440 and registry["person-0100-07b"] == 7
    other = DB(FileStorage(str(tmp_path / "plain.fs")))
    try:            # why: the first request's bucket split rewrote the root the other read
        assert isinstance(_newcomers_at_once(other, OOBTree()), ConflictError)
    finally:
        other.close()


def test_it_is_a_mapping():
    tree = ShardedTree({"ana": 1, "bob": 2}, shards=4)
    tree["cleo"] = 3
    assert tree.get("ana") == 1 and tree["bob"] == 2 and "cleo" in tree
    assert tree.get("nobody") is None and "nobody" not in tree and len(tree) == 3
    assert sorted(tree.keys()) == ["ana", "bob", "cleo"] and sorted(tree) == ["ana", "bob", "cleo"]
    assert sorted(tree.values()) == [1, 2, 3] and dict(tree.items())["ana"] == 1
    assert tree.setdefault("dan", 4) == 4 and tree.setdefault("dan", 5) == 4
    assert tree.pop("dan") == 4 and tree.pop("dan", None) is None
    with pytest.raises(KeyError):
        tree.pop("dan")
    del tree["bob"]
    with pytest.raises(KeyError):
        tree["bob"]
    assert bool(tree) and not ShardedTree(shards=2)
    assert to_sharded(tree) is tree
    with pytest.raises(ValueError):
        ShardedTree(shards=0)


def test_the_evolve_step_converts_follows_and_limits_keeping_everything(platform):
    from beffroi import limits
    from beffroi.services.follows.model import FollowStore, follow, followers_of
    platform.add_org("Commune de Test", "test.localhost")
    platform.add_space("test.localhost", "place", "The square", modules=["proposals"])
    with platform.tx() as app:                     # stores as an older version made them
        org = app.organisation_for_host("test.localhost")
        store = org._beffroi_follows = FollowStore()
        store.followers, store.following = OOBTree(), OOBTree()
        store.followers["/place"] = OOTreeSet(["ana"])
        store.following["ana"] = OOTreeSet(["/place"])
        container = org.spaces["place"]["proposals"]
        limits.take(container, "tests.votes", "ana", 1, 2)
        setattr(container, limits.ATTR, OOBTree(dict(getattr(container, limits.ATTR).items())))
    with platform.tx() as app:
        shard_registries(app)
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        store = org._beffroi_follows
        assert isinstance(store.followers, ShardedTree) and isinstance(store.following, ShardedTree)
        assert followers_of(org, "/place") == {"ana"}
        follow(org, "bob", "/place")
        container = org.spaces["place"]["proposals"]
        assert isinstance(getattr(container, limits.ATTR), ShardedTree)
        assert limits.held(container, "tests.votes", "ana") == (1,)
    with platform.tx() as app:
        assert followers_of(app.organisation_for_host("test.localhost"), "/place") == {"ana", "bob"}


def test_supports_work_before_and_after_the_proposals_evolve_step(platform):
    """An index made by an older version keeps each person's supports in an ``OOBTree``:
    supporting works on it, and ``proposals.0005_sharded_supports`` keeps every set."""
    from beffroi_proposals import _shard_user_supports
    from beffroi_proposals.models import add_proposal, proposal_index
    from beffroi_proposals.supports import cast_support, withdraw_support
    platform.add_org("Commune de Test", "test.localhost")
    platform.add_space("test.localhost", "place", "The square", modules=["proposals"])
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        first = add_proposal(container, "A bench", "x", "markdown", "ana", catalog=False)
        second = add_proposal(container, "A tree", "x", "markdown", "ana", catalog=False)
        proposal_index(container).user_supports = OOBTree()      # as an older version made it
        cast_support(container, first, "bob", {"support_limit": 2})
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        _shard_user_supports(app)
        index = proposal_index(container)
        assert isinstance(index.user_supports, ShardedTree)
        assert list(index.user_supports.get("bob")) == [first.number]
        cast_support(container, container[str(second.number)], "bob", {"support_limit": 2})
        withdraw_support(container, container[str(first.number)], "bob", {"support_limit": 2})
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        assert list(proposal_index(container).user_supports.get("bob")) == [second.number]
