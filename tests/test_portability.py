"""A commune leaves the shared platform with all its data and runs it on its own server."""
import json
import zipfile

from beffroi.persistence import Database as DB
from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.cli import main
from beffroi.devkit.testing import PASSWORD, Platform


def make_ini(folder):
    folder.mkdir()
    path = folder / "site.ini"
    path.write_text(f"[app:main]\nuse = egg:beffroi\nzodbconn.uri = file://{folder}/Data.fs"
                    f"?blobstorage_dir={folder}/blobs\n")
    return str(path), f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs"


def platform_for(uri):
    factory, kw = resolve_uri(uri)
    db = DB(factory(), **kw)
    return Platform(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app(), db)


def run(ini, *args):
    lines = []
    return main(["-c", ini, *args], out=lines.append), "\n".join(lines)


def test_an_organisation_is_exported_and_imported_whole(tmp_path, capsys):
    shared_ini, shared_uri = make_ini(tmp_path / "shared")
    own_ini, own_uri = make_ini(tmp_path / "own")
    shared = platform_for(shared_uri)
    shared.add_org("Métropole", "metro.localhost")
    shared.add_org("Commune de Lys", "lys.localhost")
    shared.add_space("lys.localhost", "place", "La place", modules=["pages"])
    shared.add_user("lys.localhost", "camille@lys.localhost")
    with shared.tx() as app:
        from beffroi_pages.content import add_page
        add_page(app.organisation_for_host("lys.localhost").spaces["place"]["pages"],
                 "Calendrier", "<p>Atelier le 3 mars</p>")
    shared.db.close()

    archive = str(tmp_path / "lys.zip")
    code, out = run(shared_ini, "org", "export", "lys.localhost", "-o", archive)
    assert code == 0, capsys.readouterr().err
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        open_data = json.loads(z.read("open-data.json"))
    assert manifest["name"] == "Commune de Lys" and manifest["participants"] == 1
    assert open_data["pages"]["place"][0]["title"] == "Calendrier"

    code, out = run(own_ini, "org", "import", archive, "--host", "participer.lys.localhost")
    assert code == 0, capsys.readouterr().err
    own = platform_for(own_uri)
    browser = own.browser("participer.lys.localhost")
    assert "Atelier le 3 mars" in browser.get("/place/pages/calendrier").text
    own.login(browser, "camille@lys.localhost", PASSWORD)
    results = own.browser("participer.lys.localhost").get("/place/pages/", {"q": "atelier"})
    assert "Calendrier" in results.text                 # the catalog came along
    own.browser("metro.localhost").get("/", status=404)  # only the commune moved
    own.db.close()

    code, out = run(own_ini, "org", "import", archive, "--host", "participer.lys.localhost")
    assert code == 2 and "already used" in capsys.readouterr().err
    code, out = run(shared_ini, "org", "remove", "lys.localhost")
    assert code == 2 and "--yes" in capsys.readouterr().err
    assert run(shared_ini, "org", "remove", "lys.localhost", "--yes")[0] == 0
    code, out = run(shared_ini, "org", "list", "--json")
    assert [o["name"] for o in json.loads(out)] == ["Métropole"]


def test_a_file_that_is_not_an_export_is_refused(tmp_path, capsys):
    ini, _ = make_ini(tmp_path / "site")
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    assert run(ini, "org", "import", str(bogus))[0] == 2
    assert "not a Beffroi organisation export" in capsys.readouterr().err


def test_follows_and_limits_in_sharded_trees_travel_with_the_organisation(tmp_path, capsys):
    from beffroi.limits import held, take
    from beffroi.services.follows.model import followers_of, follow
    from beffroi.sharded import ShardedTree
    shared_ini, shared_uri = make_ini(tmp_path / "shared")
    own_ini, own_uri = make_ini(tmp_path / "own")
    shared = platform_for(shared_uri)
    shared.add_org("Commune de Lys", "lys.localhost")
    shared.add_space("lys.localhost", "place", "La place", modules=["pages"])
    with shared.tx() as app:
        org = app.organisation_for_host("lys.localhost")
        space = org.spaces["place"]
        follow(org, "u-camille", space)
        take(space["pages"], "test.scope", "u-camille", 7, 3)
        assert isinstance(org._beffroi_follows.followers, ShardedTree)
    shared.db.close()
    archive = str(tmp_path / "lys.zip")
    code, _out = run(shared_ini, "org", "export", "lys.localhost", "-o", archive)
    assert code == 0, capsys.readouterr().err
    code, _out = run(own_ini, "org", "import", archive)
    assert code == 0, capsys.readouterr().err
    own = platform_for(own_uri)
    with own.tx() as app:
        org = app.organisation_for_host("lys.localhost")
        assert followers_of(org, org.spaces["place"]) == {"u-camille"}
        assert held(org.spaces["place"]["pages"], "test.scope", "u-camille") == (7,)
    own.db.close()
