"""Server-side records of logged-in sessions, so that a session can end for good.

The session itself is a signed cookie (``beffroi.accounts.session_cookie``); on its own, a
copy of it would keep working until it times out, whatever happened on the server.
So each login also writes a record in the account (``user.sessions``, an OOBTree,
made on the first login): the cookie carries a random session id, the tree keeps the
SHA-256 of that id → a ``SessionRecord``. A request is logged in only while its record
exists. Logging out deletes the record; "log out everywhere", a password change, a
block and an account deletion delete them all. Every app server reads the same
database, so the session ends at once on all of them, and a replayed cookie is anonymous.

Concurrency: records are written at login and logout (POSTs) and touched when a
request comes more than ``TOUCH_INTERVAL`` seconds after the last touch, so that a
GET writes at most once every few minutes per session. Two requests of one session
touching at once conflict on the same record, which resolves the conflict by keeping
the later time (``_p_resolveConflict``). Records of different sessions are different
objects; adding records to the tree is resolved by BTrees' bucket conflict resolution.

The same functions serve participants (``User`` of an organisation) and system
admins (``User`` objects kept in ``AppRoot.system.admins``).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timezone

from BTrees.OOBTree import OOBTree
from persistent import Persistent

#: Seconds between two writes of a session's "last seen" time.
TOUCH_INTERVAL = 300
#: Default idle time (seconds) after which a session ends (``beffroi.session_timeout``).
DEFAULT_TIMEOUT = 1800
#: How many records an account keeps at most (the oldest are dropped at login).
MAX_SESSIONS = 50


class SessionRecord(Persistent):
    """One logged-in browser: when it logged in, when it was last seen (seconds since
    the epoch, UTC) and what it is (browser and system names from its User-Agent)."""

    def __init__(self, browser="", system="", now=None):
        now = time.time() if now is None else now
        self.created = now
        self.last_seen = now
        self.browser = browser
        self.system = system

    @property
    def last_seen_at(self):
        """``last_seen`` as an aware UTC datetime (templates show it in the org's zone)."""
        return datetime.fromtimestamp(self.last_seen, timezone.utc)

    def _p_resolveConflict(self, old, committed, new):
        # two requests of the same session touched it at once: keep the later time
        state = dict(new)
        state["last_seen"] = max(committed.get("last_seen", 0), new.get("last_seen", 0))
        return state


def _key(session_id):
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def session_timeout(settings) -> int:
    """Idle seconds before a session ends, from ``beffroi.session_timeout``."""
    return int(settings.get("beffroi.session_timeout", DEFAULT_TIMEOUT))


def describe_device(user_agent):
    """``(browser, system)`` names read from a User-Agent header ("Firefox", "Windows"),
    with ``""`` for what cannot be told. Parsed by ua-parser (uap-core's rules); the
    header itself is not kept."""
    if not user_agent:
        return "", ""
    from ua_parser import parse
    result = parse(user_agent[:500])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    return (browser if browser != "Other" else ""), (system if system != "Other" else "")


def open_session(account, user_agent="", now=None) -> str:
    """Record a new session of ``account`` and return its id (put it in the cookie).

    Records idle for longer than a day and the oldest beyond ``MAX_SESSIONS`` are
    dropped on the way."""
    now = time.time() if now is None else now
    tree = getattr(account, "sessions", None)
    if tree is None:
        tree = account.sessions = OOBTree()
    stale = [k for k, r in tree.items() if now - r.last_seen > 24 * 3600]
    for key in stale:
        del tree[key]
    if len(tree) >= MAX_SESSIONS:
        oldest = sorted(tree.items(), key=lambda kv: kv[1].last_seen)
        for key, _record in oldest[:len(tree) - MAX_SESSIONS + 1]:
            del tree[key]
    session_id = secrets.token_urlsafe(24)
    tree[_key(session_id)] = SessionRecord(*describe_device(user_agent), now=now)
    return session_id


def session_record(account, session_id, timeout=DEFAULT_TIMEOUT, now=None):
    """The live record of ``session_id`` for ``account``, or None when the session was
    ended or has been idle for longer than ``timeout`` seconds. Reads only."""
    tree = getattr(account, "sessions", None)
    if tree is None or not session_id or not isinstance(session_id, str):
        return None
    record = tree.get(_key(session_id))
    now = time.time() if now is None else now
    # the record may lag by up to TOUCH_INTERVAL behind the last request
    if record is None or now - record.last_seen > timeout + TOUCH_INTERVAL:
        return None
    return record


def check_session(account, session_id, timeout=DEFAULT_TIMEOUT, now=None) -> bool:
    """Is ``session_id`` a live session of ``account``? Touches the record when it was
    last touched more than ``TOUCH_INTERVAL`` seconds ago (the only write a GET makes)."""
    now = time.time() if now is None else now
    record = session_record(account, session_id, timeout, now)
    if record is None:
        return False
    if now - record.last_seen > TOUCH_INTERVAL:
        record.last_seen = now
    return True


def end_session(account, session_id) -> bool:
    """End one session of ``account``; False when it was not (or no longer) there."""
    tree = getattr(account, "sessions", None)
    if tree is None or not session_id:
        return False
    return tree.pop(_key(session_id), None) is not None


def end_session_by_key(account, key) -> bool:
    """End the session whose record is stored under ``key`` (as listed by
    ``active_sessions``: the account page's "log out this device")."""
    tree = getattr(account, "sessions", None)
    if tree is None or not isinstance(key, str):
        return False
    return tree.pop(key, None) is not None


def end_all_sessions(account) -> int:
    """End every session of ``account`` (log out everywhere, password change, block,
    deletion); returns how many there were."""
    tree = getattr(account, "sessions", None)
    if not tree:
        return 0
    count = len(tree)
    tree.clear()
    return count


def active_sessions(account, current_id=None, timeout=DEFAULT_TIMEOUT, now=None):
    """Live sessions of ``account``, the current one first then the most recent, as
    ``(key, record, is_current)``; ``key`` is the stored digest, not the session id
    (showing it gives nobody a way in)."""
    tree = getattr(account, "sessions", None)
    if not tree:
        return []
    now = time.time() if now is None else now
    current = _key(current_id) if current_id else None
    live = [(key, record, key == current) for key, record in tree.items()
            if now - record.last_seen <= timeout + TOUCH_INTERVAL]
    return sorted(live, key=lambda item: (not item[2], -item[1].last_seen))
