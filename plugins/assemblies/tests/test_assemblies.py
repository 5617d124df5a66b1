"""Assemblies: permanent bodies with a public roster; private ones exist only for their
members, transparent ones are read by all and acted in by members."""
from datetime import date, timedelta

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"


@pytest.fixture
def site(platform):
    platform.add_org("Commune", HOST)
    platform.add_space(HOST, "conseil", "Conseil de quartier", space_type="assembly",
                       modules=["members", "debates"])
    platform.add_user(HOST, "admin@test.localhost", org_roles=["admin"])
    platform.add_user(HOST, "awa@test.localhost", name="Awa Diallo")
    platform.add_user(HOST, "camille@test.localhost")
    return platform


def logged(site, email):
    browser = site.browser(HOST)
    site.login(browser, email)
    return browser


def add_member(admin, name, position, account="", end=""):
    form = admin.get("/conseil/members/add").forms["deform"]
    form["name"], form["position"], form["account"], form["end"] = name, position, account, end
    return form.submit("create")


def test_an_assembly_has_no_phases_and_publishes_its_roster(site):
    admin = logged(site, "admin@test.localhost")
    with site.tx() as app:
        space = app.organisation_for_host(HOST).spaces["conseil"]
        assert space.phases == []
        space["members"].settings["purpose"] = "Faire vivre le quartier."
    add_member(admin, "Awa Diallo", "Présidente", "awa@test.localhost").follow()
    ended = (date.today() - timedelta(days=1)).isoformat()
    add_member(admin, "Jules Martin", "Secrétaire", end=ended).follow()
    page = site.browser(HOST).get("/conseil/members/")
    assert "Faire vivre le quartier." in page.text
    rows = [[td.text for td in tr.select("td")] for tr in page.html.select("table.roster tbody tr")]
    assert rows == [["Awa Diallo", "Présidente", ""]]
    assert "Jules Martin" in page.html.select_one("section ul").text          # former members
    assert site.browser(HOST).get("/conseil/members/export.json").json[0]["name"] == "Awa Diallo"
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        awa = org.users.find_by_email("awa@test.localhost")
        assert "member" in org.spaces["conseil"].space_roles(awa.id)


def test_an_unknown_account_is_refused_with_a_message(site):
    admin = logged(site, "admin@test.localhost")
    page = add_member(admin, "Inès", "Membre", "personne@ailleurs.org")
    assert page.status_int == 200 and "Aucun·e participant·e" in page.text


def test_a_private_assembly_is_invisible_to_non_members(site):
    admin = logged(site, "admin@test.localhost")
    add_member(admin, "Awa Diallo", "Présidente", "awa@test.localhost")
    with site.tx() as app:
        app.organisation_for_host(HOST).spaces["conseil"].visibility = "private"
    for browser in (site.browser(HOST), logged(site, "camille@test.localhost")):
        browser.get("/conseil/", status=404)
        browser.get("/conseil/members/", status=404)
        assert "Conseil de quartier" not in browser.get("/").text
    awa = logged(site, "awa@test.localhost")
    assert "Conseil de quartier" in awa.get("/").text
    assert "Awa Diallo" in awa.get("/conseil/members/").text


def test_a_transparent_assembly_is_read_by_all_and_refuses_non_members_actions(site):
    admin = logged(site, "admin@test.localhost")
    add_member(admin, "Awa Diallo", "Présidente", "awa@test.localhost")
    with site.tx() as app:
        space = app.organisation_for_host(HOST).spaces["conseil"]
        space.visibility = "transparent"
        space["debates"].settings["participants_open"] = True
    camille = logged(site, "camille@test.localhost")
    assert "Awa Diallo" in camille.get("/conseil/members/").text
    assert camille.get("/conseil/debates/add", expect_errors=True).status_int == 403
    awa = logged(site, "awa@test.localhost")
    assert awa.get("/conseil/debates/add").status_int == 200


def test_child_assemblies_are_listed_under_their_parent(site):
    site.add_space(HOST, "jeunes", "Conseil des jeunes", space_type="assembly", parent="conseil")
    page = site.browser(HOST).get("/conseil/")
    assert "Conseil des jeunes" in page.html.select_one("section .cards").text


def test_removing_the_last_seat_of_a_participant_takes_their_member_role(site):
    admin = logged(site, "admin@test.localhost")
    add_member(admin, "Awa Diallo", "Présidente", "awa@test.localhost")
    page = admin.get("/conseil/members/")
    action = page.html.select_one("table.roster form")["action"]
    admin.post(action, {"csrf_token": csrf_of(page)}).follow()
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        awa = org.users.find_by_email("awa@test.localhost")
        assert org.spaces["conseil"].space_roles(awa.id) == ()
