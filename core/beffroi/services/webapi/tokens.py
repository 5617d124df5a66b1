"""Personal access tokens of the JSON API: one organisation, one person, a scope.

A token is ``bfr_`` followed by 43 random URL-safe characters (256 bits), shown once
when it is made. The organisation keeps only its SHA-256 (``Organisation.api_tokens``,
digest → ``PersonalToken``), so a copy of the database hands out no working token,
and a token is looked up only in the organisation of the request's host: presented
to any other organisation it matches nothing (401), whatever the host. Decidim's
API leaks came from lookups that forgot the tenant; here there is no global table.

Scopes: ``read`` (what the person may read, as on the site) and ``write`` (also
create proposals, comment and support, as the person). A token dies when revoked
from the account page, when it expires, and while its owner is blocked or deleted.

Concurrency: each token is its own persistent object under its own key; making or
revoking one touches the BTree, using one writes only that token's ``last_used``, at
most once an hour (a read that writes on every request would make GETs conflict).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.resources.folder import now

PREFIX = "bfr_"
SCOPES = ("read", "write")
#: How often ``last_used`` is written at most.
LAST_USED_PRECISION = timedelta(hours=1)
#: Tokens a person may hold in one organisation.
MAX_TOKENS = 20


class PersonalToken(Persistent):
    """One token: its owner, a name to recognise it, its scope and dates. The secret
    itself is not kept."""
    last_used = None
    expires = None
    idempotency = None          # its Idempotency-Keys (``idempotency.IdempotencyStore``)

    def __init__(self, user_id, name, scope, expires=None):
        self.user_id = user_id
        self.name = name
        self.scope = scope
        self.created = now()
        self.expires = expires
        self.key = secrets.token_hex(8)         # names it in the revocation form

    def allows(self, scope):
        """Does this token carry ``scope`` (``write`` includes ``read``)?"""
        return scope == "read" or self.scope == "write"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _tree(organisation, create=False):
    tree = getattr(organisation, "api_tokens", None)
    if tree is None and create:
        tree = organisation.api_tokens = OOBTree()
    return tree


def issue(organisation, user, name, scope, days=None) -> tuple[str, PersonalToken]:
    """A new token for ``user`` in ``organisation``: ``(secret, record)``. The secret is
    returned once and never stored. ``days``: lifetime (None: until revoked). Raises
    ``ValueError`` on an unknown scope or beyond ``MAX_TOKENS``."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}: one of {', '.join(SCOPES)}")
    if len(tokens_of(organisation, user)) >= MAX_TOKENS:
        raise ValueError(f"at most {MAX_TOKENS} tokens per person")
    secret = PREFIX + secrets.token_urlsafe(32)
    expires = now() + timedelta(days=days) if days else None
    record = PersonalToken(user.id, name, scope, expires)
    if scope == "write":                  # its Idempotency-Keys, made once (never conflicts)
        from beffroi.services.webapi.idempotency import store_of
        store_of(record, create=True)
    _tree(organisation, create=True)[digest(secret)] = record
    return secret, record


def authenticate(organisation, secret):
    """``(user, token)`` for a valid ``secret`` of ``organisation``, or ``(None, None)``:
    unknown here (another organisation's included), revoked, expired, or its owner
    blocked or deleted."""
    tree = _tree(organisation)
    if tree is None or not secret or len(secret) > 100 or not secret.startswith(PREFIX):
        return None, None
    token = tree.get(digest(secret))
    if token is None or (token.expires is not None and token.expires <= now()):
        return None, None
    user = organisation.users.get(token.user_id)
    if user is None or getattr(user, "blocked", False) or getattr(user, "deleted", False):
        return None, None
    moment = now()
    if token.last_used is None or moment - token.last_used > LAST_USED_PRECISION:
        token.last_used = moment
    return user, token


def tokens_of(organisation, user) -> list[PersonalToken]:
    """The tokens of ``user``, newest first (expired ones included, marked by ``expires``)."""
    tree = _tree(organisation)
    if tree is None:
        return []
    found = [t for t in tree.values() if t.user_id == user.id]
    return sorted(found, key=lambda t: t.created, reverse=True)


def revoke(organisation, user, key) -> bool:
    """Revoke the token of ``user`` named by ``key``; False when there is none."""
    tree = _tree(organisation)
    if tree is None:
        return False
    for name, token in list(tree.items()):
        if token.user_id == user.id and token.key == key:
            del tree[name]
            return True
    return False


def revoke_all(organisation, user) -> int:
    """Revoke every token of ``user`` (account deleted); returns how many."""
    tree = _tree(organisation)
    if tree is None:
        return 0
    names = [name for name, token in tree.items() if token.user_id == user.id]
    for name in names:
        del tree[name]
    return len(names)
