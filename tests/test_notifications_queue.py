"""The notification fan-out runs out of the request: the request writes one job, the
worker writes inboxes, digests and e-mails; readers never conflict with it; content
hidden by moderation drops out of the lists and digests."""
from __future__ import annotations

import pathlib
import sys

import pytest
import transaction

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi.services.notifications import queue as notification_queue

from beffroi.services.notifications import model as notifications
from beffroi.devkit.testing import csrf_of  # noqa: E402
from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, IdeasPlugin, browse_as, post_comment, site,
)


@pytest.fixture
def beffroi_settings(beffroi_db):
    return {"beffroi.db": beffroi_db, "beffroi.secret": "test-secret-" + "x" * 40,
            "pyramid.default_locale_name": "en", "retry.attempts": "3",
            "notifications.fan_out": "worker",
            "beffroi.extra_plugins": [("ideas_test", IdeasPlugin())]}


def _follow_space(browser):
    browser.post("/-/follow", {"csrf_token": csrf_of(browser.get("/-/notifications")),
                               "target": "/place"}, status=302)


def _publish_idea(browser, title, name):
    browser.post("/place/ideas/add", {"csrf_token": csrf_of(browser.get("/-/notifications")),
                                      "title": title, "name": name}, status=302)


def test_the_request_queues_one_job_and_the_worker_fills_the_inboxes(site, mail_outbox):
    bob, carol = browse_as(site, "bob@example.org"), browse_as(site, "carol@example.org")
    for browser in (bob, carol):
        _follow_space(browser)
    _publish_idea(browse_as(site, "alice@example.org"), "A library", "library")
    assert notification_queue.waiting(site.db) == 1
    assert "No notification yet" in bob.get("/-/notifications").text    # not written yet
    mail_outbox.deliver()                    # the worker: fan-out, then mail
    assert notification_queue.waiting(site.db) == 0
    with site.tx() as app:                   # done jobs left the queue
        from beffroi.services.mail.queue import get_outbox
        assert len(notification_queue.jobs_of(get_outbox(app._p_jar))) == 0
    for browser in (bob, carol):
        assert "A library" in browser.get("/-/notifications").text
    mail_outbox.deliver()
    assert len(bob.get("/-/notifications").html.find_all("li", class_="notification")) == 1


def test_a_reader_marking_read_never_conflicts_with_the_worker(site):
    from beffroi.resources.root import get_app_root
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        store = notifications.get_store(org, create=True)
        for i in range(notifications.INBOX_LIMIT + 10):       # a full inbox
            notifications._deliver_in_app(store, "reader", notifications.Event(
                notifications._event_key(), "comments.new", f"old {i}", "/"))
    managers = [transaction.TransactionManager() for _i in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    reader, worker = (get_app_root(c).organisation_for_host(HOST) for c in conns)
    notifications.mark_all_read(reader, "reader")
    notifications._deliver_in_app(notifications.get_store(worker), "reader", notifications.Event(
        notifications._event_key(), "comments.new", "new", "/"))
    for tm in managers:
        tm.commit()                                             # no ConflictError
    for conn in conns:
        conn.close()
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        assert notifications.unread_count(org, "reader") == 1
        events = notifications.get_store(org).inboxes["reader"].events
        # over the limit, an inbox is trimmed in batches, not by one key per delivery
        assert len(events) == notifications.INBOX_LIMIT + 11
        for i in range(notifications.INBOX_SLACK - 10):          # up to LIMIT + SLACK + 1
            notifications._deliver_in_app(notifications.get_store(org), "reader",
                                          notifications.Event(notifications._event_key(),
                                                              "comments.new", f"more {i}", "/"))
        assert len(events) == notifications.INBOX_LIMIT
        assert notifications.inbox_events(org, "reader", limit=1)[0][0].title == "more 39"


def _report(site, path, emails):
    for email in emails:
        browser = browse_as(site, email)
        browser.post(path + "/report", {"csrf_token": csrf_of(browser.get("/-/notifications")),
                                        "reason": "offensive"})


def test_hidden_content_leaves_notifications_and_digests(site, mail_outbox):
    from beffroi.cli import Env, build_parser
    from beffroi.cli.notify import _send_digests
    site.add_user(HOST, "dan@example.org", "Dan")
    bob = browse_as(site, "bob@example.org")
    _follow_space(bob)
    alice = browse_as(site, "alice@example.org")
    _publish_idea(alice, "Buy my watches", "watches")
    _publish_idea(alice, "A library", "library")
    mail_outbox.deliver()
    assert "Buy my watches" in bob.get("/-/notifications").text
    _report(site, "/place/ideas/watches", ["bob@example.org", "carol@example.org",
                                           "dan@example.org"])
    page = bob.get("/-/notifications").text
    assert "Buy my watches" not in page and "A library" in page
    env = Env("unused.ini", out=lambda line: None)
    env._settings, env._plugins, env._db = {"beffroi.url_scheme": "http"}, site.plugins, site.db
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--daily"]))
    [msg] = mail_outbox.deliver()
    text = mail_outbox.text(msg)
    assert "A library" in text and "watches" not in text.lower()
    assert "1 new notification" in msg["Subject"]


@pytest.mark.parametrize("setting", [{"notifications.fan_out": "workers"},
                                     {"retry.backoff_ms": "fast"}])
def test_a_misspelt_setting_fails_at_start_up(beffroi_db, setting):
    from beffroi.app import make_config
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40, **setting}
    with pytest.raises(ValueError, match=next(iter(setting))):
        make_config(settings).make_wsgi_app()


def test_an_outbox_of_an_older_database_gets_its_queue(site, mail_outbox):
    """An outbox saved before the sharded queue has no ``notification_jobs`` and may hold
    jobs in its ``events`` BTree: start-up adds the queue, the worker delivers both."""
    from BTrees.OOBTree import OOBTree

    from beffroi.services.mail.queue import ensure_outbox, get_outbox
    bob = browse_as(site, "bob@example.org")
    _follow_space(bob)
    _publish_idea(browse_as(site, "alice@example.org"), "A library", "library")
    with site.tx() as app:                     # as saved by the older version
        outbox = get_outbox(app._p_jar)
        [(key, job)] = outbox.notification_jobs.items()
        outbox.events = OOBTree({key: job})
        del outbox.notification_jobs
    with site.tx() as app:
        assert get_outbox(app._p_jar).notification_jobs is None
    ensure_outbox(site.db)                     # what start-up does
    assert notification_queue.waiting(site.db) == 1
    _publish_idea(browse_as(site, "alice@example.org"), "A garden", "garden")
    assert notification_queue.waiting(site.db) == 2
    mail_outbox.deliver()
    assert notification_queue.waiting(site.db) == 0
    text = bob.get("/-/notifications").text
    assert "A library" in text and "A garden" in text
    with site.tx() as app:                     # both stores are empty again
        outbox = get_outbox(app._p_jar)
        assert len(outbox.events) == 0 and len(outbox.notification_jobs) == 0


def test_two_workers_at_once_tell_each_follower_once(site):
    import threading
    bob = browse_as(site, "bob@example.org")
    _follow_space(bob)
    alice = browse_as(site, "alice@example.org")
    for n in range(4):
        _publish_idea(alice, f"Idea {n}", f"idea-{n}")
    assert notification_queue.waiting(site.db) == 4
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            notification_queue.fan_out_pending(site.db)
        except Exception as exc:           # noqa: BLE001 (reported below)
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert notification_queue.waiting(site.db) == 0
    page = bob.get("/-/notifications")
    assert len(page.html.find_all("li", class_="notification")) == 4


def test_two_processes_starting_at_once_on_an_older_outbox_both_start(tmp_path, monkeypatch):
    """After an upgrade, every app process gives the outbox its queue at start-up; when
    two start at the same moment, the second one's write conflicts: it must see the
    first one's queue and start, not fail."""
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from beffroi.queues import ShardedQueue
    from beffroi.services.mail import queue as mail_queue
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            mail_queue.get_outbox(conn).notification_jobs = None      # an older outbox
        calls = []

        def other_process_first(*args):
            if not calls:                    # the other process commits in between
                calls.append(1)
                with db.transaction() as other:
                    mail_queue.get_outbox(other).notification_jobs = ShardedQueue()
            return ShardedQueue(*args)
        monkeypatch.setattr(mail_queue, "ShardedQueue", other_process_first)
        mail_queue.ensure_outbox(db)
        with db.transaction() as conn:
            assert isinstance(mail_queue.get_outbox(conn).notification_jobs, ShardedQueue)
    finally:
        db.close()
