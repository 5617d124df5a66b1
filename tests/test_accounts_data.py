"""Download my data, and deleting an account: contributions stay, from "Deleted participant"."""
import importlib.util
import io
import json
import pathlib
import zipfile

import pytest

from beffroi.devkit.testing import PASSWORD


def _load_plugin():
    # tests run with --import-mode=importlib: load the helper plugin module by its path
    path = pathlib.Path(__file__).with_name("account_authors_plugin.py")
    spec = importlib.util.spec_from_file_location("account_authors_plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


account_authors_plugin = _load_plugin()

HOST = "test.localhost"
pytestmark = pytest.mark.beffroi_plugins(account_authors_plugin)


@pytest.fixture
def camille(platform):
    from beffroi_pages.content import add_page
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", modules=["pages"])
    uid = platform.add_user(HOST, "camille@example.org", "Camille Martin")
    with platform.tx() as app:
        container = app.organisation_for_host(HOST).spaces["place"].modules["pages"]
        add_page(container, "Un banc sur la place", "<p>Pour s'asseoir.</p>", creator=uid)
    return uid


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def test_download_my_data_gives_a_zip_of_profile_and_plugin_data(platform, camille):
    browser = platform.browser(HOST)
    platform.login(browser, "camille@example.org")
    assert "/-/account/data" in browser.get("/-/account").text
    response = browser.get("/-/account/data")
    assert response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "camille@example.org"
    assert profile["name"] == "Camille Martin"
    assert profile["organisation"]["host"] == HOST
    pages = json.loads(archive.read("plugins/account_authors_plugin.json"))
    assert pages == {"pages": ["Un banc sur la place"]}


def test_anonymous_visitors_cannot_download_anything(platform, camille):
    response = platform.browser(HOST).get("/-/account/data")
    assert response.status_int == 302 and "/-/login" in response.location


def test_deleting_the_account_keeps_contributions_as_from_a_deleted_participant(platform, camille):
    from beffroi.services.follows.model import follow, followed_by
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        follow(org, camille, org.spaces["place"])
    browser = platform.browser(HOST)
    platform.login(browser, "camille@example.org")
    assert "Un banc sur la place: Camille Martin" in browser.get("/-/test-authors").text
    page = browser.get("/-/account/delete")
    form = form_with(page, "password")
    form["password"] = "not my password at all"
    page = form.submit("delete")
    assert "actuel" in page.text or "current password" in page.text     # next to the field
    form = form_with(page, "password")
    form["password"] = PASSWORD
    response = form.submit("delete")
    assert response.status_int == 302
    response.follow()
    assert camille in account_authors_plugin.DELETED
    text = platform.browser(HOST).get("/-/test-authors").text
    assert "Un banc sur la place: Participant·e supprimé·e" in text
    # logged out, cannot log in again, and the address is free for a new account
    assert "/-/login" in browser.get("/-/account").location
    platform.login(platform.browser(HOST), "camille@example.org", expect_ok=False)
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        user = org.users[camille]
        assert user.deleted and user.email == "" and user.name == "" and user.password_hash is None
        assert org.users.find_by_email("camille@example.org") is None
        assert followed_by(org, camille) == []          # follows go with the account
