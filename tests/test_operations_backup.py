"""Backups taken while the database is in use, restored: every object and blob of the
backup is back, nothing written after it is (FileStorage with repozo, PostgreSQL with
pg_dump)."""
import shutil
import time

import pytest
import transaction
import webtest
from ZODB import DB
from ZODB.blob import Blob
from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.ops.backup import BackupError, backup, restore
from beffroi.system.organisations import create_organisation
from beffroi.resources.root import get_app_root


def open_db(uri):
    factory, dbkw = resolve_uri(uri)
    return DB(factory(), **dbkw)


def add_org_with_logo(db, name, host, logo):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        org = create_organisation(get_app_root(conn), name, host)
        org.logo = Blob()
        with org.logo.open("w") as f:
            f.write(logo)
        org.logo_type = "image/png"
    conn.close()


def oids(db):
    """Every object reachable from the root (what a visitor could ever reach)."""
    conn = db.open()
    seen, todo = set(), [conn.root()]
    while todo:
        obj = todo.pop()
        if obj._p_oid in seen:
            continue
        seen.add(obj._p_oid)
        from ZODB.serialize import referencesf
        data, _ = conn._storage.load(obj._p_oid)
        todo.extend(conn.get(oid) for oid in referencesf(data) if oid not in seen)
    conn.close()
    return seen


def logos_seen(db):
    app = webtest.TestApp(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app())
    out = {}
    for host in ("avant.localhost", "entre.localhost", "apres.localhost"):
        response = app.get("/-/logo", extra_environ={"HTTP_HOST": host}, expect_errors=True)
        out[host] = response.body if response.status_int == 200 else response.status_int
    return out


@pytest.fixture(params=["filestorage", "postgresql"])
def uri(request, tmp_path):
    if request.param == "filestorage":
        return f"file://{tmp_path}/var/Data.fs?blobstorage_dir={tmp_path}/var/blobs"
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    return request.getfixturevalue("postgres_uri")


def test_a_restore_brings_back_the_backup_and_nothing_written_after_it(uri, tmp_path):
    (tmp_path / "var").mkdir(exist_ok=True)
    target = tmp_path / "backups"
    lines = []
    db = open_db(uri)                               # in use, as by the app, during the backups
    try:
        make_config({"beffroi.db": db, "beffroi.secret": "s" * 40})      # the first start
        add_org_with_logo(db, "Avant", "avant.localhost", b"logo-avant")
        first = backup(uri, str(target), out=lines.append)
        at_first = oids(db)
        time.sleep(1.1)                             # backups are named to the second
        add_org_with_logo(db, "Entre", "entre.localhost", b"logo-entre")
        second = backup(uri, str(target), out=lines.append)
        at_second = oids(db)
        time.sleep(1.1)
        add_org_with_logo(db, "Après", "apres.localhost", b"logo-apres")
        assert len(oids(db)) > len(at_second) > len(at_first)
    finally:
        db.close()
    if uri.startswith("file"):
        assert lines[0].startswith("full backup") and lines[1].startswith("incremental backup")

    assert restore(uri, str(target)) == second
    db = open_db(uri)
    try:
        assert oids(db) == at_second
        assert logos_seen(db) == {"avant.localhost": b"logo-avant",
                                  "entre.localhost": b"logo-entre", "apres.localhost": 404}
    finally:
        db.close()

    assert restore(uri, str(target), date=first) == first
    db = open_db(uri)
    try:
        assert oids(db) == at_first
        assert logos_seen(db) == {"avant.localhost": b"logo-avant",
                                  "entre.localhost": 404, "apres.localhost": 404}
    finally:
        db.close()


def test_a_file_restore_refuses_while_the_database_is_in_use(tmp_path):
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    db = open_db(uri)
    try:
        make_config({"beffroi.db": db, "beffroi.secret": "s" * 40})
        add_org_with_logo(db, "Avant", "avant.localhost", b"logo")
        backup(uri, str(tmp_path / "b"), out=lambda line: None)
        with pytest.raises(BackupError, match="in use: stop the app processes"):
            restore(uri, str(tmp_path / "b"))
    finally:
        db.close()
    with pytest.raises(BackupError, match="--date '2026-13-01'"):
        restore(uri, str(tmp_path / "b"), date="2026-13-01")


def test_pack_drops_old_revisions_and_keeps_the_data(tmp_path):
    from beffroi.cli import main
    ini = tmp_path / "test.ini"
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\nzodbconn.uri = {uri}\n")
    assert main(["-c", str(ini), "org", "add", "--name", "Lys", "--host", "lys.localhost"],
                out=lambda line: None) == 0
    db = open_db(uri)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    for i in range(300):
        with tm:
            get_app_root(conn).organisations["lys"].description = f"<p>version {i} " + "x" * 500
    conn.close()
    db.close()
    before = (tmp_path / "Data.fs").stat().st_size
    lines = []
    assert main(["-c", str(ini), "pack", "--days", "0"], out=lines.append) == 0
    assert (tmp_path / "Data.fs").stat().st_size < before / 10
    assert lines[-1].startswith(f"packed {tmp_path}/Data.fs: ")
    db = open_db(uri)
    conn = db.open()
    assert get_app_root(conn).organisations["lys"].description.startswith("<p>version 299 ")
    conn.close()
    db.close()
