"""Evolve steps run once each, and the command line manages organisations."""
import json
import types

import pytest

from beffroi import EvolveStep, hookimpl
from beffroi.cli import main
from beffroi.evolve import evolve, pending
from beffroi.plugins import load_plugins
from beffroi.resources.root import bootstrap, get_app_root


def test_a_new_database_starts_up_to_date_and_new_steps_run_once(beffroi_db):
    plugins = load_plugins()
    bootstrap(beffroi_db, plugins.evolve_steps)
    ran = []
    step = EvolveStep("extra.0001_flag", lambda app: ran.append(len(app.organisations)))
    module = types.ModuleType("extra")
    module.register_evolve_steps = hookimpl(lambda: [step])
    later = load_plugins(extra=[("extra", module)])
    assert evolve(beffroi_db, later.evolve_steps, out=lambda *a: None) == ["extra.0001_flag"]
    assert evolve(beffroi_db, later.evolve_steps, out=lambda *a: None) == []
    assert ran == [0]
    conn = beffroi_db.open()
    assert pending(get_app_root(conn), later.evolve_steps) == []
    assert "pages.0001_summary" in get_app_root(conn).evolved
    conn.close()


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "test.ini"
    path.write_text(f"""[app:main]
use = egg:beffroi
zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs
""")
    return str(path)


def run(ini, *args):
    lines = []
    code = main(["-c", ini, *args], out=lines.append)
    return code, "\n".join(lines)


def test_organisations_are_added_and_listed_from_the_command_line(ini, capsys):
    code, out = run(ini, "org", "add", "--name", "Commune de Test", "--host", "test.localhost",
                    "--secondary-host", "www.test.localhost", "--allow", "pages")
    assert code == 0 and "http://test.localhost/" in out
    code, out = run(ini, "org", "add", "--name", "Doublon", "--host", "test.localhost")
    assert code == 2
    assert "already used" in capsys.readouterr().err
    code, out = run(ini, "org", "list", "--json")
    [org] = json.loads(out)
    assert org["host"] == "test.localhost" and org["allowed_plugins"] == ["pages"]
    code, out = run(ini, "space", "add", "test.localhost", "--slug", "place", "--title", "Place",
                    "--publish")
    assert code == 0
    assert run(ini, "module", "test.localhost", "place", "pages")[0] == 0
    assert run(ini, "evolve")[1] == "the database is up to date"


def test_plugins_are_listed_as_json(ini):
    code, out = run(ini, "plugins", "--json")
    names = {p["name"] for p in json.loads(out)}
    assert {"pages", "processes", "skin_default"} <= names


def test_a_missing_configuration_file_is_a_clear_error(tmp_path, capsys):
    assert main(["-c", str(tmp_path / "nope.ini"), "org", "list"]) == 2
    assert "not found" in capsys.readouterr().err


def test_the_demo_is_idempotent(ini):
    code, first = run(ini, "demo")
    assert code == 0 and "commune.localhost" in first and "demo-admin-password" in first
    code, second = run(ini, "demo")
    code, out = run(ini, "org", "list", "--json")
    assert len(json.loads(out)) == 2
