"""Edit forms show the stored values, and saving changes only what the person changed
(issue 11, kind 7)."""
from __future__ import annotations

import pytest

HOST = "test.localhost"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["proposals"])
    platform.add_user(HOST, "admin@example.org", name="Alix Admin", org_roles=["admin"])
    platform.add_user(HOST, "camille@example.org", name="Camille", space_roles={"place": ["moderator"]})
    return platform


def as_(platform, email):
    browser = platform.browser(HOST)
    platform.login(browser, email)
    return browser


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def ticked(form, name="checkbox"):
    return {f._value for f in form.fields.get(name, ()) if f.checked}


def roles_of(platform, email, space="place"):
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        return set(org.spaces[space].space_roles(org.users.find_by_email(email).id))


def test_the_space_roles_form_opened_from_the_roles_page_shows_the_stored_roles(org):
    admin = as_(org, "admin@example.org")
    page = admin.get("/-/admin/spaces/place/roles")
    page = page.click(href="email=camille%40example.org")
    form = form_with(page, "email")
    assert form["email"].value == "camille@example.org"
    assert ticked(form) == {"moderator"}


def test_ticking_evaluator_keeps_the_moderator_role(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/spaces/place/roles?email=camille@example.org"), "email")
    for box in form.fields["checkbox"]:
        box.checked = box._value == "evaluator" or box.checked
    form.submit("save")
    assert roles_of(org, "camille@example.org") == {"moderator", "evaluator"}


def test_a_form_typed_by_hand_only_adds_what_was_ticked(org):
    """The issue's input: the form shown with no box ticked, only "evaluator" ticked,
    saved: the moderator role stays."""
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/spaces/place/roles"), "email")
    form["email"] = "camille@example.org"
    for box in form.fields["checkbox"]:
        box.checked = box._value == "evaluator"
    form.submit("save")
    assert roles_of(org, "camille@example.org") == {"moderator", "evaluator"}


def test_unticking_a_shown_role_removes_it_and_unticking_all_removes_the_person(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/spaces/place/roles?email=camille@example.org"), "email")
    for box in form.fields["checkbox"]:
        box.checked = False
    page = form.submit("save").follow()
    assert roles_of(org, "camille@example.org") == set()
    assert "camille@example.org" not in page.html.find("table").text if page.html.find("table") else True


def test_a_role_given_meanwhile_by_another_admin_is_kept(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/spaces/place/roles?email=camille@example.org"), "email")
    with org.tx() as app:                             # someone else, in the meantime
        o = app.organisation_for_host(HOST)
        o.spaces["place"].set_space_roles(o.users.find_by_email("camille@example.org").id,
                                          ("moderator", "collaborator"))
    for box in form.fields["checkbox"]:
        box.checked = box._value in ("moderator", "member")
    form.submit("save")
    assert roles_of(org, "camille@example.org") == {"moderator", "collaborator", "member"}


def test_organisation_roles_change_only_what_the_admin_changed(org):
    with org.tx() as app:
        uid = app.organisation_for_host(HOST).users.find_by_email("camille@example.org").id
    admin = as_(org, "admin@example.org")
    page = admin.get(f"/-/admin/participants/{uid}/")
    form = form_with(page, "shown_roles")
    assert ticked(form) == set()
    with org.tx() as app:
        app.organisation_for_host(HOST).set_org_roles(uid, ("user_manager",))
    for box in form.fields["checkbox"]:
        box.checked = False
    form.submit("save")                                    # nothing changed by this admin
    with org.tx() as app:
        assert app.organisation_for_host(HOST).org_roles(uid) == ("user_manager",)


def test_module_settings_left_as_shown_keep_following_the_organisation_defaults(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/modules/proposals"), "title_max")
    form["title_max"] = "120"
    form.submit("save")
    form = form_with(admin.get("/-/admin/spaces/place/modules/proposals"), "title_max")
    assert form["title_max"].value == "120"                 # shows what applies
    form["body_max"] = "3000"
    form.submit("save")                                     # changes only the text limit
    form = form_with(admin.get("/-/admin/modules/proposals"), "title_max")
    form["title_max"] = "90"
    form.submit("save")
    with org.tx() as app:
        container = app.organisation_for_host(HOST).spaces["place"]["proposals"]
        assert container.settings["body_max"] == 3000 and "title_max" not in container.settings
    form = form_with(admin.get("/-/admin/spaces/place/modules/proposals"), "title_max")
    assert form["title_max"].value == "90" and form["body_max"].value == "3000"
