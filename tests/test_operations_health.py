"""/-/health: ok or not to anyone on any host; details to system admins and to the
configured internal addresses, with real figures on FileStorage and on PostgreSQL."""
from datetime import datetime, timezone

import pytest
import transaction
import webtest
from ZODB import DB
from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.devkit.testing import PASSWORD, Platform

HOST = "test.localhost"
INTERNAL = "10.20.0.0/16"


@pytest.fixture(params=["filestorage", "postgresql"])
def storage_uri(request, tmp_path):
    if request.param == "filestorage":
        return f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    return request.getfixturevalue("postgres_uri")


def open_db(uri):
    factory, dbkw = resolve_uri(uri)
    return DB(factory(), **dbkw)


@pytest.fixture
def site(storage_uri):
    """An app over ``storage_uri`` as ``pserve`` opens it: a FileStorage is served to
    other processes (embedded ZEO) and used through that server."""
    from beffroi.ops.database import open_database
    db, server = open_database(storage_uri, serve=True)
    settings = {"beffroi.db": db, "beffroi.secret": "s" * 40,
                "beffroi.health_details_from": f"127.0.0.2 {INTERNAL}"}
    platform = Platform(make_config(settings).make_wsgi_app(), db)
    platform.add_org("Commune", HOST)
    yield platform, storage_uri
    db.close()
    if server is not None:
        server.close()


def browser_from(platform, address, host=HOST):
    return webtest.TestApp(platform.app, extra_environ={"HTTP_HOST": host, "REMOTE_ADDR": address})


def test_strangers_get_ok_and_nothing_more_on_every_host(site):
    platform, _ = site
    for host in (HOST, "unknown.localhost"):
        response = browser_from(platform, "203.0.113.9", host).get("/-/health")
        assert response.json == {"status": "ok"}
        assert "no-store" in response.headers["Cache-Control"]
    assert "Data.fs" not in browser_from(platform, "203.0.113.9").get("/-/health").text


def test_participants_and_organisation_admins_get_no_details(site):
    platform, _ = site
    browser = browser_from(platform, "203.0.113.9")
    platform.login_as(browser, role="admin")
    assert browser.get("/-/health").json == {"status": "ok"}


def test_an_internal_address_gets_real_figures_that_move(site):
    platform, uri = site
    inside = browser_from(platform, "10.20.3.4")
    first = inside.get("/-/health").json
    db = first["database"]
    assert first["status"] == "ok"
    assert db["storage"] == ("RelStorage" if uri.startswith("postgres") else "ZEO")
    assert db["organisations"] == 1 and db["objects"] > 10
    # another process writes (a second app server, a command): the figures follow
    from beffroi.ops.database import open_database
    other, _ = open_database(uri)                 # through the socket for a FileStorage
    try:
        tm = transaction.TransactionManager()
        conn = other.open(transaction_manager=tm)
        with tm:
            from beffroi.system.organisations import create_organisation
            from beffroi.resources.root import get_app_root
            create_organisation(get_app_root(conn), "Autre", "autre.localhost")
        conn.close()
    finally:
        other.close()
    second = inside.get("/-/health").json["database"]
    assert second["last_transaction"] > db["last_transaction"]
    assert second["objects"] > db["objects"]
    assert second["organisations"] == 2
    assert datetime.fromisoformat(second["last_commit"]) <= datetime.now(timezone.utc)


def test_details_tell_the_mail_backlog_and_the_last_run_of_each_job(site):
    from beffroi.ops.jobs import JobContext, run_due
    from beffroi.ops.jobs_core import core_jobs
    from beffroi.services.mail.queue import queue_mail
    platform, _ = site
    with platform.tx() as app:
        queue_mail(app.organisation_for_host(HOST), "a@example.org", "Bonjour", "texte")
    settings = {"mail.host": "127.0.0.1", "mail.port": "9", "beffroi.jobs.exclude": "mail.deliver"}
    jobs = core_jobs(settings)
    run_due(lambda now: JobContext(platform.db, settings, platform.plugins, now), jobs, "test:1")
    before = platform.db.lastTransaction()
    data = browser_from(platform, "127.0.0.2").get("/-/health").json
    assert platform.db.lastTransaction() == before               # reading the details writes nothing
    assert data["mail"]["pending"] == 1 and data["mail"]["oldest_pending_seconds"] >= 0
    assert set(data["jobs"]) == set(jobs.jobs)
    daily = data["jobs"]["notifications.daily_digests"]
    assert daily["runner"] == "test:1" and daily["outcome"] == "0 daily digest(s) queued"
    assert daily["finished"] >= daily["started"]


@pytest.mark.parametrize("storage_uri", ["filestorage"], indirect=True)
def test_a_system_admin_gets_details_from_anywhere(site):
    from beffroi.cli.system import add_system_admin
    platform, _ = site
    with platform.tx() as app:
        add_system_admin(app, "root@platform.example", PASSWORD)
    browser = browser_from(platform, "203.0.113.9")
    page = browser.get("/-/system/login")
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = "root@platform.example"
    form["password"] = PASSWORD
    form.submit("login")
    assert browser.get("/-/health").json["database"]["storage"] == "ZEO"


def test_a_misspelt_internal_address_stops_the_start():
    from ZODB.MappingStorage import MappingStorage
    with pytest.raises(ValueError, match="beffroi.health_details_from: '10.0.0.300'"):
        make_config({"beffroi.db": DB(MappingStorage()), "beffroi.secret": "s" * 40,
                     "beffroi.health_details_from": "10.0.0.300"})
