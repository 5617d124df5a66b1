"""The anonymous page cache: what a reverse proxy could keep, kept in the process.

A page a visitor without a session gets is the same for every such visitor
(``beffroi.tweens``: ``public, s-maxage=60``), so a reverse proxy may serve it for a
minute. Many communes run Beffroi without one; this tween keeps those pages in memory
instead, and does better than a proxy on freshness: an entry is only served while the
database is at the transaction it was rendered from — any commit, by this process or
another one (ZEO, RelStorage), makes every entry stale — and never after the page's
``s-maxage`` (60 s), which bounds what changes with the clock alone (a phase that opens
at a set time).

Kept: ``GET``/``HEAD`` from a visitor without a session cookie and without an
``Authorization`` header, answered 200 ``text/html`` without ``Set-Cookie`` and judged
shareable by ``beffroi.tweens.is_shareable``. The key is the host, the path with its query
string and the language cookie. Memory is bounded (``beffroi.page_cache_mb``, default 32;
0 turns the cache off); the least recently used pages leave first.

With RelStorage, a process learns of another process's commit when one of its
connections polls (every request that is not served from the cache does): a page may
then be served up to ``s-maxage`` seconds after a change made elsewhere, exactly what a
reverse proxy in front would do.
"""
from __future__ import annotations

import collections
import threading
import time

from pyramid.response import Response

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

    def _at(self, tid):
        if tid != self.tid:                 # the database moved on: nothing is current
            self.pages.clear()
            self.size = 0
            self.tid = tid

    def get(self, key, tid):
        """``(status, headers, body)`` of a page rendered at ``tid``, or None."""
        with self._lock:
            self._at(tid)
            entry = self.pages.get(key)
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
        if len(body) > MAX_PAGE_BYTES or len(body) > self.max_bytes:
            return
        with self._lock:
            self._at(tid)
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (time.monotonic() + self.max_age, page)
            self.size += len(body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key):
        _expiry, page = self.pages.pop(key)
        self.size -= len(page[2])


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
    return (request.host, request.path_qs, request.cookies.get(LOCALE_COOKIE, ""))


def page_cache_tween_factory(handler, registry):
    mb = cache_size_mb(registry.settings)
    if not mb:
        return handler
    cache = registry.beffroi_page_cache = PageCache(int(mb * 1024 * 1024))

    def tween(request):
        key = _key(request)
        db = getattr(registry, "_zodb_databases", {}).get("")
        if key is None or db is None:
            return handler(request)
        tid = db.lastTransaction()
        page = cache.get(key, tid)
        if page is not None:
            status, headers, body = page
            response = Response(body=body, status=status)
            response.headerlist = [(k, v) for k, v in response.headerlist
                                   if k.lower() != "content-type"] + list(headers)
            response.content_length = len(body)
            return response
        response = handler(request)
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
