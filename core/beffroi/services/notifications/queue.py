"""The notification fan-out, out of the request, through the mail queue.

``publish`` (``beffroi.services.notifications.model``) writes one ``NotificationJob`` — the event and
the ids of its recipients — into ``Outbox.notification_jobs`` of the mail outbox, a
``beffroi.queues.ShardedQueue``: requests adding jobs never conflict with each other
nor with the worker taking done jobs out (a BTree there did: each insert marks its
root read-current and each purge rewrote it, so on two processes over PostgreSQL
some comments gave up after ten attempts). The worker takes jobs oldest first by
their event key. A job's transaction marks the job done (its own object: two workers
on one job conflict there, so nobody is told twice) without touching the queue; done
jobs leave the queue in one short transaction per round. Jobs queued by an older
version in the ``Outbox.events`` BTree are delivered and purged the same way.
``fan_out_pending`` then writes each job's inbox entries, digest entries and
immediate e-mails in a transaction of its own and removes the job; a conflict there
retries the job, never the participant's request.

Who runs ``fan_out_pending``, by the setting ``notifications.fan_out``:

- ``after_request`` (default; development and tests): right after the request that
  published commits, in the same thread, for that request's jobs only; leftovers
  (a fan-out that kept conflicting) wait for the worker.
- ``worker`` (``production.ini``): only the mail delivery worker —
  ``beffroi send-mail --loop N`` or the ``mail.background`` thread of each app
  process — which fans out every waiting job before sending mail.
"""
from __future__ import annotations

import logging
import time

import transaction
from persistent import Persistent
from ZODB.POSException import ConflictError

log = logging.getLogger(__name__)

MODES = ("after_request", "worker")
ATTEMPTS = 5


class NotificationJob(Persistent):
    """One published event waiting to be written into its recipients' inboxes."""

    done = False

    def __init__(self, organisation_id, event, recipients, base_url):
        self.organisation_id = organisation_id
        self.event = event
        self.recipients = tuple(recipients)
        self.base_url = base_url          # links in immediate e-mails ("https://host")


def fan_out_mode(settings) -> str:
    """The ``notifications.fan_out`` setting; raises ``ValueError`` on another value."""
    mode = (settings or {}).get("notifications.fan_out", "after_request") or "after_request"
    if mode not in MODES:
        raise ValueError(f"notifications.fan_out must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def jobs_of(outbox, create=False):
    """The queue of notification jobs of the mail outbox, a ``ShardedQueue`` (made at
    start-up by ``ensure_outbox``; ``create`` makes it on an outbox without one)."""
    from beffroi.queues import ShardedQueue
    jobs = getattr(outbox, "notification_jobs", None)
    if jobs is None and create:
        jobs = outbox.notification_jobs = ShardedQueue()
    return jobs


def _legacy_jobs(outbox):
    """The ``events`` BTree where an older version queued jobs (None when absent)."""
    return getattr(outbox, "events", None) if outbox is not None else None


def _job(outbox, key):
    """The job queued under ``key``, in the queue or in the older tree; or None."""
    jobs, legacy = jobs_of(outbox), _legacy_jobs(outbox)
    job = jobs.get(key) if jobs is not None else None
    if job is None and legacy is not None:
        job = legacy.get(key)
    return job


def _all_jobs(outbox):
    """``(key, job)`` of every queued job, both stores, oldest first."""
    found = list(jobs_of(outbox).items()) if jobs_of(outbox) is not None else []
    legacy = _legacy_jobs(outbox)
    if legacy is not None:
        found.extend(legacy.items())
    return sorted(found, key=lambda item: item[0].split(":", 1)[-1])


def mail_base(request, organisation):
    """``scheme://host[:port]`` of links in mail, from the configuration (``beffroi.urls``)."""
    from beffroi.urls import public_base
    return public_base(request.registry.settings, organisation.host)


def publish(request, kind, target, actor=None, title=None, url=None, space=None):
    """Record an event about ``target`` for its followers.

    ``actor`` (default: the logged-in participant) is the one who acted: their own
    followers are told, they are not. ``title`` defaults to the target's title, ``url``
    to its URL, ``space`` to the space in its lineage. Kinds ending in ``.created`` or
    ``.published`` make the actor follow the target: authors hear about what they made.
    The recipients are chosen now (followers who may see the target and did not mute
    the kind); their inboxes, digests and e-mails are written by the delivery worker
    after this request commits (``fan_out_pending`` below). Returns the
    ``Event``, or None when nobody is to be told. Raises ``ValueError`` on a kind
    nobody declared with ``register_notifications()``."""
    from beffroi.resources.space import Space
    from beffroi.security import lineage_of, permits
    from beffroi.services.follows import model as follows
    from beffroi.services.notifications.model import (
        Event, _event_key, _relative_path, notification_kinds, recipients_of,
    )
    kinds = notification_kinds(request.registry.beffroi)
    if kind not in kinds:
        raise ValueError(f"unknown notification kind {kind!r}: declare it with "
                         f"register_notifications()")
    organisation = request.organisation
    actor = actor if actor is not None else request.user
    if space is None:
        space = lineage_of(target, Space)
    actor_id = getattr(actor, "id", None)
    if actor_id and kind.endswith((".created", ".published")) and not isinstance(target, Space):
        follows.follow(organisation, actor_id, target)
    recipients = []
    for uid in sorted(recipients_of(organisation, target, space, actor_id)):
        user = organisation.users.get(uid)
        if user is None or user.blocked or user.deleted:
            continue
        if kind in (getattr(user, "muted_notification_kinds", ()) or ()):
            continue
        if not permits(request, user, target, "view"):
            continue                   # a follower who lost access to a private space
        recipients.append(uid)
    if not recipients:
        return None
    title = title if title is not None else str(getattr(target, "title", "") or "")
    url = url or request.resource_url(target)
    try:
        key = follows.target_key(target)
    except ValueError:
        key = None
    event = Event(_event_key(), kind, title, _relative_path(request, url), actor_id,
                  getattr(actor, "name", "") if actor is not None else "",
                  getattr(space, "title", "") if space is not None else "", key)
    enqueue(request, organisation, event, recipients)
    return event


def enqueue(request, organisation, event, recipients):
    """Queue ``event`` for ``recipients`` in the request's transaction; in
    ``after_request`` mode, fan it out once the request has committed."""
    from beffroi.services.mail.queue import _jar_of, get_outbox
    outbox = get_outbox(_jar_of(organisation))
    key = jobs_of(outbox, create=True).put(
        NotificationJob(organisation.id, event, recipients, mail_base(request, organisation)),
        order=event.key)
    registry = request.registry
    if fan_out_mode(registry.settings) != "after_request":
        return
    keys = request.__dict__.setdefault("_beffroi_notification_jobs", [])
    if not keys:
        db = registry._zodb_databases[""]
        request.tm.get().addAfterCommitHook(_after_commit, args=(db, registry.beffroi, keys))
    keys.append(key)


def _after_commit(committed, db, plugins, keys):
    if committed:
        try:
            fan_out_pending(db, plugins, keys=list(keys))
        except Exception:                 # the worker will find the jobs still queued
            log.exception("notification fan-out after the request failed")


def fan_out_pending(db, plugins=None, keys=None, out=None) -> int:
    """Write the waiting notification jobs (or only ``keys``), oldest first, one
    transaction each; return how many were delivered. A job that keeps conflicting
    stays queued for the next round."""
    from beffroi.services.mail.queue import get_outbox
    from beffroi.services.notifications.model import (
        deliver, localizer_cache, notification_kinds,
    )
    from beffroi.resources.root import ROOT_KEY
    if keys is None:
        conn = db.open()
        try:
            outbox = get_outbox(conn, create=False)
            keys = [k for k, job in _all_jobs(outbox) if not job.done] \
                if outbox is not None else []
        finally:
            conn.close()
    if not keys:
        return 0
    kinds = notification_kinds(plugins)
    localizer = localizer_cache(plugins)

    done = 0
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for key in keys:
            for attempt in range(ATTEMPTS):
                try:
                    with tm:
                        job = _job(get_outbox(conn, create=False), key)
                        if job is None or job.done:
                            break                  # done by another worker
                        app = conn.root().get(ROOT_KEY)
                        org = app.organisations.get(job.organisation_id) if app else None
                        if org is not None:
                            deliver(org, job.event, job.recipients, kinds, job.base_url,
                                    localizer)
                        job.done = True
                    done += 1
                    break
                except ConflictError as exc:
                    log.debug("notification fan-out of %s conflicted on %s (attempt %d)",
                              key, exc.get_class_name() if hasattr(exc, "get_class_name")
                              else "?", attempt + 1)
                    time.sleep(0.005 * (attempt + 1))
            else:
                if out is not None:
                    out(f"notification {key} stays queued (conflicts)")
        if done:
            _purge_done(conn, tm)
    finally:
        tm.abort()
        conn.close()
    return done


def _purge_done(conn, tm):
    """Remove the jobs marked done, in one short transaction (the next round does it
    after a conflict)."""
    from beffroi.services.mail.queue import get_outbox
    try:
        with tm:
            outbox = get_outbox(conn, create=False)
            jobs, legacy = jobs_of(outbox), _legacy_jobs(outbox)
            if jobs is not None:
                jobs.remove([k for k, job in jobs.items() if job.done])
            if legacy is not None:
                for key in [k for k, job in legacy.items() if job.done]:
                    del legacy[key]
    except ConflictError:
        tm.abort()


def waiting(db) -> int:
    """How many notification jobs wait for the worker (health pages, benchmarks)."""
    from beffroi.services.mail.queue import get_outbox
    conn = db.open()
    try:
        return waiting_in(get_outbox(conn, create=False))
    finally:
        conn.close()


def waiting_in(outbox) -> int:
    """How many jobs of ``outbox`` (None: 0) wait for their fan-out."""
    if outbox is None:
        return 0
    return sum(1 for _key, job in _all_jobs(outbox) if not job.done)
