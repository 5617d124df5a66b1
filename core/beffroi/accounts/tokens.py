"""Single-use, expiring tokens sent by mail (confirm an address, reset a password, invite).

The token itself is only in the mail; the organisation keeps its SHA-256, so a copy
of the database does not hand out valid links. Each token belongs to one
organisation: a link from one organisation is worthless on another's host.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from typing import NamedTuple

from BTrees.OOBTree import OOBTree

#: Purposes used by the core: "confirm" (an e-mail address), "reset" (a password),
#: "invite" (an account created by an administrator), "email" (a new address).
PURPOSES = ("confirm", "reset", "invite", "email")


class Token(NamedTuple):
    """What a token grants: a purpose for one user until ``expires``; ``data`` is
    purpose-specific (the new address of an e-mail change). Stored inline in the
    BTree buckets (not a persistent object each), so pruning is cheap."""
    user_id: str
    purpose: str
    expires: datetime
    data: object = None


def _digest(token):
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def _now():
    return datetime.now(timezone.utc)


def _tokens(organisation, create=False):
    tree = organisation.tokens
    if tree is None and create:
        tree = organisation.tokens = OOBTree()
    return tree


def issue_token(organisation, user_id, purpose, ttl_seconds, data=None) -> str:
    """A new random token for ``user_id`` and ``purpose``, valid ``ttl_seconds``.

    Earlier tokens of the same user and purpose stay valid until used or expired;
    expired tokens are pruned here, a few at a time."""
    token = secrets.token_urlsafe(32)
    tree = _tokens(organisation, create=True)
    _prune(tree)
    tree[_digest(token)] = Token(user_id, purpose, _now() + timedelta(seconds=ttl_seconds), data)
    return token


def _valid(organisation, token, purpose):
    tree = _tokens(organisation)
    if tree is None or not token or len(token) > 200:
        return None, None
    key = _digest(token)
    entry = tree.get(key)
    if entry is None or entry.purpose != purpose or entry.expires <= _now():
        return None, None
    return key, entry


def peek_token(organisation, token, purpose):
    """The user id a valid token grants, without using it (for showing a form)."""
    _key, entry = _valid(organisation, token, purpose)
    return entry.user_id if entry is not None else None


def peek_token_data(organisation, token, purpose):
    """``(user_id, data)`` of a valid token, or ``(None, None)``; does not use it."""
    _key, entry = _valid(organisation, token, purpose)
    return (entry.user_id, entry.data) if entry is not None else (None, None)


def consume_token(organisation, token, purpose):
    """The user id of a valid token, which is then spent; None if invalid, expired or used."""
    key, entry = _valid(organisation, token, purpose)
    if entry is None:
        return None
    del organisation.tokens[key]
    return entry.user_id


def revoke_tokens(organisation, user_id, purpose=None):
    """Spend every token of ``user_id`` (of one purpose, or all): after a password
    change or an account deletion, old links must stop working."""
    tree = _tokens(organisation)
    if tree is None:
        return 0
    keys = [k for k, t in tree.items() if t.user_id == user_id and purpose in (None, t.purpose)]
    for key in keys:
        del tree[key]
    return len(keys)


#: What changing the e-mail address or the password spends: every link that could reset
#: the password, confirm an address or set a first password.
CREDENTIAL_PURPOSES = ("confirm", "reset", "invite", "email")


def revoke_credentials_tokens(organisation, user_id):
    """Spend every reset, invitation and confirmation link of ``user_id``: called when
    the account's e-mail address or password changes, so that a link mailed before
    (perhaps to an old address someone else now reads) no longer opens the account.
    Returns how many were spent."""
    tree = _tokens(organisation)
    if tree is None:
        return 0
    keys = [k for k, t in tree.items() if t.user_id == user_id and t.purpose in CREDENTIAL_PURPOSES]
    for key in keys:
        del tree[key]
    return len(keys)


def _prune(tree, limit=20, scan=500):
    now = _now()
    expired = []
    for i, (key, entry) in enumerate(tree.items()):
        if i >= scan:
            break
        if entry.expires <= now:
            expired.append(key)
            if len(expired) >= limit:
                break
    for key in expired:
        del tree[key]
