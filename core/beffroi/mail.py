"""Outgoing mail: an outbox kept in the ZODB, delivered by SMTP outside requests.

``queue_mail`` adds a message inside the current transaction, so a request that
aborts sends nothing, and every app server of a scale-out installation shares the
same outbox (nothing is queued on one node's disk). ``deliver_pending`` sends what
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
import smtplib
import ssl
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
import email.policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.settings import asbool
from ZODB.POSException import ConflictError

log = logging.getLogger(__name__)

OUTBOX_KEY = "beffroi.mail"
MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300            # a worker that died mid-send frees its message after this
KEEP_SENT_DAYS = 7
BACKOFF_SECONDS = (60, 300, 1800, 7200)
#: Headers up to the RFC 5322 line limit stay on one line: a long ``List-Unsubscribe``
#: address would otherwise be folded into an encoded word mail clients cannot read.
POLICY = email.policy.SMTP.clone(max_line_length=998)


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
    keys, which BTrees merge without a ConflictError. ``events`` holds the
    notification jobs waiting for their fan-out (``beffroi.notification_queue``)."""

    events = None           # outboxes made before the notification queue: see ensure_outbox

    def __init__(self):
        self.pending = OOBTree()
        self.sent = OOBTree()
        self.failed = OOBTree()
        self.events = OOBTree()


def get_outbox(conn, create=True):
    """The outbox of the database ``conn`` belongs to (created on first use)."""
    root = conn.root()
    outbox = root.get(OUTBOX_KEY)
    if outbox is None and create:
        outbox = root[OUTBOX_KEY] = Outbox()
    return outbox


def ensure_outbox(db):
    """Create the outbox at start-up, so that requests never write the root mapping."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            outbox = get_outbox(conn)
            if outbox.events is None:
                outbox.events = OOBTree()
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

def smtp_config(organisation, settings):
    """SMTP host, port, credentials and sender for ``organisation``: its own
    ``smtp_settings`` when it has a host, else the installation's ``mail.*`` settings."""
    own = getattr(organisation, "smtp_settings", None) or {}
    if own.get("host"):
        cfg = {"host": own["host"], "port": int(own.get("port") or 25),
               "username": own.get("username") or "", "password": own.get("password") or "",
               "starttls": bool(own.get("starttls")),
               "sender": own.get("sender") or settings.get("mail.default_sender")}
    else:
        cfg = {"host": settings.get("mail.host", "localhost"),
               "port": int(settings.get("mail.port", 25)),
               "username": settings.get("mail.username") or "",
               "password": settings.get("mail.password") or "",
               "starttls": asbool(settings.get("mail.starttls", False)),
               "sender": own.get("sender") or settings.get("mail.default_sender")}
    if not cfg["sender"]:
        cfg["sender"] = f"noreply@{getattr(organisation, 'host', None) or 'localhost'}"
    return cfg


def build_message(queued, sender):
    """The ``EmailMessage`` of a queued message, with the ``Message-ID`` it got when it
    was queued (the same on every attempt)."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = queued.to
    msg["Subject"] = queued.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = queued.message_id or new_message_id(
        sender.rsplit("@", 1)[-1].strip("> "))
    msg["Auto-Submitted"] = "auto-generated"
    if queued.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{queued.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(queued.text or "")
    if queued.html:
        msg.add_alternative(queued.html, subtype="html")
    return msg


def send_smtp(msg, cfg, timeout=30):
    """Send one message with ``smtplib`` using ``cfg`` from ``smtp_config``."""
    with smtplib.SMTP(cfg["host"], cfg["port"], timeout=timeout) as smtp:
        if cfg["starttls"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["username"]:
            smtp.login(cfg["username"], cfg["password"])
        smtp.send_message(msg)


def _due_keys(db, now):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        outbox = get_outbox(conn, create=False)
        if outbox is None:
            return []
        return [k for k, m in outbox.pending.items()
                if m.sent_at is not None or (
                    m.next_attempt <= now and (m.claimed_until is None or m.claimed_until < now))]
    finally:
        tm.abort()
        conn.close()


def _claim(conn, tm, key):
    """Mark ``key`` as being sent by this worker for ``CLAIM_SECONDS`` from now; None
    when it is gone, taken, or sent already (then only moved to ``sent``)."""
    from beffroi.resources.root import ROOT_KEY
    with tm:
        outbox = get_outbox(conn)
        queued = outbox.pending.get(key)
        now = _now()
        if queued is None or (queued.claimed_until is not None and queued.claimed_until >= now):
            return None
        if queued.sent_at is not None:
            _file_as_sent(outbox, key)
            return None
        queued.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        if queued.message_id is None:         # queued before Message-IDs were kept
            queued.message_id = new_message_id(None)
        app = conn.root().get(ROOT_KEY)
        org = app.organisations.get(queued.organisation_id) if app is not None else None
        return queued, org


def deliver_pending(db, settings, out=print, plugins=None) -> int:
    """Write the waiting notifications (their immediate e-mails join the outbox), then
    send the messages that are due; return how many were sent. ``plugins`` (the
    ``PluginSet``) gives the notification kinds' titles and the plugins' catalogs."""
    from beffroi.notification_queue import fan_out_pending
    fan_out_pending(db, plugins, out=out)
    sent = 0
    for key in _due_keys(db, _now()):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            try:
                claimed = _claim(conn, tm, key)
            except ConflictError:
                continue                      # another worker took it
            if claimed is None:
                continue
            queued, org = claimed
            error = None
            try:
                cfg = smtp_config(org, settings)
                send_smtp(build_message(queued, cfg["sender"]), cfg)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            line = _record(conn, tm, key, error)
            if line:
                out(line)
            if error is None:
                _move_to_sent(conn, tm, key)
            if error is None:
                sent += 1
        finally:
            conn.close()
    _prune_sent(db)
    return sent


def _record(conn, tm, key, error):
    """Record the outcome of sending ``key``; return a line for the log.

    A delivery is written on the message object alone (nobody else writes a claimed
    message), retried on a conflict with fresh data; a failure also moves the message
    to ``failed`` after ``MAX_ATTEMPTS``."""
    for _attempt in range(10):
        try:
            with tm:
                outbox = get_outbox(conn)
                queued = outbox.pending.get(key)
                if queued is None:
                    return ""
                queued.claimed_until = None
                queued.attempts += 1
                if error is None:
                    queued.sent_at = _now()
                    # the body may hold single-use links: once sent, keep who, what and when
                    queued.text, queued.html = "", None
                    return f"sent {queued.subject!r} to {queued.to}"
                queued.last_error = error[:500]
                if queued.attempts >= MAX_ATTEMPTS:
                    del outbox.pending[key]
                    outbox.failed[key] = queued
                    return f"gave up on {queued.subject!r} to {queued.to}: {error}"
                delay = BACKOFF_SECONDS[min(queued.attempts - 1, len(BACKOFF_SECONDS) - 1)]
                queued.next_attempt = _now() + timedelta(seconds=delay)
                return (f"will retry {queued.subject!r} to {queued.to} "
                        f"(attempt {queued.attempts}): {error}")
        except ConflictError:
            time.sleep(0.01 * (_attempt + 1))
    return f"could not record the outcome of {key} (conflicts); it stays claimed"


def _file_as_sent(outbox, key):
    queued = outbox.pending.pop(key, None)
    if queued is not None:
        outbox.sent[key] = queued


def _move_to_sent(conn, tm, key):
    """Move a delivered message from ``pending`` to ``sent``. Housekeeping only: after
    a conflict the next round does it (a message with ``sent_at`` is never resent)."""
    try:
        with tm:
            _file_as_sent(get_outbox(conn), key)
    except ConflictError:
        pass


def _prune_sent(db, days=KEEP_SENT_DAYS):
    """Forget sent messages older than ``days`` (kept a while to answer "did it go?")."""
    limit = f"{int((time.time() - days * 86400) * 1e9):020d}"
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            outbox = get_outbox(conn, create=False)
            if outbox is None:
                return
            old = list(outbox.sent.keys(max=limit, excludemax=True))[:1000]
            for key in old:
                del outbox.sent[key]
    except ConflictError:
        pass
    finally:
        conn.close()


# --- background delivery in the app process ---------------------------------------------

_worker = None


def start_background(db, settings, plugins=None):
    """Deliver from a daemon thread every ``mail.background_interval`` seconds (default 10),
    when ``mail.background = true``: notifications first, then mail. Returns the
    thread, or None when disabled."""
    global _worker
    if not asbool(settings.get("mail.background", False)):
        return None
    if _worker is not None and _worker.is_alive():
        return _worker
    interval = float(settings.get("mail.background_interval", 10))
    stop = threading.Event()

    def run():
        while not stop.wait(interval):
            try:
                deliver_pending(db, settings, out=log.info, plugins=plugins)
            except Exception:          # keep the thread alive; the next round retries
                log.exception("mail delivery failed")

    _worker = threading.Thread(target=run, name="beffroi-mail", daemon=True)
    _worker.stop = stop
    _worker.start()
    return _worker


def stop_background(timeout=5):
    """Stop the background delivery thread, if any (tests, clean shutdowns)."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None:
        worker.stop.set()
        worker.join(timeout)
