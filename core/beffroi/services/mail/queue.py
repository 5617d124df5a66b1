"""Outgoing mail: an outbox kept in the ZODB, delivered by SMTP outside requests.

``queue_mail`` adds a message inside the current transaction, so a request that
aborts sends nothing, and every app server of a scale-out installation shares the
same outbox (nothing is queued on one node's disk). ``delivery.deliver_pending`` sends what
is due, one transaction per message: it first claims the message (so two delivery
workers never send it twice; the claim lasts ``CLAIM_SECONDS`` from the moment it is
taken), sends it, then records the delivery on the message object alone — a write
nobody else makes, so no conflict can lose it — and only then moves it from
``pending`` to ``sent`` (tidied by a later round if that move conflicts). A failure
is recorded with a retry count and a later attempt time. Every message keeps the
``Message-ID`` made when it was queued, so a message sent again after a worker died
mid-send is recognised as the same one downstream. It runs from ``beffroi send-mail``
or, when ``mail.background = true``, from a thread of the app process.

Messages carrying an unsubscribe address get ``List-Unsubscribe`` (kept readable, not
folded into an encoded word) and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058): the address must accept a POST without a CSRF token.
"""
from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timezone
from email.utils import make_msgid

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.queues import ShardedQueue

log = logging.getLogger(__name__)

OUTBOX_KEY = "beffroi.mail"


def _now():
    return datetime.now(timezone.utc)


class MailError(ValueError):
    """A message that cannot be queued (no recipient, header injection …)."""


class QueuedMessage(Persistent):
    """One message of the outbox; its sender is resolved when it is delivered."""

    message_id = None      # made at queue time (older messages: at their first claim)

    def __init__(self, organisation_id, to, subject, text, html=None, unsubscribe_url=None,
                 message_id=None):
        self.organisation_id = organisation_id
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.unsubscribe_url = unsubscribe_url
        self.created = _now()
        self.attempts = 0
        self.last_error = ""
        self.next_attempt = self.created
        self.claimed_until = None
        self.sent_at = None
        self.message_id = message_id


def new_message_id(domain) -> str:
    """A ``Message-ID`` for a message queued by the organisation at ``domain``."""
    return make_msgid(domain=(domain or "localhost").split(":", 1)[0])


class Outbox(Persistent):
    """Messages by key ``<nanoseconds>-<random>``: concurrent requests add distinct
    keys, which BTrees merge without a ConflictError. ``notification_jobs`` (a
    ``beffroi.queues.ShardedQueue``) holds the notification jobs waiting for their
    fan-out (``beffroi.services.notifications.queue``); ``events``, the OOBTree that
    held them before, is only read for jobs queued by an older version."""

    events = None               # outboxes made before the notification queue
    notification_jobs = None    # outboxes made before the sharded queue: see ensure_outbox

    def __init__(self):
        self.pending = OOBTree()
        self.sent = OOBTree()
        self.failed = OOBTree()
        self.notification_jobs = ShardedQueue()


def get_outbox(conn, create=True):
    """The outbox of the database ``conn`` belongs to (created on first use)."""
    root = conn.root()
    outbox = root.get(OUTBOX_KEY)
    if outbox is None and create:
        outbox = root[OUTBOX_KEY] = Outbox()
    return outbox


def ensure_outbox(db, attempts=5):
    """Create the outbox at start-up, so that requests never write the root mapping.
    Processes starting at the same moment (after an upgrade: each gives the outbox its
    queue) may conflict: the one that lost tries again and finds the other's."""
    from ZODB.POSException import ConflictError
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in range(attempts):
            try:
                with tm:
                    outbox = get_outbox(conn)
                    if outbox.notification_jobs is None:
                        outbox.notification_jobs = ShardedQueue()
                return
            except ConflictError:
                if attempt == attempts - 1:
                    raise
    finally:
        conn.close()


def _jar_of(obj):
    while obj is not None:
        jar = getattr(obj, "_p_jar", None)
        if jar is not None:
            return jar
        obj = getattr(obj, "__parent__", None)
    raise MailError("the organisation is not stored in a database yet")


def _clean_header(value, what):
    value = (value or "").strip()
    if "\n" in value or "\r" in value:
        raise MailError(f"the {what} must be on one line")
    return value


def queue_mail(organisation, to, subject, text, html=None, unsubscribe_url=None):
    """Queue a message from ``organisation`` to ``to`` in the current transaction.

    Sent by ``deliver_pending`` after the transaction commits; never if it aborts.
    ``unsubscribe_url`` adds a ``List-Unsubscribe`` header. Returns the message key."""
    to = _clean_header(to, "recipient")
    if "@" not in to:
        raise MailError(f"{to!r} is not an e-mail address")
    subject = _clean_header(subject, "subject")[:250]
    if unsubscribe_url:
        unsubscribe_url = _clean_header(unsubscribe_url, "unsubscribe address")
    outbox = get_outbox(_jar_of(organisation))
    key = f"{time.time_ns():020d}-{uuid.uuid4().hex}"
    outbox.pending[key] = QueuedMessage(organisation.id, to, subject, text, html, unsubscribe_url,
                                        new_message_id(getattr(organisation, "host", None)))
    return key


# --- delivery ---------------------------------------------------------------------------
