"""``Idempotency-Key`` on the API's POSTs (IETF draft-ietf-httpapi-idempotency-key-header):
a client that sends a POST again (a network retry, a double click) with the same key
gets the first answer back — same status, body and ``Location`` — and nothing is
created twice.

- The key is the header's value, an sf-string (``"…"``) or a bare token of 1 to
  ``MAX_KEY`` printable ASCII characters; anything else is a 400.
- Keys belong to one API token (hence one person in one organisation): the same key
  from another token is another key. A key is remembered ``LIFETIME`` after its first
  successful answer (2xx; a refusal leaves nothing, so the client can correct and send
  again with the same key), then forgotten.
- The same key with another request (another address, method or JSON body: the
  fingerprint) is a 422: the key was reused by mistake.

Storage and concurrency: a token's keys live in its ``IdempotencyStore``, a fixed tuple
of ``SHARDS`` ``beffroi.queues.QueueShard`` mappings made once with the store and never
replaced; a key's shard is chosen by a hash of the key. Concurrent transactions that add
different keys, or forget expired ones, merge at commit: two different keys never
conflict. Two requests with the *same* key at once both add it: the second one's commit
conflicts, ``pyramid_retry`` runs it again, and this time it finds the first answer
and replays it — so even a double click that lands at the same moment creates once.
Expired keys of a shard are forgotten when a key is added to it.
"""
from __future__ import annotations

import hashlib
import json
import re
import time

from persistent import Persistent
from pyramid.response import Response

from beffroi.i18n import _
from beffroi.queues import QueueShard
from beffroi.services.webapi.problems import ApiError

HEADER = "Idempotency-Key"
#: Seconds a key is remembered after its first answer.
LIFETIME = 24 * 3600
MAX_KEY = 255
SHARDS = 16
REPLAYED = "Idempotent-Replayed"

#: A key, bare or as an sf-string: visible ASCII without quotes or backslashes inside.
KEY_PATTERN = r'^("[!#-\[\]-~]{1,%d}"|[!#-\[\]-~]{1,%d})$' % (MAX_KEY, MAX_KEY)
_KEY_RE = re.compile(KEY_PATTERN)


class IdempotencyStore(Persistent):
    """The keys of one API token: ``key → (fingerprint, status, body, location, time)``
    spread over ``SHARDS`` mappings whose concurrent changes merge (module docstring)."""

    def __init__(self, shards: int = SHARDS):
        self.shards = tuple(QueueShard() for _i in range(shards))

    def _shard(self, key: str) -> QueueShard:
        digest = hashlib.sha256(key.encode()).digest()
        return self.shards[digest[0] % len(self.shards)]

    def get(self, key: str, moment: float):
        """The record of ``key`` still alive at ``moment``, or None."""
        record = self._shard(key).items.get(key)
        if record is None or record[4] + LIFETIME <= moment:
            return None
        return record

    def put(self, key: str, record: tuple, moment: float) -> None:
        """Remember ``record`` under ``key``; forget the shard's expired keys."""
        shard = self._shard(key)
        for old in [k for k, r in shard.items.items() if r[4] + LIFETIME <= moment]:
            del shard.items[old]
        shard.items[key] = record
        shard._p_changed = True

    def __len__(self) -> int:
        return sum(len(shard.items) for shard in self.shards)


def store_of(token, create=False) -> IdempotencyStore | None:
    """The keys of ``token`` (a ``PersonalToken``); made with the token, or when first
    needed for a token made before this existed."""
    store = getattr(token, "idempotency", None)
    if store is None and create:
        store = token.idempotency = IdempotencyStore()
    return store


def key_of(request) -> str | None:
    """The request's ``Idempotency-Key`` (without the sf-string quotes), or None without
    the header; raises ``ApiError(400)`` for a value that cannot be a key."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    value = raw.strip()
    if not _KEY_RE.fullmatch(value):
        raise ApiError(400, _("The Idempotency-Key header must be 1 to ${size} visible ASCII "
                              "characters, without quotes or backslashes inside.",
                              mapping={"size": MAX_KEY}),
                       errors=[{"field": HEADER, "message": _("This value is not valid here.")}])
    return value.strip('"')


def fingerprint(request) -> str:
    """What makes two requests the same one: method, address and the JSON body (its
    meaning: key order and spaces do not count)."""
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = request.body or b""
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path_info.encode(),
                                      body])).hexdigest()


def replay(request, token, key: str) -> Response | None:
    """The first answer given to ``key`` by ``token``, as a new response; None when the
    key is new (or expired). Raises ``ApiError(422)`` when the key came with another
    request."""
    store = store_of(token)
    record = store.get(key, time.time()) if store is not None else None
    if record is None:
        return None
    printed, status, body, location, _when = record
    if printed != fingerprint(request):
        raise ApiError(422, _("This Idempotency-Key was already used for another request: "
                              "use a new key for a new request."),
                       errors=[{"field": HEADER, "message": _("Already used for another "
                                                              "request.")}])
    response = Response(body=body, status=status, content_type="application/json",
                        charset="utf-8")
    if location:
        response.headers["Location"] = location
    response.headers[REPLAYED] = "true"
    return response


def remember(request, token, key: str, response) -> None:
    """Keep ``response`` (a 2xx) as the answer to ``key`` from ``token``."""
    if not 200 <= response.status_int < 300:
        return
    record = (fingerprint(request), response.status_int, response.body,
              response.headers.get("Location", ""), time.time())
    store_of(token, create=True).put(key, record, time.time())
