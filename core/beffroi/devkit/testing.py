"""``beffroi.devkit.testing``: a pytest plugin (entry point ``pytest11``) for Beffroi and its plugins.

Installed with Beffroi, so a plugin's tests get these fixtures without a conftest:

- ``beffroi_db``: a real ZODB on a temporary FileStorage with blobs; mark a test
  ``@pytest.mark.beffroi_db("memory")`` for an in-memory MappingStorage instead.
- ``beffroi_settings``, ``beffroi_app``: the settings and the WSGI app with every
  installed plugin (plus the modules named by ``@pytest.mark.beffroi_plugins(...)``).
- ``platform``: a ``Platform`` to create organisations, spaces and accounts, browse
  as anyone (``browser``) and log in with a role (``login_as``).
- ``beffroi_org`` (an organisation answering on ``test.localhost``),
  ``beffroi_space`` (a factory: ``beffroi_space("mymodule")`` makes a published space
  with that module enabled; ``@pytest.mark.beffroi_modules("mymodule")`` sets the
  default modules), ``beffroi_browser`` (a webtest app on that host).
- ``postgres_uri``: a fresh PostgreSQL database for RelStorage (skipped when
  PostgreSQL is absent, except under CI=true where it fails).
- ``assert_accessible(html)`` and ``csrf_of(page)``: import them from here.
- Concurrency over real HTTP: ``LiveServer`` (waitress in a thread), ``cookie_header``,
  ``signed_session`` (a login's cookie without the login) and ``post_at_once``.
- Mail: ``smtp_server`` and its outbox come from ``beffroi.devkit.testing_mail``.
"""
from __future__ import annotations

import importlib
import os
import re
import threading
import uuid
import warnings
from dataclasses import dataclass

import pytest

from beffroi.devkit.a11y import AccessibilityError, accessibility_problems, assert_accessible

__all__ = [
    "Platform", "SpaceHandle", "assert_accessible", "accessibility_problems",
    "AccessibilityError", "csrf_of", "PASSWORD", "DEFAULT_HOST",
]

def _teach_pkg_resources_about_pytest():
    """pytest rewrites the asserts of plugin distributions with its own loader, which
    pkg_resources (used by Pyramid for asset specs) does not know: register it."""
    try:
        with warnings.catch_warnings():     # Pyramid imports it anyway; its warning is noise
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                                    category=UserWarning)
            import pkg_resources
        from _pytest.assertion.rewrite import AssertionRewritingHook
        pkg_resources.register_loader_type(AssertionRewritingHook, pkg_resources.DefaultProvider)
    except ImportError:
        pass


_teach_pkg_resources_about_pytest()

PG_DSN = os.environ.get("BEFFROI_TEST_PG", "postgres@127.0.0.1:5432")
PASSWORD = "correct horse battery"          # 21 characters, valid for admins too
DEFAULT_HOST = "test.localhost"
ORG_ROLES = ("admin", "user_manager")
SPACE_ROLES = ("admin", "moderator", "evaluator", "collaborator", "member")


def pytest_configure(config):
    config.addinivalue_line("markers", "beffroi_db(kind): 'memory' for an in-memory ZODB "
                            "instead of a temporary FileStorage")
    config.addinivalue_line("markers", "beffroi_plugins(*modules): plugin modules (or import "
                            "paths) to load besides the installed entry points")
    config.addinivalue_line("markers", "beffroi_modules(*names): modules the beffroi_space "
                            "fixture enables by default")


def _file_db(path):
    from beffroi.persistence import Database as DB
    from ZODB.FileStorage import FileStorage
    os.makedirs(path / "blobs", exist_ok=True)
    return DB(FileStorage(str(path / "Data.fs"), blob_dir=str(path / "blobs")))


def _memory_db(path):
    """Records in memory, blobs (banners, attachments) in ``path``: as fast, and the
    same features as the file storage."""
    from beffroi.persistence import Database as DB
    from ZODB.blob import BlobStorage
    from ZODB.MappingStorage import MappingStorage
    os.makedirs(path / "blobs", exist_ok=True)
    return DB(BlobStorage(str(path / "blobs"), MappingStorage()))


class _CompiledTemplates:
    """Chameleon compiles every template again for each new app (one per test, ~0.5 s of
    CPU each). Compiled modules are named by a digest of their source, so keeping them
    for the whole test session is safe and makes suites several times faster."""

    def __init__(self):
        from chameleon.loader import MemoryLoader
        self._loader = MemoryLoader()
        self.modules = {}

    def build(self, source, filename):
        module = self.modules[filename] = self._loader.build(source, filename)
        return module

    def get(self, name):
        return self.modules.get(name)


@pytest.fixture(scope="session", autouse=True)
def beffroi_compiled_templates():
    """Reuse compiled page templates across the tests of a session."""
    import chameleon.template
    previous = chameleon.template.BaseTemplate.loader
    chameleon.template.BaseTemplate.loader = _CompiledTemplates()
    yield
    chameleon.template.BaseTemplate.loader = previous


@pytest.fixture
def beffroi_db(request, tmp_path):
    """A real ZODB: temporary FileStorage with blobs, or in memory when the test is
    marked ``beffroi_db("memory")`` (records in memory, blobs in a temporary folder)."""
    marker = request.node.get_closest_marker("beffroi_db")
    kind = marker.args[0] if marker and marker.args else "file"
    if kind not in ("file", "memory"):
        raise ValueError(f"beffroi_db marker: kind {kind!r} is not 'file' or 'memory'")
    db = _memory_db(tmp_path) if kind == "memory" else _file_db(tmp_path)
    yield db
    db.close()


def _extra_plugins(request):
    """(name, module) pairs from the ``beffroi_plugins`` marker (modules or import paths)."""
    marker = request.node.get_closest_marker("beffroi_plugins")
    out = []
    for item in (marker.args if marker else ()):
        module = importlib.import_module(item) if isinstance(item, str) else item
        out.append((module.__name__.removeprefix("beffroi_"), module))
    return out


@pytest.fixture
def beffroi_settings(request, beffroi_db):
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "test-secret-" + "x" * 40,
                "pyramid.default_locale_name": "fr", "retry.attempts": "3",
                "beffroi.url_scheme": "http"}      # links in test mail match webtest's host
    extra = _extra_plugins(request)
    if extra:
        settings["beffroi.extra_plugins"] = extra
        # an installed copy of the same plugin would register twice
        settings["beffroi.plugins.exclude"] = " ".join(name for name, _ in extra)
    return settings


@pytest.fixture
def beffroi_app(beffroi_settings):
    from beffroi.app import make_config
    return make_config(beffroi_settings).make_wsgi_app()


class Platform:
    """A running platform for tests: data set-up in transactions, browsers per host."""

    def __init__(self, app, db):
        self.app = app
        self.db = db
        self.plugins = app.registry.beffroi

    def tx(self):
        """The application root inside a committed transaction."""
        from beffroi.resources.root import app_root_of
        return app_root_of(self.db)

    def add_org(self, name="Commune de Test", host="test.localhost", secondary=(),
                allow=None, **kw):
        from beffroi.system.organisations import create_organisation
        allow = self.plugins.modules.keys() if allow is None else allow
        with self.tx() as app:
            org = create_organisation(app, name, host, secondary, allowed_plugins=allow, **kw)
            return org.id

    def org(self, app, host):
        return app.organisation_for_host(host)

    def add_space(self, host, slug, title=None, modules=(), published=True,
                  space_type="participatory_process", **kw):
        from beffroi.spaces import add_space, enable_module
        with self.tx() as app:
            org = self.org(app, host)
            space = add_space(self.plugins, org, slug, title or slug.title(), space_type, **kw)
            space.published = published
            for name in modules:
                enable_module(self.plugins, org, space, name)
        return slug

    def add_user(self, host, email, name=None, password=PASSWORD, org_roles=(),
                 space_roles=None, confirmed=True):
        from beffroi.accounts.users import create_user
        with self.tx() as app:
            org = self.org(app, host)
            user = create_user(org, email, name or email.split("@")[0].title(), password,
                               confirmed=confirmed)
            if org_roles:
                org.set_org_roles(user.id, org_roles)
            for slug, roles in (space_roles or {}).items():
                org.spaces[slug].set_space_roles(user.id, roles)
            return user.id

    def browser(self, host="test.localhost"):
        """A webtest app speaking to ``host``, with its own cookie jar."""
        import webtest
        return webtest.TestApp(self.app, extra_environ={"HTTP_HOST": host})

    def has_org(self, host=DEFAULT_HOST) -> bool:
        with self.tx() as app:
            return self.org(app, host) is not None

    def login_as(self, browser, role="member", space=None, email=None, name=None):
        """Create a participant holding ``role`` and log ``browser`` in as them.

        With ``space`` (a slug), ``role`` is a space role (admin, moderator, evaluator,
        collaborator, member); without it, an organisation role (admin,
        user_manager) or ``"participant"`` for an account without any role.
        Returns the new account's e-mail address."""
        host = browser.extra_environ.get("HTTP_HOST", DEFAULT_HOST)
        if space is not None and role not in SPACE_ROLES:
            raise ValueError(f"{role!r} is not a space role; use one of {SPACE_ROLES}")
        if space is None and role not in ORG_ROLES + ("participant",):
            raise ValueError(f"{role!r} needs space=SLUG (a space role), or use one of "
                             f"{ORG_ROLES + ('participant',)}")
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        if space is not None:
            self.add_user(host, email, name, space_roles={space: [role]})
        else:
            org_roles = [role] if role in ORG_ROLES else []
            self.add_user(host, email, name, org_roles=org_roles)
        self.login(browser, email)
        return email

    def login(self, browser, email, password=PASSWORD, expect_ok=True):
        page = browser.get("/-/login")
        form = page.forms[_login_form_index(page)]
        form["email"] = email
        form["password"] = password
        response = form.submit("login")
        if expect_ok:
            assert response.status_int == 302, f"login of {email} failed: {response.text[:500]}"
        return response


def _login_form_index(page):
    for i, form in page.forms.items():
        if "password" in form.fields:
            return i
    raise AssertionError("no login form on the page")


@pytest.fixture
def platform(beffroi_app, beffroi_db):
    return Platform(beffroi_app, beffroi_db)


@pytest.fixture
def beffroi_org(platform):
    """The id of an organisation answering on ``test.localhost``, allowed every
    installed module."""
    if platform.has_org(DEFAULT_HOST):
        with platform.tx() as app:
            return platform.org(app, DEFAULT_HOST).id
    return platform.add_org("Commune de Test", DEFAULT_HOST)


@dataclass(frozen=True)
class SpaceHandle:
    """A space made by the ``beffroi_space`` fixture: its slug, host and URLs."""
    slug: str
    host: str
    modules: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"/{self.slug}/"

    def module_url(self, module: str | None = None) -> str:
        """Path of a module's page in this space (the first enabled one by default)."""
        return f"/{self.slug}/{module or self.modules[0]}/"


def _default_space_type(plugins):
    """The participatory process when installed, else any installed space type."""
    if "participatory_process" in plugins.space_types:
        return "participatory_process"
    if not plugins.space_types:
        raise RuntimeError("no space type is installed: install beffroi-processes")
    return sorted(plugins.space_types)[0]


@pytest.fixture
def beffroi_space(request, platform, beffroi_org):
    """Factory of published spaces on ``test.localhost`` with modules enabled:
    ``beffroi_space("mymodule", slug="place", visibility="public")``."""
    marker = request.node.get_closest_marker("beffroi_modules")
    default_modules = tuple(marker.args) if marker else ()
    counter = iter(range(1, 1000))

    def make(*modules, slug=None, title=None, published=True, **kw):
        modules = modules or default_modules
        unknown = [m for m in modules if m not in platform.plugins.modules]
        if unknown:
            raise ValueError(f"modules not installed: {unknown} (installed: "
                             f"{sorted(platform.plugins.modules)}); pip install -e your plugin")
        slug = slug or f"space{next(counter)}"
        kw.setdefault("space_type", _default_space_type(platform.plugins))
        platform.add_space(DEFAULT_HOST, slug, title, modules=modules, published=published, **kw)
        return SpaceHandle(slug, DEFAULT_HOST, tuple(modules))
    return make


@pytest.fixture
def beffroi_browser(platform, beffroi_org):
    """A webtest app on ``test.localhost`` (anonymous until ``platform.login_as``)."""
    return platform.browser(DEFAULT_HOST)


def csrf_of(page):
    """The CSRF token of a page rendered by webtest."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def postgres_available():
    try:
        import psycopg2
        user, _, hostport = PG_DSN.partition("@")
        host, _, port = hostport.partition(":")
        conn = psycopg2.connect(user=user, host=host, port=int(port or 5432), dbname="postgres",
                                connect_timeout=3)
        conn.close()
        return True, ""
    except Exception as exc:
        return False, f"PostgreSQL not reachable at {PG_DSN}: {exc}"


@pytest.fixture
def postgres_uri(tmp_path):
    """A zodburi URI of a fresh PostgreSQL database (dropped afterwards)."""
    ok, reason = postgres_available()
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    import psycopg2
    user, _, hostport = PG_DSN.partition("@")
    host, _, port = hostport.partition(":")
    name = f"beffroi_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(user=user, host=host, port=int(port or 5432), dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    blob_dir = tmp_path / "blobcache"
    yield (f"postgres://{user}@{host}:{port or 5432}/{name}?keep_history=false"
           f"&blob_dir={blob_dir}&shared_blob_dir=false")
    cur = admin.cursor()
    cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


# --- concurrency over real HTTP ------------------------------------------------------------

class LiveServer:
    """The test application served by waitress on a free loopback port, in a background
    thread (``threads`` worker threads, the real transaction and retry machinery): for
    concurrency tests and browsers. ``url(host, path)`` builds an address on it;
    ``close()`` stops it (the socket is closed by the serving thread itself)."""

    def __init__(self, app, threads=8):
        import waitress
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads,
                                             clear_untrusted_proxy_headers=True)
        self.port = self.server.effective_port
        self._stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stopping.is_set():
            self.server.asyncore.loop(timeout=0.05, map=self.server._map, count=1)
        self.server.close()
        self.server.task_dispatcher.shutdown()

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self._stopping.set()
        self.thread.join(10)


def cookie_header(browser) -> str:
    """The ``Cookie`` header of a webtest browser's session, for a raw HTTP client."""
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def signed_session(app, organisation_id, user_id, sid=None, *, host=DEFAULT_HOST,
                   user_agent=""):
    """The ``Cookie`` header value (``name=signed value``) and the CSRF token that a login
    would give ``user_id`` of organisation ``organisation_id``, made by the app's own
    session factory (the keys ``uid``, ``org`` and ``sid`` a login writes), for raw HTTP
    clients of concurrency tests and benchmarks: no password hash per person.

    ``sid`` is the id of the user's server-side session record; when None, one is opened
    here (``beffroi.accounts.sessions.open_session`` with ``user_agent``) and committed in
    a transaction of its own on the app's main database. ``host`` is the ``Host`` of the
    blank request the cookie is made for. Raises ``KeyError`` when ``sid`` is None and
    the organisation or the user does not exist."""
    from pyramid.interfaces import ISessionFactory
    from pyramid.request import Request
    from pyramid.response import Response
    if sid is None:
        from beffroi.accounts.sessions import open_session
        from beffroi.resources.root import app_root_of
        with app_root_of(app.registry._zodb_databases[""]) as root:
            sid = open_session(root.organisations[organisation_id].users[user_id], user_agent)
    request = Request.blank("/", environ={"HTTP_HOST": host})
    request.registry = app.registry
    session = app.registry.getUtility(ISessionFactory)(request)
    session["uid"], session["org"], session["sid"] = user_id, organisation_id, sid
    token = session.new_csrf_token()
    response = Response()
    request._process_response_callbacks(response)
    return response.headers["Set-Cookie"].split(";", 1)[0], token


def post_at_once(port, requests, host=DEFAULT_HOST, timeout=120, repeat=1):
    """Send every request at the same moment, one thread each, to the server on
    ``port``; ``requests`` are ``(path, form fields, cookie header)``, the fields a dict
    or a sequence of ``(name, value)`` pairs (sent in that order, urlencoded).
    ``timeout`` (seconds) bounds each connection and the wait for each thread.

    With ``repeat`` above 1, each thread sends its request ``repeat`` times in a row on
    one keep-alive connection, the first ones all at the same moment. Returns the HTTP
    statuses, ``repeat`` per request, in the order of ``requests`` (``None`` for a
    request that got no answer)."""
    import http.client
    import urllib.parse
    statuses = [None] * (len(requests) * repeat)
    barrier = threading.Barrier(len(requests))

    def client(i):
        path, fields, cookie = requests[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            body = urllib.parse.urlencode(fields)
            barrier.wait()
            for n in range(repeat):
                conn.request("POST", path, body=body, headers={
                    "Host": host, "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                statuses[i * repeat + n] = response.status
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return statuses
