"""The anonymous page cache (``beffroi.views.pagecache``): a visitor without a session
gets a page rendered once, until the database changes or a minute passes; nobody else
ever gets a cached page, and nothing stale is served after a change."""
from __future__ import annotations

import pathlib
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi.views.pagecache import ENTRY_OVERHEAD, PageCache, cache_size_mb  # noqa: E402
from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, beffroi_settings, browse_as, site,
)

PAGE = "/place/ideas/bench"


def _cache(site):
    return site.app.registry.beffroi_page_cache


def test_a_visitor_gets_the_page_rendered_once_until_the_database_changes(site):
    visitor = browse_as(site)
    first = visitor.get(PAGE)
    hits = _cache(site).hits
    again = browse_as(site).get(PAGE)                     # another visitor, no cookie
    assert _cache(site).hits == hits + 1
    assert again.text == first.text and "Set-Cookie" not in again.headers
    assert again.headers["Cache-Control"].startswith("public, max-age=0")
    assert again.headers["Content-Security-Policy"]        # the outer tweens still run
    browse_as(site).get(PAGE, headers={"If-None-Match": first.headers["ETag"]}, status=304)
    with site.tx() as app:                                 # any commit, anywhere
        app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].title = "A new bench"
    assert "A new bench" in browse_as(site).get(PAGE).text


def test_a_participant_never_gets_nor_leaves_a_cached_page(site):
    browse_as(site).get("/place")                          # cached for visitors
    bob = browse_as(site, "bob@example.org")
    hits = _cache(site).hits
    page = bob.get("/place")
    assert "Bob" in page.text and "Log out" in page.text
    assert _cache(site).hits == hits
    assert "Bob" not in browse_as(site).get("/place").text


def test_each_language_has_its_own_copy(site):
    with site.tx() as app:
        app.organisation_for_host(HOST).locales = ("en", "fr")
    english = browse_as(site).get("/place")
    french = browse_as(site)
    french.post("/-/lang", {"l": "fr", "came_from": "/place"}, status=302)
    assert french.cookies.get("_LOCALE_") == "fr"
    page = french.get("/place")
    assert page.html.html["lang"] == "fr" and english.html.html["lang"] == "en"
    assert browse_as(site).get("/place").html.html["lang"] == "en"


def test_errors_and_pages_with_a_session_are_not_kept(site):
    visitor = browse_as(site)
    visitor.get("/-/login")                                # sets the session (CSRF token)
    assert "beffroi" in visitor.cookies
    misses = _cache(site).misses
    browse_as(site).get("/place/ideas/nowhere", status=404)
    browse_as(site).get("/place/ideas/nowhere", status=404)
    assert _cache(site).misses == misses + 2


def test_entries_expire_and_memory_stays_bounded():
    entry = 10 + 1 + ENTRY_OVERHEAD                     # body, key, bookkeeping
    cache = PageCache(max_bytes=2 * entry + entry // 2, max_age=0.05)
    cache.put("a", 1, ("200 OK", [], b"x" * 10))
    cache.put("b", 1, ("200 OK", [], b"y" * 10))
    assert cache.get("a", 1)[2] == b"x" * 10               # "a" is now the most recent
    cache.put("c", 1, ("200 OK", [], b"z" * 10))           # three do not fit: "b" leaves
    assert cache.get("b", 1) is None and cache.get("a", 1) is not None
    assert cache.get("a", 2) is None                       # another database state
    cache.put("d", 2, ("200 OK", [], b"w" * 10))
    time.sleep(0.06)
    assert cache.get("d", 2) is None                       # older than max_age
    cache.put("big", 2, ("200 OK", [], b"v" * 3 * entry))  # larger than the whole cache
    assert cache.get("big", 2) is None


def test_long_addresses_count_in_the_memory_bound(site):
    """A visitor chooses the query string (up to 256 KB with waitress): what the cache
    holds for it counts, or a few thousand such visits fill gigabytes."""
    cache = _cache(site)
    for n in range(5):
        browse_as(site).get("/place", {"n": str(n), "pad": "x" * 100_000})
    assert len(cache.pages) == 5 and cache.size >= 500_000
    assert cache.size == sum(entry[2] for entry in cache.pages.values())


def test_the_setting_turns_it_off_and_refuses_nonsense(beffroi_db):
    from beffroi.app import make_config
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40}
    app = make_config({**settings, "beffroi.page_cache_mb": "0"}).make_wsgi_app()
    assert not hasattr(app.registry, "beffroi_page_cache")
    assert cache_size_mb({}) == 32
    for wrong in ("lots", "-1"):
        with pytest.raises(ValueError, match="page_cache_mb"):
            make_config({**settings, "beffroi.page_cache_mb": wrong}).make_wsgi_app()


def test_a_page_of_an_older_state_neither_empties_the_cache_nor_is_kept():
    """A request that began before a commit ends after the requests that began after it."""
    cache = PageCache(max_bytes=1000)
    cache.put("new", b"\0" * 7 + b"\2", ("200 OK", [], b"fresh"))
    cache.put("old", b"\0" * 7 + b"\1", ("200 OK", [], b"stale"))
    assert cache.get("new", b"\0" * 7 + b"\2")[2] == b"fresh"
    assert cache.get("old", b"\0" * 7 + b"\2") is None


def test_head_then_get_gives_the_whole_page(site):
    browse_as(site).head("/place")
    page = browse_as(site).get("/place")
    assert "The square" in page.text and int(page.headers["Content-Length"]) == len(page.body)


def test_http_and_https_have_their_own_copies(site):
    """Behind a proxy, the scheme comes from X-Forwarded-Proto: links must follow it."""
    plain = browse_as(site).get("/place")
    secure = browse_as(site).get("/place", extra_environ={"wsgi.url_scheme": "https"})
    assert f'href="https://{HOST}/' in secure.text and f'href="http://{HOST}/' in plain.text
    assert f'href="http://{HOST}/' not in secure.text
