"""Organisation administration: settings and branding, participants, spaces, phases,
roles, the action log."""
import io

import pytest
from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    platform.add_space(HOST, "parc", "Le parc")
    platform.add_user(HOST, "admin@example.org", name="Alix Admin", org_roles=["admin"])
    platform.add_user(HOST, "gestion@example.org", name="Gaby Gestion", org_roles=["user_manager"])
    platform.add_user(HOST, "espace@example.org", name="Sacha Espace", space_roles={"place": ["admin"]})
    platform.add_user(HOST, "camille@example.org", name="Camille Habitant")
    return platform


def as_(platform, email):
    browser = platform.browser(HOST)
    platform.login(browser, email)
    return browser


def form_with(page, field):
    return page.forms[[i for i, f in page.forms.items() if field in f.fields][0]]


def png(size=(20, 10)):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


def test_settings_validate_colour_and_logo_by_real_type(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/settings"), "primary_colour")
    form["primary_colour"] = "blue"
    form["description"] = '<p>Bienvenue</p><script>alert(1)</script>'
    form["upload"] = ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    page = form.submit("save")
    assert "#rrggbb" in page.text
    assert 'value="blue"' in page.text                        # what was typed is kept
    form = form_with(page, "primary_colour")
    form["primary_colour"] = "#AA3300"
    form["upload"] = ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    page = form.submit("save")
    assert page.status_int == 200
    assert "not an image we can show" in page.text or "pas une image" in page.text
    form = form_with(page, "primary_colour")
    form["upload"] = ("logo.bin", png())
    assert form.submit("save").status_int == 302
    assert "--primary: #aa3300" in org.browser(HOST).get("/-/branding.css").text
    logo = org.browser(HOST).get("/-/logo")
    assert logo.content_type == "image/png" and logo.body == png()
    home = org.browser(HOST).get("/")
    assert "<script>alert(1)</script>" not in home.text
    with org.tx() as app:
        organisation = app.organisation_for_host(HOST)
        assert organisation.description == "<p>Bienvenue</p>"
        assert [e.action for e in organisation.action_log.newest()] == ["organisation.settings"]


def test_logo_larger_than_the_organisation_limit_is_refused(org):
    with org.tx() as app:
        app.organisation_for_host(HOST).upload_max_bytes = 100
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/settings"), "primary_colour")
    form["upload"] = ("logo.png", png((200, 200)))
    page = form.submit("save")
    assert page.status_int == 200 and ("too large" in page.text or "trop grande" in page.text)


def test_user_manager_searches_blocks_and_officialises_but_cannot_change_roles(org):
    manager = as_(org, "gestion@example.org")
    page = manager.get("/-/admin/participants/?q=camille")
    assert "Camille Habitant" in page.text and "Alix Admin" not in page.text
    page = page.click("Camille Habitant")
    assert "roles" not in [f.id for f in page.forms.values()]
    form = form_with(page, "reason")
    form["reason"] = ""
    page = form.submit("block")
    assert page.status_int == 200                             # reason required
    form = form_with(page, "reason")
    form["reason"] = "Insultes répétées"
    page = form.submit("block").follow()
    assert "Insultes répétées" in page.text
    camille = org.browser(HOST)
    org.login(camille, "camille@example.org", expect_ok=False)
    assert camille.get("/-/admin/", status="*").status_int == 302     # not logged in
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        uid = user.id
        assert user.blocked
    manager.post(f"/-/admin/participants/{uid}/officialise",
                 {"csrf_token": csrf_of(page), "official": "1"}, status=302)
    manager.post(f"/-/admin/participants/{uid}/unblock", {"csrf_token": csrf_of(page)}, status=302)
    manager.post(f"/-/admin/participants/{uid}/roles",
                 {"csrf_token": csrf_of(page), "checkbox": "admin"}, status=403)
    with org.tx() as app:
        organisation = app.organisation_for_host(HOST)
        user = organisation.users[uid]
        assert user.official and not user.blocked and organisation.org_roles(uid) == ()
        assert [e.action for e in organisation.action_log.newest()] == [
            "participant.unblock", "participant.officialise", "participant.block"]
    org.login(org.browser(HOST), "camille@example.org")


def test_user_manager_cannot_block_an_organisation_admin(org):
    with org.tx() as app:
        admin_id = app.organisation_for_host(HOST).users.find_by_email("admin@example.org").id
    manager = as_(org, "gestion@example.org")
    manager.post(f"/-/admin/participants/{admin_id}/block",
                 {"csrf_token": csrf_of(manager.get("/")), "reason": "coup d'état"}, status=403)


def test_org_admin_gives_organisation_roles(org):
    admin = as_(org, "admin@example.org")
    page = admin.get("/-/admin/participants/?q=camille@example.org").click("Camille Habitant")
    form = page.forms["roles"]
    form.get("checkbox", index=1).checked = True                 # user manager
    form.submit("save")
    with org.tx() as app:
        organisation = app.organisation_for_host(HOST)
        uid = organisation.users.find_by_email("camille@example.org").id
        assert organisation.org_roles(uid) == ("user_manager",)
    camille = as_(org, "camille@example.org")
    assert "Camille Habitant" in camille.get("/-/admin/participants/").text


def test_org_admin_creates_edits_publishes_a_space(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/spaces/add"), "slug")
    assert form["space_type"].value == ""                        # the admin chooses the type
    form["space_type"] = "participatory_process"
    form["slug"] = "place"                                       # taken
    form["title"] = "Budget 2027"
    page = form.submit("create")
    assert "already has this address" in page.text or "déjà cette adresse" in page.text
    form = form_with(page, "slug")
    form["slug"] = "budget-2027"
    form["description"] = "<p>Des idées</p><img src=x onerror=alert(1)>"
    form["parent"] = "parc"
    form["visibility"] = "transparent"
    page = form.submit("create").follow()
    assert "Budget 2027" in page.text
    org.browser(HOST).get("/budget-2027/", status=302)           # unpublished: login asked
    form = form_with(page, "published")
    form.submit().follow()
    assert "Budget 2027" in org.browser(HOST).get("/budget-2027/").text
    page = admin.get("/-/admin/spaces/budget-2027/edit")
    form = form_with(page, "title")
    form["title"] = ""
    page = form.submit("save")
    assert page.status_int == 200
    with org.tx() as app:
        space = app.organisation_for_host(HOST).spaces["budget-2027"]
        assert space.visibility == "transparent" and space.parent == "parc"
        assert "onerror" not in space.description
        log = app.organisation_for_host(HOST).action_log.newest()
        assert [e.action for e in log] == ["space.publish", "space.create"]


def test_phases_are_added_dated_reordered_and_activated(org):
    admin = as_(org, "espace@example.org")
    page = admin.get("/-/admin/spaces/place/phases/")
    form = form_with(page, "title")
    form["title"] = "Vote"
    form["start"] = "2027-03-01"
    form["end"] = "2027-02-01"
    page = form.submit("create")
    assert "must not come before" in page.text or "avant le début" in page.text
    form = form_with(page, "title")
    form["end"] = "2027-03-31"
    page = form.submit("create").follow()
    with org.tx() as app:
        space = app.organisation_for_host(HOST).spaces["place"]
        titles = [p.title for p in space.phases]
        vote = space.phases[-1]
        assert vote.title == "Vote" and str(vote.end) == "2027-03-31"
        vote_id, first_active = vote.id, space.active_phase_id
    token = csrf_of(page)
    admin.post(f"/-/admin/spaces/place/phases/{vote_id}/move", {"csrf_token": token,
                                                                "direction": "up"}, status=302)
    admin.post(f"/-/admin/spaces/place/phases/{vote_id}/activate", {"csrf_token": token}, status=302)
    form = form_with(admin.get(f"/-/admin/spaces/place/phases/{vote_id}/"), "title")
    form["title"] = "Vote final"
    form.submit("save")
    with org.tx() as app:
        space = app.organisation_for_host(HOST).spaces["place"]
        assert [p.title for p in space.phases] == titles[:-2] + ["Vote final", titles[-2]]
        assert space.active_phase_id == vote_id != first_active


def test_space_admin_assigns_roles_in_own_space_only(org):
    admin = as_(org, "espace@example.org")
    page = admin.get("/-/admin/spaces/place/roles")
    form = form_with(page, "email")
    form["email"] = "nobody@example.org"
    page = form.submit("save")
    assert "No participant has this e-mail" in page.text or "Aucun·e participant·e" in page.text
    form = form_with(page, "email")
    form["email"] = "camille@example.org"
    form.get("checkbox", index=1).checked = True               # moderator
    page = form.submit("save").follow()
    assert "camille@example.org" in page.text
    with org.tx() as app:
        camille_id = app.organisation_for_host(HOST).users.find_by_email("camille@example.org").id
    person = as_(org, "admin@example.org").get(f"/-/admin/participants/{camille_id}/")
    assert "Modérateur·rice" in person.text or "Moderator" in person.text
    admin.get("/-/admin/spaces/parc/roles", status=403)
    admin.post("/-/admin/spaces/parc/roles", {"csrf_token": csrf_of(page),
                                              "email": "camille@example.org"}, status=403)
    camille = as_(org, "camille@example.org")
    home = camille.get("/-/admin/")
    assert "/-/admin/spaces/place/moderation" in home.text
    assert "/-/admin/settings" not in home.text


def test_space_admin_sees_only_their_spaces_and_no_organisation_settings(org):
    admin = as_(org, "espace@example.org")
    page = admin.get("/-/admin/")
    assert "La place" in page.text and "Le parc" not in page.text
    for path in ("/-/admin/settings", "/-/admin/log", "/-/admin/participants/",
                 "/-/admin/moderation", "/-/admin/spaces/add", "/-/admin/spaces/parc/"):
        admin.get(path, status=403)
    assert org.browser(HOST).get("/-/admin/", status=302)
    as_(org, "camille@example.org").get("/-/admin/", status=403)


def test_action_log_records_module_changes_and_filters(org):
    admin = as_(org, "espace@example.org")
    page = admin.get("/-/admin/spaces/place/")
    admin.post("/-/admin/spaces/place/disable", {"csrf_token": csrf_of(page), "module": "pages"})
    admin.post("/-/admin/spaces/place/enable", {"csrf_token": csrf_of(page), "module": "pages"})
    orgadmin = as_(org, "admin@example.org")
    page = orgadmin.get("/-/admin/spaces/parc/")
    orgadmin.post("/-/admin/spaces/parc/publish", {"csrf_token": csrf_of(page), "published": "0"})
    log = orgadmin.get("/-/admin/log")
    assert "module.disable" in log.text and "module.enable" in log.text and "Sacha Espace" in log.text
    rows = lambda page: page.text.split("<tbody>")[1]            # the entries, not the filters
    only_place = rows(orgadmin.get("/-/admin/log?space=place"))
    assert "space.unpublish" not in only_place and "module.enable" in only_place
    with org.tx() as app:
        uid = app.organisation_for_host(HOST).users.find_by_email("admin@example.org").id
    mine = rows(orgadmin.get(f"/-/admin/log?person={uid}"))
    assert "space.unpublish" in mine and "module.enable" not in mine
    only_enable = rows(orgadmin.get("/-/admin/log?action=module.enable"))
    assert "module.disable" not in only_enable and "module.enable" in only_enable


def test_admin_pages_do_not_write_on_get(org):
    admin = as_(org, "admin@example.org")
    admin.get("/-/admin/")
    before = org.db.lastTransaction()
    for path in ("/-/admin/", "/-/admin/settings", "/-/admin/participants/", "/-/admin/log",
                 "/-/admin/moderation", "/-/admin/spaces/place/", "/-/admin/spaces/place/phases/",
                 "/-/admin/spaces/place/roles", "/-/admin/spaces/add",
                 "/-/admin/spaces/place/moderation"):
        admin.get(path)
    assert org.db.lastTransaction() == before


def test_action_log_reads_newest_first_across_days_and_filters():
    from datetime import datetime, timedelta, timezone
    from beffroi.services.actionlog.model import ActionLog, LogEntry
    log = ActionLog()
    start = datetime(2026, 1, 1, 23, 0, tzinfo=timezone.utc)
    for i in range(300):                          # 300 acts over ~12 days, some days empty
        when = start + timedelta(hours=i if i < 100 else i + 72)
        log.append(LogEntry(when, f"u{i % 3}", "N", "participant",
                            "moderation.hide" if i % 5 == 0 else "space.edit", f"t{i}", f"s{i % 2}"))
    newest = log.newest(limit=1000)
    assert [e.target for e in newest] == [f"t{i}" for i in reversed(range(300))]
    assert [e.target for e in log.newest(limit=3)] == ["t299", "t298", "t297"]
    hides = log.newest(action="moderation", actor_id="u0", space="s1", limit=1000)
    assert [e.target for e in hides] == [f"t{i}" for i in reversed(range(300))
                                         if i % 5 == 0 and i % 3 == 0 and i % 2 == 1]
    assert log.newest(action="moderation.hid") == []          # whole codes, not prefixes of words
    assert ActionLog().newest() == []


def test_a_colour_change_shows_at_once_through_a_versioned_stylesheet(platform, beffroi_org):
    """``branding.css`` is linked with the version of the colour: a versioned URL may be
    kept a year, and a new colour gives a new URL, so the change shows on the next page."""
    import re
    browser = platform.browser(HOST)
    first = re.search(r'href="http://test.localhost(/-/branding.css\?v=\w+)"',
                      browser.get("/").text).group(1)
    assert "immutable" in browser.get(first).headers["Cache-Control"]
    assert "max-age=300" in browser.get("/-/branding.css").headers["Cache-Control"]
    with platform.tx() as app:
        app.organisation_for_host(HOST).primary_colour = "#aa3300"
    second = re.search(r'href="http://test.localhost(/-/branding.css\?v=\w+)"',
                       browser.get("/").text).group(1)
    assert second != first and "--primary: #aa3300" in browser.get(second).text
