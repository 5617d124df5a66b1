"""The anonymous page cache: what a reverse proxy could keep, kept in the process.

A page a visitor without a session gets is the same for every such visitor
(``beffroi.tweens``: ``public, s-maxage=60``), so a reverse proxy may serve it for a
minute. Many communes run Beffroi without one; this tween keeps those pages in memory
instead, and does better than a proxy on freshness: an entry is only served while the
database is at the transaction it was rendered from — any commit this process knows of
makes every entry stale (see RelStorage below) — and never after the page's
``s-maxage`` (60 s), which bounds what changes with the clock alone (a phase that opens
at a set time).

Kept: ``GET``/``HEAD`` from a visitor without a session cookie and without an
``Authorization`` header, answered 200 ``text/html`` without ``Set-Cookie`` and judged
shareable by ``beffroi.tweens.is_shareable``. The key is the application URL (scheme and
host, from which the page's links are built), the path with its query string and the
language cookie. Memory is bounded (``beffroi.page_cache_mb``, default 32;
0 turns the cache off); the least recently used pages leave first.

With RelStorage the database object never polls (its ``lastTransaction()`` stays where
it was at start-up), so the state is the newest one a request's connection saw or
committed (every request that is not served from the cache tells): a change made by a
request of this process is seen at once; a change made elsewhere (another process, a
``beffroi`` command, a worker thread of this one) when the next request that is not
served from the cache opens a connection — a page may then be served up to
``s-maxage`` seconds after it, exactly what a reverse proxy in front would do.
"""
from __future__ import annotations

import collections
import threading
import time

from pyramid.response import Response
from ZODB.interfaces import IMVCCStorage

from beffroi.tweens import ANONYMOUS_MAX_AGE, SESSION_COOKIE, is_shareable

DEFAULT_MB = 32
#: Pages larger than this are not kept (a listing is ~10 KB).
MAX_PAGE_BYTES = 512 * 1024
#: Response headers a cached page carries again (the outer tweens add the others).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "Vary")


class PageCache:
    """A bounded LRU of rendered pages for one database state (thread-safe)."""

    def __init__(self, max_bytes: int, max_age: float = ANONYMOUS_MAX_AGE):
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.tid = None
        self.size = 0
        self.pages: collections.OrderedDict = collections.OrderedDict()
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def _at(self, tid) -> bool:
        """Is ``tid`` the newest state seen? (A newer one empties the cache; an older one,
        from a request that started before a commit, leaves it alone.)"""
        if self.tid is not None and tid < self.tid:
            return False
        if tid != self.tid:                 # the database moved on: nothing is current
            self.pages.clear()
            self.size = 0
            self.tid = tid
        return True

    def get(self, key, tid):
        """``(status, headers, body)`` of a page rendered at ``tid``, or None."""
        with self._lock:
            entry = self.pages.get(key) if self._at(tid) else None
            if entry is None or entry[0] < time.monotonic():
                if entry is not None:
                    self._drop(key)
                self.misses += 1
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key, tid, page):
        body = page[2]
        cost = _cost(key, page)
        if len(body) > MAX_PAGE_BYTES or cost > self.max_bytes:
            return
        with self._lock:
            if not self._at(tid):
                return
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (time.monotonic() + self.max_age, page, cost)
            self.size += cost
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key):
        _expiry, _page, cost = self.pages.pop(key)
        self.size -= cost


#: Bytes counted for an entry besides its body, key and headers (tuples, the LRU link).
ENTRY_OVERHEAD = 256


def _cost(key, page) -> int:
    """The memory an entry holds: its body, and its key and headers too (a visitor
    chooses the address and the language cookie: a query string of 200 KB on a page
    of 4 KB must count as 200 KB, or the cache grows far past its bound)."""
    _status, headers, body = page
    key_bytes = sum(len(part) for part in key) if isinstance(key, tuple) else len(key)
    return (len(body) + key_bytes + sum(len(k) + len(v) for k, v in headers)
            + ENTRY_OVERHEAD)


def cache_size_mb(settings) -> float:
    """``beffroi.page_cache_mb`` (default 32; 0 turns the cache off). Raises
    ``ValueError`` on a value that is not a non-negative number."""
    value = (settings or {}).get("beffroi.page_cache_mb", DEFAULT_MB)
    try:
        mb = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"beffroi.page_cache_mb must be a number of megabytes, not {value!r}") \
            from None
    if mb < 0:
        raise ValueError("beffroi.page_cache_mb cannot be negative")
    return mb


def _key(request):
    if request.method not in ("GET", "HEAD") or SESSION_COOKIE in request.cookies \
            or request.authorization is not None or "HTTP_AUTHORIZATION" in request.environ:
        return None
    from beffroi.i18n import LOCALE_COOKIE
    # the application URL carries the scheme and host that the page's links are built from
    return (request.application_url, request.path_qs, request.cookies.get(LOCALE_COOKIE, ""))


class _SeenState:
    """The newest database state this process knows of: ``db.lastTransaction()``, and the
    transaction the connection of each request saw or committed (the only news with
    RelStorage, whose database object never polls; see the module docstring)."""

    def __init__(self):
        self.tid = None
        self._lock = threading.Lock()

    def current(self, db):
        if not IMVCCStorage.providedBy(db.storage):
            return db.lastTransaction()          # FileStorage, ZEO: always current
        return self.tid

    def learn(self, request):
        """The state the request's connection is at (None if it opened none)."""
        conn = getattr(request, "_primary_zodb_conn", None)      # pyramid_zodbconn
        if conn is None or getattr(conn, "_storage", None) is None:
            return None
        try:
            tid = conn._storage.lastTransaction()
        except Exception:       # a closed or broken connection: learn nothing
            return None
        with self._lock:
            if self.tid is None or tid > self.tid:
                self.tid = tid
        return tid


def page_cache_tween_factory(handler, registry):
    mb = cache_size_mb(registry.settings)
    if not mb:
        return handler
    cache = registry.beffroi_page_cache = PageCache(int(mb * 1024 * 1024))
    seen = _SeenState()

    def tween(request):
        key = _key(request)
        db = getattr(registry, "_zodb_databases", {}).get("")
        if db is None:
            return handler(request)
        if key is None:
            response = handler(request)
            seen.learn(request)
            return response
        tid = seen.current(db)
        page = cache.get(key, tid) if tid is not None else None
        if page is not None:
            status, headers, body = page
            response = Response(body=body, status=status)
            response.headerlist = [(k, v) for k, v in response.headerlist
                                   if k.lower() != "content-type"] + list(headers)
            response.content_length = len(body)
            return response
        response = handler(request)
        rendered_at = seen.learn(request)
        if tid is None or (rendered_at is not None and rendered_at != tid):
            return response            # the database moved while rendering: not kept
        if (response.status_int == 200 and (response.content_type or "") == "text/html"
                and "Set-Cookie" not in response.headers
                and is_shareable(request, response)):
            body = response.body
            headers = [(k, v) for k, v in response.headerlist if k in KEPT_HEADERS]
            cache.put(key, tid, (response.status, headers, body))
        return response

    return tween


def includeme(config):
    config.add_tween("beffroi.views.pagecache.page_cache_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
