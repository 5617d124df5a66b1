"""Admin forms change settings only when they arrive whole: a POST with only the CSRF
token (or some fields) is refused with the form again and a message, nothing changed;
unticking every box in the real form still works, because the browser sends the form's
markers with it (``beffroi.admin.forms.validate_whole``)."""
from __future__ import annotations

import re

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
INCOMPLETE = "arrived incomplete"


def words(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


@pytest.fixture
def admin(platform, beffroi_org):
    browser = platform.browser(HOST)
    browser.set_cookie("_LOCALE_", "en")
    platform.login_as(browser, "admin")
    return browser




def test_the_home_page_blocks_survive_a_post_of_the_token_alone(platform, admin):
    form = form_with(admin.get("/-/admin/home"), "hero_title")
    form["hero_title"] = "Bienvenue à Test"
    form["text_title"], form["text"] = "Comment participer", "Créez un **compte**."
    for name in [f for f in form.fields if f.startswith("pos_")]:
        form[name] = ""
    form["pos_hero"], form["pos_text"] = "1", "2"
    form.submit("save")
    page = admin.get("/-/admin/home")
    refused = admin.post("/-/admin/home", {"csrf_token": csrf_of(page)}, status=400)
    assert INCOMPLETE in words(refused)
    again = form_with(refused, "hero_title")             # the form again, with what is stored
    assert again["hero_title"].value == "Bienvenue à Test" and again["pos_text"].value == "2"
    # some of the fields, not the others: refused too
    admin.post("/-/admin/home", {"csrf_token": csrf_of(page), "hero_title": "Autre",
                                 "__formid__": "deform"}, status=400)
    home = platform.browser(HOST).get("/")
    assert "Bienvenue à Test" in home.text and "Comment participer" in home.text
    # hiding every block through the real form is a choice, and is kept
    form = form_with(admin.get("/-/admin/home"), "hero_title")
    for name in [f for f in form.fields if f.startswith("pos_")]:
        form[name] = ""
    assert form.submit("save").status_int == 302
    assert "Comment participer" not in platform.browser(HOST).get("/").text


def test_module_permissions_survive_a_post_of_the_token_alone(platform):
    import verification_helpers as h
    town = h.Town(platform)
    town.require("support", ("census",), postal_codes="59000")
    url = f"/-/admin/spaces/{h.SPACE}/modules/proposals/permissions"
    page = town.admin.get(url)
    refused = town.admin.post(url, {"csrf_token": csrf_of(page)}, status=400)
    assert "incomplet" in refused.text                      # the admin reads French here
    assert 'value="59000"' in refused.text

    def requirements():
        from beffroi.services.verification.authorisations import requirements_of
        with platform.tx() as app:
            return dict(requirements_of(app.organisation_for_host(h.HOST).spaces[h.SPACE]
                                        ["proposals"]))
    assert requirements()["support"].methods == ("census",)
    # every box unticked in the real form: the requirement goes, as asked
    form = form_with(town.admin.get(url), "postal_codes")
    for field in form.fields["checkbox"]:
        field.checked = False
    assert form.submit("save").status_int == 302
    assert "support" not in requirements()


def test_module_settings_survive_a_post_made_of_some_fields(platform, admin, beffroi_space):
    beffroi_space("proposals", slug="place")
    url = "/-/admin/spaces/place/modules/proposals"
    page = admin.get(url)
    form = form_with(page, "title_max")
    assert form["amendments_enabled"].checked
    # what a script sends when it copies the visible fields and forgets the rest
    fields = {name: form[name].value for name in ("title_max", "body_max", "edit_window",
                                                   "support_limit", "support_threshold",
                                                   "minimum_supports_to_count",
                                                   "attachment_max_mb")}
    refused = admin.post(url, dict(fields, csrf_token=csrf_of(page)), status=400)
    assert INCOMPLETE in words(refused)
    assert form_with(admin.get(url), "title_max")["amendments_enabled"].checked
    # unticking it in the real form is kept
    form = form_with(admin.get(url), "title_max")
    form["amendments_enabled"].checked = False
    assert form.submit("save").status_int == 302
    assert not form_with(admin.get(url), "title_max")["amendments_enabled"].checked


def test_organisation_settings_survive_a_post_of_the_token_alone(platform, admin):
    page = admin.get("/-/admin/settings")
    admin.post("/-/admin/settings", {"csrf_token": csrf_of(page)}, status=400)
    form = form_with(admin.get("/-/admin/settings"), "name")
    assert form["name"].value == "Commune de Test"


def test_the_system_admins_organisation_form_and_the_offered_verifications_too(platform):
    from beffroi.cli.system import add_system_admin
    from beffroi.devkit.testing import PASSWORD
    import verification_helpers as h
    town = h.Town(platform)
    with platform.tx() as app:
        add_system_admin(app, "root@platform.example", PASSWORD)
        org = app.organisation_for_host(HOST)
        oid, allowed = org.id, set(org.allowed_plugins)
    system = platform.browser(HOST)
    form = form_with(system.get("/-/system/login"), "password")
    form["email"], form["password"] = "root@platform.example", PASSWORD
    form.submit("login")
    url = f"/-/system/organisations/{oid}/"
    page = system.get(url)
    system.post(url, {"csrf_token": csrf_of(page)}, status=400)
    with platform.tx() as app:
        assert set(app.organisation_for_host(HOST).allowed_plugins) == allowed and allowed
    # the organisation's admin: the verification methods offered
    town.offer("census")
    page = town.admin.get("/-/admin/verifications")
    refused = town.admin.post("/-/admin/verifications-offer",
                              {"csrf_token": csrf_of(page)}).follow()
    assert "incomplet" in refused.text
    form = form_with(refused, "method")
    assert [box.checked for box in form.fields["method"] if box._value == "census"] == [True]
    for box in form.fields["method"]:
        box.checked = False
    form.submit().follow()
    form = form_with(town.admin.get("/-/admin/verifications"), "method")
    assert not any(box.checked for box in form.fields["method"])
