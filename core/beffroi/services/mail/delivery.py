"""Delivering the outbox by SMTP, outside requests (see ``beffroi.services.mail.queue``
for the outbox and its guarantees): claims, sending, recording, retries with back-off,
the background thread. Notifications waiting in their queue are fanned out first.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from datetime import timedelta
import email.policy
from email.message import EmailMessage
from email.utils import formatdate

import transaction
from pyramid.settings import asbool
from ZODB.POSException import ConflictError

from beffroi.services.mail.queue import _now, get_outbox, new_message_id

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300            # a worker that died mid-send frees its message after this
KEEP_SENT_DAYS = 7
BACKOFF_SECONDS = (60, 300, 1800, 7200)
#: Headers up to the RFC 5322 line limit stay on one line: a long ``List-Unsubscribe``
#: address would otherwise be folded into an encoded word mail clients cannot read.
POLICY = email.policy.SMTP.clone(max_line_length=998)


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
    """Write the waiting notifications (their immediate e-mails join the outbox) and the
    next batches of newsletters being sent, then send the messages that are due; return how many were sent. ``plugins`` (the
    ``PluginSet``) gives the notification kinds' titles and the plugins' catalogs."""
    from beffroi.services.newsletters.model import queue_newsletter_batches
    from beffroi.services.notifications.queue import fan_out_pending
    fan_out_pending(db, plugins, out=out)
    queue_newsletter_batches(db, settings, plugins, out=out)
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
