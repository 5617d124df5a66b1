"""``beffroi org import`` never runs what the file holds, and a round trip loses nothing."""
import io
import json
import os
import pickle
import struct
import zipfile

import pytest
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.blob import Blob

from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.cli import main
from beffroi.devkit.demo import create_demo
from beffroi.devkit.testing import Platform
from beffroi.persistence import Database
from beffroi.resources.root import get_app_root

END = b"\377" * 16


def make_ini(folder):
    folder.mkdir()
    path = folder / "site.ini"
    uri = f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs"
    path.write_text(f"[app:main]\nuse = egg:beffroi\nzodbconn.uri = {uri}\n")
    return str(path), uri


def platform_for(uri):
    factory, kw = resolve_uri(uri)
    db = Database(factory(), **kw)
    return Platform(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app(), db)


def run(ini, *args):
    lines = []
    return main(["-c", ini, *args], out=lines.append), "\n".join(lines)


def _rich_export(tmp_path):
    """The demo organisations plus blobs (a logo, an avatar) and a comment, exported."""
    ini, uri = make_ini(tmp_path / "shared")
    shared = platform_for(uri)
    with shared.tx() as app:
        create_demo(app, shared.plugins)
        org = next(o for o in app.organisations.values() if o.host.startswith("commune"))
        host = org.host
        org.logo = Blob(b"\x89PNG logo bytes")
        org.logo_type = "image/png"
        user = org.users.find_by_email(f"habitant@{host}")
        user.avatar = Blob(b"avatar bytes " * 1000)
        user.avatar_type = "image/png"
        from beffroi.services.comments.model import add_comment
        debate = next(iter(org.spaces["place-du-marche"]["debates"].values()))
        add_comment(debate, org, user.id, "Un **argument** pour", 1, None)
    shared.db.close()
    archive = str(tmp_path / "commune.zip")
    code, out = run(ini, "org", "export", host, "-o", archive)
    assert code == 0, out
    return archive, host, uri


def _snapshot(obj):
    """Every object reachable from ``obj`` as plain data: classes, states, blob bytes;
    shared and cyclic references as numbered back-references (oids differ across
    installations, the shape must not)."""
    seen = {}

    def walk(value):
        if isinstance(value, Blob):
            with value.open("r") as f:
                return ("blob", f.read())
        if isinstance(value, Persistent):
            if id(value) in seen:
                return ("ref", seen[id(value)])
            seen[id(value)] = len(seen)
            value._p_activate()
            return (type(value).__module__, type(value).__qualname__, walk(value.__getstate__()))
        if isinstance(value, dict):
            return ("dict", [(walk(k), walk(v)) for k, v in value.items()])
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, [walk(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return ("set", sorted(repr(v) for v in value))
        if hasattr(value, "__dict__") and not isinstance(value, type):
            if id(value) in seen:
                return ("ref", seen[id(value)])
            seen[id(value)] = len(seen)
            return (type(value).__qualname__, walk(vars(value)))
        return repr(value)
    return walk(obj)


def _organisation_snapshot(uri, host):
    db = platform_for(uri).db
    try:
        conn = db.open()
        org = get_app_root(conn).organisation_for_host(host)
        snap = _snapshot(org)
        conn.close()
        return snap
    finally:
        db.close()


def test_an_export_comes_back_identical_objects_and_blobs(tmp_path):
    archive, host, shared_uri = _rich_export(tmp_path)
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    # the plugins the data needs are recorded, with their versions
    assert {"proposals", "debates", "pages"} <= set(manifest["requires"])
    own_ini, own_uri = make_ini(tmp_path / "own")
    code, out = run(own_ini, "org", "import", archive)
    assert code == 0, out
    before = _organisation_snapshot(shared_uri, host)
    after = _organisation_snapshot(own_uri, host)
    assert repr(before).count("'blob'") >= 2          # the logo and the avatar were compared
    assert before == after


def _zexp(*records):
    """A ZODB export file of ``records`` (bytes), oids 1, 2, …"""
    out = io.BytesIO()
    out.write(b"ZEXP")
    for number, data in enumerate(records, 1):
        out.write(struct.pack(">Q", number) + struct.pack(">Q", len(data)) + data)
    out.write(END)
    return out.getvalue()


class _RunsCommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class _RunsPopen:
    def __init__(self, argv):
        self.argv = argv

    def __reduce__(self):
        import subprocess
        return (subprocess.Popen, (self.argv,))


def _record(state, klass=None):
    from beffroi.resources.organisation import Organisation
    return pickle.dumps(klass or Organisation, 3) + pickle.dumps(state, 3)


def _crafted_archive(tmp_path, zexp, name="crafted.zip", requires=None):
    manifest = {"format": "beffroi-organisation/1", "id": "piege", "name": "Piège",
                "host": "piege.localhost", "secondary_hosts": [], "plugins": {},
                "requires": requires or {}, "spaces": 0, "participants": 0}
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
        z.writestr("organisation.zexp", zexp)
    return str(path)


def _database_state(uri):
    db = platform_for(uri).db
    try:
        return db.lastTransaction(), len(db.storage)
    finally:
        db.close()


def _blob_files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_plain_zodb_import_would_run_the_crafted_payload(tmp_path):
    """The danger is real: ZODB's own import runs the file's ``__reduce__``."""
    marker = tmp_path / "ran"
    _ini, uri = make_ini(tmp_path / "site")
    zexp = tmp_path / "payload.zexp"
    zexp.write_bytes(_zexp(_record({"name": _RunsCommand(f"touch {marker}")})))
    db = platform_for(uri).db
    import transaction
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        conn.importFile(str(zexp))
    except Exception:
        pass
    finally:
        tm.abort()
        conn.close()
        db.close()
    assert marker.exists()


@pytest.mark.parametrize("payload, named", [
    (lambda marker: _record({"name": _RunsCommand(f"touch {marker}")}), "posix.system"),
    (lambda marker: _record({"name": _RunsPopen(["touch", str(marker)])}), "subprocess.Popen"),
    # ZODB imports a class named by strings in the first pickle of a blob record
    (lambda marker: pickle.dumps((("antigravity", "x"), None), 3) + pickle.dumps({}, 3) + b"blob",
     "antigravity.x"),
    # a class of the core exists, but no pickle of Beffroi ever calls it
    (lambda marker: _record({"env": _CallsCoreClass()}), "would call beffroi.cli.env.Env"),
])
def test_a_crafted_archive_is_refused_and_nothing_is_written(tmp_path, capsys, payload, named):
    marker = tmp_path / "ran"
    ini, uri = make_ini(tmp_path / "site")
    before = _database_state(uri)
    blobs_before = _blob_files(tmp_path / "site")
    archive = _crafted_archive(tmp_path, _zexp(payload(marker)))
    code, _out = run(ini, "org", "import", archive)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and named in err and "nothing was imported" in err
    assert not marker.exists()
    assert _database_state(uri) == before
    assert _blob_files(tmp_path / "site") == blobs_before
    assert "antigravity" not in __import__("sys").modules


class _CallsCoreClass:
    def __reduce__(self):
        from beffroi.cli.env import Env
        return (Env, ("/tmp/nowhere.ini",))


def test_an_archive_naming_a_plugin_not_installed_is_refused_with_its_name(tmp_path, capsys):
    ini, uri = make_ini(tmp_path / "site")
    before = _database_state(uri)
    archive = _crafted_archive(tmp_path, _zexp(_record({})),
                               requires={"petitions": "0.3.1", "pages": "0.1.0"})
    assert run(ini, "org", "import", archive)[0] == 2
    err = capsys.readouterr().err
    assert "petitions (0.3.1)" in err and "not installed" in err and "pages" not in err
    # a manifest that forgets the plugin is caught by the classes themselves
    data = pickle.dumps(OOBTree, 3) + b"\x80\x03cbeffroi_petitions.content\nPetition\nq\x00."
    archive = _crafted_archive(tmp_path, _zexp(_record({}), data), name="quiet.zip")
    assert run(ini, "org", "import", archive)[0] == 2
    err = capsys.readouterr().err
    assert "plugin 'petitions'" in err and "not installed" in err
    assert _database_state(uri) == before


def test_a_truncated_or_foreign_export_is_refused(tmp_path, capsys):
    ini, _uri = make_ini(tmp_path / "site")
    archive = _crafted_archive(tmp_path, _zexp(_record({}))[:-20])
    assert run(ini, "org", "import", archive)[0] == 2
    assert "truncated" in capsys.readouterr().err
    archive = _crafted_archive(tmp_path, _zexp(_record({}, klass=OOBTree)), name="tree.zip")
    assert run(ini, "org", "import", archive)[0] == 2
    assert "does not hold an organisation" in capsys.readouterr().err
