"""The notification kinds plugins declare, and conflict-free storage under concurrency."""
from __future__ import annotations

import pathlib
import sys

import pytest
import transaction

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi import NotificationInfo, hookimpl
from beffroi.plugins import PluginError, load_plugins


class _Kinds:
    def __init__(self, *kinds):
        self.kinds = kinds

    @hookimpl
    def register_notifications(self):
        return [NotificationInfo(kind, kind) for kind in self.kinds]


def test_plugin_kinds_are_listed_with_the_core_ones():
    from beffroi.services.notifications.model import notification_kinds
    plugins = load_plugins(extra=[("kinds", _Kinds("meetings.cancelled"))], load_entrypoints=False)
    kinds = notification_kinds(plugins)
    assert {"comments.new", "meetings.cancelled"} <= set(kinds)


@pytest.mark.parametrize("kinds, message", [
    (("cancelled",), "must be namespaced"),
    (("comments.new",), "already declared by 'beffroi'"),
    (("meetings.x", "meetings.x"), "already declared by 'kinds'"),
])
def test_bad_kinds_stop_the_start_naming_the_plugin(kinds, message):
    with pytest.raises(PluginError) as info:
        load_plugins(extra=[("kinds", _Kinds(*kinds))], load_entrypoints=False)
    assert "'kinds'" in str(info.value) and message in str(info.value)


def _two_connections(db):
    tms = [transaction.TransactionManager(), transaction.TransactionManager()]
    conns = [db.open(transaction_manager=tm) for tm in tms]
    return tms, conns


def test_concurrent_votes_follows_and_notifications_do_not_conflict(beffroi_db):
    """Two requests voting on one comment, following one idea and notifying one person at
    the same moment both commit: nothing is lost and no retry is needed."""
    from persistent.mapping import PersistentMapping
    from beffroi.services.follows import model as follows
    from beffroi.services.notifications import model as notifications
    from beffroi.services.comments.model import add_comment, comment_folder
    from beffroi.resources.organisation import Organisation

    from test_comments_support import Idea
    tm = transaction.TransactionManager()
    conn = beffroi_db.open(transaction_manager=tm)
    with tm:
        org = Organisation("Test", "test.localhost")
        org.__name__ = "test"
        conn.root()["t"] = PersistentMapping({"org": org})
        idea = org.spaces.add("bench", Idea("Bench"))     # directly under the organisation
        comment = add_comment(idea, org, "author", "Hello")
        comment.vote("u0", 1)
        name = comment.__name__
        follows.follow(org, "u0", idea)
        store = notifications.get_store(org, create=True)
        notifications._deliver_in_app(store, "reader", notifications.Event(
            notifications._event_key(), "comments.new", "first", "/"))
    conn.close()

    tms, conns = _two_connections(beffroi_db)
    for i, (tm, c) in enumerate(zip(tms, conns), start=1):
        tm.begin()
        org = c.root()["t"]["org"]
        idea = org.spaces["bench"]
        comment_folder(idea)[name].vote(f"u{i}", 1)
        follows.follow(org, f"u{i}", idea)
        store = notifications.get_store(org)
        notifications._deliver_in_app(store, "reader", notifications.Event(
            notifications._event_key(), "comments.new", f"event {i}", "/"))
    for tm in tms:
        tm.commit()                                   # no ConflictError
    for c in conns:
        c.close()
    tm = transaction.TransactionManager()
    conn = beffroi_db.open(transaction_manager=tm)
    with tm:
        org = conn.root()["t"]["org"]
        idea = org.spaces["bench"]
        comment = comment_folder(idea)[name]
        assert comment.up() == 3 and set(comment.votes) == {"u0", "u1", "u2"}
        assert follows.followers_of(org, idea) == {"u0", "u1", "u2"}
        assert notifications.unread_count(org, "reader") == 3
    conn.close()
