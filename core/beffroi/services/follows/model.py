"""Who follows what: spaces, content objects and participants.

Follows live in one store per organisation, created on the first follow (never on a
read): a BTree of follower sets keyed by the target's key, plus the reverse index
(participant → targets) for their settings page. Both are trees of tree sets, so two
people following the same thing at once do not conflict.

A target's key is its path inside the organisation (``/place/proposals/bench``) or
``@<user id>`` for a participant.
"""
from __future__ import annotations

from BTrees.OOBTree import OOTreeSet
from persistent import Persistent

from beffroi.sharded import ShardedTree

from beffroi.resources.user import User

STORE_ATTR = "_beffroi_follows"


class FollowStore(Persistent):
    """Followers per target key and targets per follower, for one organisation."""

    def __init__(self):
        # sharded: newcomers following at once never conflict (``beffroi.sharded``);
        # stores made before are plain OOBTrees until the evolve step
        # ``beffroi.0002_sharded_registries`` converts them (both work)
        self.followers = ShardedTree()     # target key → OOTreeSet of user ids
        self.following = ShardedTree()     # user id → OOTreeSet of target keys


def organisation_of(obj):
    """The organisation holding ``obj`` (walking up its lineage), or None."""
    from pyramid.traversal import find_interface

    from beffroi.resources.organisation import Organisation
    return find_interface(obj, Organisation) if obj is not None else None


def target_key(obj) -> str:
    """The stable key of a followable object: its path in the organisation or ``@<user id>``."""
    if isinstance(obj, User):
        return "@" + obj.id
    from beffroi.resources.organisation import Organisation
    names = []
    while obj is not None and not isinstance(obj, Organisation):
        name = getattr(obj, "__name__", None)
        if not name:
            raise ValueError(f"{obj!r} is not inside an organisation and cannot be followed")
        names.append(name)
        obj = obj.__parent__
    if obj is None:
        raise ValueError("only objects inside an organisation can be followed")
    return "/" + "/".join(reversed(names))


def _store(organisation, create=False):
    return organisation.part(STORE_ATTR, FollowStore, create)


def follow(organisation, user_id: str, target) -> bool:
    """Make ``user_id`` follow ``target``; True when this is new."""
    key = target if isinstance(target, str) else target_key(target)
    store = _store(organisation, create=True)
    followers = store.followers.get(key)
    if followers is None:
        followers = store.followers[key] = OOTreeSet()
    targets = store.following.get(user_id)
    if targets is None:
        targets = store.following[user_id] = OOTreeSet()
    # add only what is missing: even a no-op ``add`` marks a BTree read-current, and a
    # concurrent follower of the same item would then make this request conflict
    if key not in targets:
        targets.add(key)
    if user_id in followers:
        return False
    followers.add(user_id)
    return True


def unfollow(organisation, user_id: str, target) -> bool:
    """Stop ``user_id`` following ``target``; True when they were following it."""
    key = target if isinstance(target, str) else target_key(target)
    store = _store(organisation)
    if store is None:
        return False
    followers = store.followers.get(key)
    targets = store.following.get(user_id)
    if targets is not None and key in targets:
        targets.remove(key)
    if followers is not None and user_id in followers:
        followers.remove(user_id)
        return True
    return False


def is_following(organisation, user_id: str, target) -> bool:
    """Does ``user_id`` follow ``target``? (Reads only.)"""
    key = target if isinstance(target, str) else target_key(target)
    store = _store(organisation)
    if store is None or user_id is None:
        return False
    followers = store.followers.get(key)
    return followers is not None and user_id in followers


def followers_of(organisation, target) -> set[str]:
    """The ids of the participants following ``target`` (an object or a key)."""
    key = target if isinstance(target, str) else target_key(target)
    store = _store(organisation)
    if store is None:
        return set()
    return set(store.followers.get(key, ()))


def follower_count(organisation, target) -> int:
    """How many participants follow ``target``."""
    key = target if isinstance(target, str) else target_key(target)
    store = _store(organisation)
    if store is None:
        return 0
    followers = store.followers.get(key)
    return len(followers) if followers is not None else 0


def followed_by(organisation, user_id: str) -> list[str]:
    """The keys of everything ``user_id`` follows."""
    store = _store(organisation)
    if store is None:
        return []
    return list(store.following.get(user_id, ()))


def forget_user(organisation, user_id: str) -> None:
    """Remove every follow of ``user_id`` and every follow of them (account deletion)."""
    store = _store(organisation)
    if store is None:
        return
    for key in list(store.following.get(user_id, ())):
        followers = store.followers.get(key)
        if followers is not None and user_id in followers:
            followers.remove(user_id)
    store.following.pop(user_id, None)
    key = "@" + user_id                      # those who followed them follow them no more
    for follower in list(store.followers.get(key, ())):
        targets = store.following.get(follower)
        if targets is not None and key in targets:
            targets.remove(key)
    store.followers.pop(key, None)
