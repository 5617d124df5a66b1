"""Open data of an organisation at /-/open-data: one archive, a CSV and a JSON per module
and per space, public comments, no personal data, a README documenting every field;
kept for a while, rebuilt when stale and by `beffroi open-data`."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest

from beffroi.devkit.a11y import assert_accessible
from beffroi.devkit.demo import create_demo
from beffroi.services.comments.model import add_comment
from beffroi.services.moderation.model import _set_hidden, case_of
from beffroi.services.opendata.store import build_for, stored
from beffroi.services.opendata.views import forget_built
from beffroi_debates.content import add_debate
from beffroi_pages.content import add_page
from beffroi_proposals.models import add_proposal

HOST = "test.localhost"


@pytest.fixture
def world(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "budget", "Budget participatif", modules=("proposals", "pages", "debates"))
    platform.add_space(HOST, "conseil", "Conseil des sages", modules=("proposals",),
                       visibility="private")
    platform.add_space(HOST, "brouillon", "Démarche en préparation", modules=("pages",),
                       published=False)
    author = platform.add_user(HOST, "camille.dupont@example.org", "Camille Dupont")
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        budget = org.spaces["budget"]
        school = add_proposal(budget["proposals"], "Rénover l'école", "Des **travaux** urgents.",
                              "markdown", author, address="12 rue des Lilas")
        hidden = add_proposal(budget["proposals"], "Proposition masquée", "Injurieuse.",
                              "markdown", author)
        _set_hidden(case_of(hidden, org, create=True), True, None)
        add_proposal(budget["proposals"], "=HYPERLINK(\"http://evil\")", "Formule.", "markdown", author)
        add_page(budget["pages"], "Calendrier", "<p>Les dates.</p>", summary="Quand ?")
        add_debate(budget["debates"], "Une place piétonne ?", "<p>Pour ou contre ?</p>")
        add_comment(school, org, author, "Mon fils y va, merci Camille !", alignment=1)
        secret = add_comment(school, org, author, "Commentaire masqué.")
        _set_hidden(case_of(secret, org, create=True), True, None)
        add_proposal(org.spaces["conseil"]["proposals"], "Secret des sages", "Privé.", "markdown", author)
        add_page(org.spaces["brouillon"]["pages"], "Page en brouillon", "<p>Pas encore.</p>")
    return author


def archive_of(browser):
    response = browser.get("/-/open-data.zip")
    assert response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.body))


def rows(archive, name):
    text = archive.read(name).decode("utf-8")
    if name.endswith(".json"):
        return json.loads(text)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_one_archive_holds_a_csv_and_a_json_per_module_and_space(platform, world):
    archive = archive_of(platform.browser(HOST))
    names = set(archive.namelist())
    for stem in ("spaces", "proposals/budget", "pages/budget", "debates/budget", "comments/budget"):
        assert {f"{stem}.csv", f"{stem}.json"} <= names, stem
    assert "README.md" in names
    assert not any("conseil" in n or "brouillon" in n for n in names)     # private, unpublished
    assert [s["slug"] for s in rows(archive, "spaces.json")] == ["budget"]
    proposals = rows(archive, "proposals/budget.csv")
    titles = {p["title"] for p in proposals}
    assert "Rénover l'école" in titles and "Proposition masquée" not in titles
    assert "'=HYPERLINK(\"http://evil\")" in titles                       # formula guarded in CSV
    assert {p["title"] for p in rows(archive, "proposals/budget.json")} >= {"Rénover l'école"}
    comments = rows(archive, "comments/budget.csv")
    assert [c["text"] for c in comments] == ["Mon fils y va, merci Camille !"]
    assert comments[0]["alignment"] == "1" and comments[0]["item_title"] == "Rénover l'école"
    assert rows(archive, "pages/budget.json")[0]["title"] == "Calendrier"


def test_no_personal_data_goes_into_the_archive(platform, world):
    archive = archive_of(platform.browser(HOST))
    everything = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert "camille.dupont@example.org" not in everything
    assert "Camille Dupont" not in everything
    assert world not in everything                           # the author's account id
    assert "12 rue des Lilas" not in everything              # a proposal's address
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything), "an e-mail address"
    for name in archive.namelist():
        if name.endswith(".csv"):
            header = next(csv.reader(io.StringIO(archive.read(name).decode().lstrip("\ufeff"))))
            assert not {"author", "author_name", "author_email", "creator", "email",
                        "address"} & set(header), name


def test_the_readme_documents_every_field_of_every_file(platform, world):
    archive = archive_of(platform.browser(HOST))
    readme = archive.read("README.md").decode("utf-8")
    assert "Not documented" not in readme and "Non documenté" not in readme
    for name in archive.namelist():
        if name.endswith(".csv"):
            header = next(csv.reader(io.StringIO(archive.read(name).decode().lstrip("\ufeff"))))
            section = readme.split(f"`{name}`", 1)[1].split("\n## ", 1)[0]
            for column in header:
                line = next((l for l in section.splitlines() if l.startswith(f"| `{column}` |")), None)
                assert line, f"{name}: {column} is not in the README"
                cells = [c.strip() for c in line.strip("|").split(" | ")]
                assert cells[1] in ("integer", "decimal", "text", "boolean", "date-time", "date",
                                    "url", "list"), line
                assert len(cells[2]) > 10, line                  # a meaning, in words
    assert "| `cost` | decimal |" in readme and "euros" in readme


def test_every_exported_field_of_every_installed_module_is_documented_on_the_demo(platform):
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    registry = platform.app.registry
    exported = set()
    with platform.tx() as app:
        for organisation in app.organisations.values():
            built = build_for(registry, organisation, f"http://{organisation.host}")
            assert built.undocumented == {}, (organisation.host, built.undocumented)
            exported.update(stem.split("/")[0] for stem, _rows in built.files)
    with_open_data = {n for n, info in platform.plugins.modules.items() if info.open_data}
    assert with_open_data <= exported, "a module's open data is missing from the demo archives"


def test_the_page_explains_and_shows_the_readme(platform, world):
    page = platform.browser(HOST).get("/-/open-data")
    assert_accessible(page.text)
    assert "/-/open-data.zip" in page.text
    assert "personal data" in page.text or "données personnelles" in page.text
    assert "<code>cost</code>" in page.text                     # the README, rendered
    assert "<script" not in page.text


def run_refresh_job(platform, hours_later=0):
    """The periodic job ``opendata.refresh``, as the scheduler runs it."""
    from datetime import datetime, timezone

    from beffroi.ops.jobs import JobContext
    job = platform.app.registry.beffroi_jobs.jobs["opendata.refresh"]
    return job.run(JobContext(platform.db, platform.app.registry.settings, platform.plugins,
                              datetime.now(timezone.utc) + timedelta(hours=hours_later)))


def test_the_job_stores_the_archive_which_is_served_until_it_is_stale(platform, world):
    forget_built(platform.app.registry)
    assert run_refresh_job(platform).startswith("1 open-data archive(s) rebuilt")
    assert run_refresh_job(platform).startswith("0 open-data archive(s)")    # still fresh
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        built = stored(org).built
        add_proposal(org.spaces["budget"]["proposals"], "Une proposition tardive", "Après.",
                     "markdown", None)
    browser = platform.browser(HOST)
    before = platform.db.lastTransaction()
    assert "tardive" not in archive_of(browser).read("proposals/budget.csv").decode()
    assert platform.db.lastTransaction() == before                  # a GET never writes
    with platform.tx() as app:
        stored(app.organisation_for_host(HOST)).built = built - timedelta(hours=2)
    assert "tardive" in archive_of(browser).read("proposals/budget.csv").decode()
    assert run_refresh_job(platform).startswith("1 open-data archive(s) rebuilt")
    with platform.tx() as app:
        assert stored(app.organisation_for_host(HOST)).built > built


def test_a_visitor_without_a_stored_archive_gets_one_built_and_kept_in_memory(platform, world):
    forget_built(platform.app.registry)
    browser = platform.browser(HOST)
    before = platform.db.lastTransaction()
    first = archive_of(browser)
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        assert stored(org) is None
        add_proposal(org.spaces["budget"]["proposals"], "Une proposition tardive", "Après.",
                     "markdown", None)
    assert archive_of(browser).read("proposals/budget.csv") == first.read("proposals/budget.csv")
    forget_built(platform.app.registry)                                                # max_age later
    assert "tardive" in archive_of(browser).read("proposals/budget.csv").decode()
    assert platform.db.lastTransaction() != before                # only the proposal was written


def test_an_admin_download_holds_only_public_content(platform, world):
    browser = platform.browser(HOST)
    platform.add_user(HOST, "admin-od@example.org", org_roles=["admin"],
                      password="a-long-enough-admin-password")
    platform.login(browser, "admin-od@example.org", "a-long-enough-admin-password")
    archive = archive_of(browser)
    everything = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert "Secret des sages" not in everything and "Proposition masquée" not in everything
    assert "Commentaire masqué" not in everything and "Page en brouillon" not in everything


def test_organisations_never_share_their_open_data(platform, world):
    platform.add_org("Autre commune", "autre.localhost")
    platform.add_space("autre.localhost", "ailleurs", "Ailleurs", modules=("proposals",))
    with platform.tx() as app:
        other = app.organisation_for_host("autre.localhost")
        add_proposal(other.spaces["ailleurs"]["proposals"], "Idée d'ailleurs", "Loin.",
                     "markdown", None)
    here = archive_of(platform.browser(HOST))
    there = archive_of(platform.browser("autre.localhost"))
    here_text = "\n".join(here.read(n).decode() for n in here.namelist())
    there_text = "\n".join(there.read(n).decode() for n in there.namelist())
    assert "Idée d'ailleurs" not in here_text and "ailleurs" not in " ".join(here.namelist())
    assert "Idée d'ailleurs" in there_text and "Rénover" not in there_text


def test_the_open_data_command_rebuilds_the_archives(tmp_path):
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from beffroi.cli import main
    from beffroi.resources.root import get_app_root
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\n"
                   f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs\n")
    out = []
    for args in (("org", "add", "--name", "Ville", "--host", "ville.localhost", "--allow", "pages"),
                 ("space", "add", "ville.localhost", "--slug", "infos", "--title", "Infos", "--publish"),
                 ("module", "ville.localhost", "infos", "pages")):
        assert main(["-c", str(ini), *args], out=out.append) == 0
    db = DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    conn = db.open()
    with transaction.manager:
        org = get_app_root(conn).organisation_for_host("ville.localhost")
        add_page(org.spaces["infos"]["pages"], "Horaires de la mairie", "<p>9 h – 17 h.</p>")
    conn.close()
    db.close()
    out.clear()
    assert main(["-c", str(ini), "open-data", "ville.localhost"], out=out.append) == 0
    assert out[0].startswith("ville.localhost: open data archive rebuilt (2 tables")
    assert out[-1] == "1 open-data archive(s) rebuilt"
    out.clear()
    assert main(["-c", str(ini), "open-data", "--if-stale"], out=out.append) == 0
    assert out == ["0 open-data archive(s) rebuilt"]
    db = DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs"), read_only=True))
    conn = db.open()
    archive = stored(get_app_root(conn).organisation_for_host("ville.localhost"))
    data = zipfile.ZipFile(io.BytesIO(archive.read()))
    assert "Horaires de la mairie" in data.read("pages/infos.csv").decode()
    conn.close()
    db.close()
