"""The same journeys on FileStorage and on PostgreSQL (RelStorage), and reads never write."""
import pytest
from beffroi.persistence import Database as DB
from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.devkit.testing import Platform


@pytest.fixture(params=["filestorage", "postgresql"])
def storage_db(request, tmp_path):
    if request.param == "filestorage":
        uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    else:
        uri = request.getfixturevalue("postgres_uri")
    factory, dbkw = resolve_uri(uri)
    db = DB(factory(), **dbkw)
    yield db, uri
    db.close()


def platform_on(db):
    settings = {"beffroi.db": db, "beffroi.secret": "s" * 40}
    return Platform(make_config(settings).make_wsgi_app(), db)


def admin_on_a_space_with_pages(db):
    """A platform over ``db`` with one space and a logged-in organisation admin."""
    site = platform_on(db)
    site.add_org("Commune", "test.localhost")
    site.add_space("test.localhost", "place", "La place", modules=["pages"])
    site.add_user("test.localhost", "admin@test.localhost", org_roles=["admin"])
    browser = site.browser("test.localhost")
    site.login(browser, "admin@test.localhost")
    return site, browser


def test_data_written_through_the_app_survives_a_restart(storage_db):
    db, uri = storage_db
    site, browser = admin_on_a_space_with_pages(db)
    form = next(f for f in browser.get("/place/pages/add").forms.values() if "title" in f.fields)
    form["title"] = "Calendrier"
    form["body"] = "<p>Réunion le 3 mars</p><script>alert(1)</script>"
    page = form.submit("create").follow()
    assert "Réunion le 3 mars" in page.text
    db.close()
    factory, dbkw = resolve_uri(uri)
    reopened = DB(factory(), **dbkw)
    try:
        again = platform_on(reopened)
        page = again.browser("test.localhost").get("/place/pages/calendrier")
        assert "Réunion le 3 mars" in page.text
        assert "<script>alert(1)" not in page.text
    finally:
        reopened.close()


def test_reading_pages_never_writes_to_the_database(storage_db):
    db, _ = storage_db
    site, browser = admin_on_a_space_with_pages(db)
    before = db.lastTransaction()
    for url in ("/", "/place/", "/place/pages/", "/-/admin/", "/-/admin/spaces/place/",
                "/-/health", "/-/plugins.json", "/-/branding.css"):
        browser.get(url)
        site.browser("test.localhost").get(url, expect_errors=True)
    assert db.lastTransaction() == before
