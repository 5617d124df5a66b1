"""Security and caching headers on every response.

Caching follows who the page is for:

- A page for a logged-in person (participant or system admin), or one that carries a
  per-visitor value (a form's CSRF token, a flash message: the session cookie is set),
  is ``Cache-Control: no-store``: no shared cache keeps it, no browser stores it.
- A page any visitor without a session gets is the same for all of them:
  ``public, max-age=0, s-maxage=60`` with an ``ETag``: a reverse proxy may serve it for
  a minute; a browser asks again each time (``If-None-Match`` → 304 when unchanged), so
  a visitor never sees their own stale copy after a change. ``Vary: Cookie`` keeps it
  from being served to someone with a session.
- Static files are addressed with a digest of their content (``?v=…``, added to every
  ``request.static_url`` by ``add_cache_busters``): a versioned address never changes
  content, so it is cached for a year (``immutable``); a new file gets a new address.
- Other responses that chose their own ``Cache-Control`` (avatars, logos) keep it.
"""
import functools
import hashlib

from pyramid.path import AssetResolver
from pyramid.static import QueryStringCacheBuster

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

#: Browser features no Beffroi page uses: denied to the page and to any frame.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                      "magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()")

#: Seconds a shared cache (not the browser) may serve an anonymous page without asking again.
ANONYMOUS_MAX_AGE = 60

#: Session keys that make a request personal (see ``beffroi.security``).
PERSONAL_KEYS = ("uid", "system_admin")
#: The name of the session cookie (``beffroi.accounts.session_cookie``).
SESSION_COOKIE = "beffroi"


def is_personal(request):
    """Is this response for one person only? (Logged in, or the session cookie is
    being set: a CSRF token or a flash message is on the page.) Reads the session
    only, never the database: this runs after the transaction ended."""
    if "session" not in request.__dict__ and SESSION_COOKIE not in request.cookies:
        return False             # no session was used and the visitor has none
    session = request.session
    if getattr(session, "will_set_cookie", False):
        return True
    return any(dict.get(session, key) for key in PERSONAL_KEYS)


#: Seconds a versioned static file is kept (a year).
STATIC_MAX_AGE = 365 * 24 * 3600


class ContentDigestCacheBuster(QueryStringCacheBuster):
    """``?v=<digest of the file>`` on static URLs (computed once per file and process)."""

    def __init__(self):
        super().__init__(param="v")

    def tokenize(self, request, pathspec, kw):
        return _file_digest(kw.get("pathspec", pathspec))


@functools.lru_cache(maxsize=4096)
def _file_digest(pathspec):
    try:
        with open(AssetResolver().resolve(pathspec).abspath(), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()[:12]
    except OSError:
        return "0"


def add_cache_busters(config):
    """Give every static view registered so far (core, skins, plugins) versioned URLs.
    Called once every plugin has configured itself."""
    config.commit()
    for item in config.registry.introspector.get_category("static views") or ():
        spec = item["introspectable"]["spec"]
        if ":" in spec:
            config.add_cache_buster(spec, ContentDigestCacheBuster())
    config.commit()


def is_versioned_static(request):
    route = getattr(request, "matched_route", None)
    return route is not None and route.name.startswith("__") and "v" in request.GET


def set_cache_headers(request, response):
    if is_versioned_static(request) and response.status_int == 200:
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        response.headers.pop("Expires", None)
        return
    if response.headers.get("Cache-Control"):
        return
    if is_personal(request) or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "no-store"
        return
    if is_shareable(request, response):
        response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={ANONYMOUS_MAX_AGE}"
        response.vary = tuple(sorted(set(response.vary or ()) | {"Cookie"}))
        if response.etag is None:
            response.md5_etag()
        response.conditional_response = True
    else:
        response.headers["Cache-Control"] = "no-cache"


def is_shareable(request, response) -> bool:
    """May a shared cache keep ``response`` for every visitor without a session?
    (A 200 HTML answer to ``GET``/``HEAD`` that is not personal, sets no cookie and
    did not choose its own ``Cache-Control``.) The anonymous page cache
    (``beffroi.views.pagecache``) keeps exactly these."""
    cache_control = response.headers.get("Cache-Control")
    if cache_control and not cache_control.startswith("public, max-age=0, s-maxage="):
        return False
    return (request.method in ("GET", "HEAD") and response.status_int == 200
            and response.content_type == "text/html" and "Set-Cookie" not in response.headers
            and not is_personal(request))


def security_headers_tween_factory(handler, registry):
    def tween(request):
        response = handler(request)
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")   # no handle on our window
        if request.scheme == "https":
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        set_cache_headers(request, response)
        return response
    return tween
