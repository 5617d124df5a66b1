"""``beffroi.testing``: a pytest plugin (entry point ``pytest11``) for Beffroi and its plugins.

Fixtures: ``beffroi_db`` (a real ZODB on a temporary FileStorage with blobs),
``beffroi_settings``, ``beffroi_app`` (the WSGI app with every installed plugin),
``platform`` (a ``Platform`` to create organisations, spaces and accounts and to
browse as anyone), and ``postgres_uri`` (a fresh PostgreSQL database for RelStorage,
skipped when PostgreSQL is absent, except under CI=true where it fails).
"""
from __future__ import annotations

import contextlib
import os
import re
import uuid

import pytest
import transaction

def _teach_pkg_resources_about_pytest():
    """pytest rewrites the asserts of plugin distributions with its own loader, which
    pkg_resources (used by Pyramid for asset specs) does not know: register it."""
    try:
        import pkg_resources
        from _pytest.assertion.rewrite import AssertionRewritingHook
        pkg_resources.register_loader_type(AssertionRewritingHook, pkg_resources.DefaultProvider)
    except ImportError:
        pass


_teach_pkg_resources_about_pytest()

PG_DSN = os.environ.get("BEFFROI_TEST_PG", "postgres@127.0.0.1:5432")
PASSWORD = "correct horse battery"          # 21 characters, valid for admins too


def _file_db(path):
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    os.makedirs(path / "blobs", exist_ok=True)
    return DB(FileStorage(str(path / "Data.fs"), blob_dir=str(path / "blobs")))


@pytest.fixture
def beffroi_db(tmp_path):
    db = _file_db(tmp_path)
    yield db
    db.close()


@pytest.fixture
def beffroi_settings(beffroi_db):
    return {"beffroi.db": beffroi_db, "beffroi.secret": "test-secret-" + "x" * 40,
            "pyramid.default_locale_name": "fr", "retry.attempts": "3"}


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

    @contextlib.contextmanager
    def tx(self):
        """The application root inside a committed transaction."""
        from beffroi.resources.root import get_app_root
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)
        try:
            with tm:
                yield get_app_root(conn)
        finally:
            conn.close()

    def add_org(self, name="Commune de Test", host="test.localhost", secondary=(),
                allow=None, **kw):
        from beffroi.organisations import create_organisation
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
        from beffroi.accounts_core import create_user
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
