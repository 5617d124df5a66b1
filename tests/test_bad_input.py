"""Bad input gets a clear answer, never a 500 (issues 10 and 19): forms posted without
a multipart boundary, file fields posted without a file, control characters in text
fields, e-mail addresses that mail cannot reach."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
NO_BOUNDARY = "multipart/form-data"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "budget", "Budget", modules=["proposals"])
    platform.add_user(HOST, "admin@example.org", name="Alix Admin", org_roles=["admin"])
    platform.add_user(HOST, "ana@example.org", name="Ana")
    return platform


def as_(platform, email=None):
    browser = platform.browser(HOST)
    if email:
        platform.login(browser, email)
    return browser


def post_raw(browser, path, body, content_type, status=400):
    """POST ``body`` with exactly ``content_type`` (webtest would add a boundary)."""
    from webtest import TestRequest
    request = TestRequest.blank(path, method="POST", body=body,
                                environ={"HTTP_HOST": HOST, "CONTENT_TYPE": content_type})
    return browser.do_request(request, status=status)


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def field_error(page, name):
    item = page.html.find(class_=f"item-{name}")
    error = item.find(class_="invalid-feedback") if item else None
    return error.get_text(" ", strip=True) if error else None


@pytest.mark.parametrize("path,email", [
    ("/-/login", None), ("/-/register", None), ("/-/password-reset", None),
    ("/budget/proposals/add", "ana@example.org"), ("/-/admin/settings", "admin@example.org"),
    ("/-/follow", "ana@example.org"),
])
def test_a_multipart_form_without_a_boundary_is_a_400_on_every_post(org, path, email):
    browser = as_(org, email)
    page = post_raw(browser, path, b"email=a%40b.org&password=x", NO_BOUNDARY)
    assert "Traceback" not in page.text and "boundary" not in page.text
    assert "n'a pas pu être lu" in page.text                  # says what to do, in French


def test_a_broken_multipart_body_is_a_400_too(org):
    page = post_raw(as_(org), "/-/login", b"--xyz\r\nnonsense", "multipart/form-data; boundary=xyz")
    assert "Traceback" not in page.text


@pytest.mark.parametrize("upload", [{"upload": "", "uid": "abc"}, {"upload": ""},
                                    {"upload": "plan.pdf", "uid": ""}])
def test_an_upload_field_posted_without_a_file_shows_the_form_again_with_a_message(org, upload):
    ana = as_(org, "ana@example.org")
    page = ana.get("/budget/proposals/add")
    data = [("csrf_token", csrf_of(page)), ("title", "Des bancs sur la place"),
            ("body", "Il faut des bancs à l'ombre des platanes."), ("__start__", "attachment:mapping"),
            *upload.items(), ("__end__", "attachment:mapping"), ("create", "create")]
    page = ana.post("/budget/proposals/add", data, status=200)
    assert "Aucun fichier n'a été reçu" in field_error(page, "attachment")
    assert form_with(page, "title")["title"].value == "Des bancs sur la place"
    with org.tx() as app:
        assert len(app.organisation_for_host(HOST).spaces["budget"]["proposals"]) == 0
    # the organisation's logo (a core upload field) answers the same way
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/settings"), "primary_colour")
    # the whole form (its markers kept: a form cut short is refused before it is read)
    fields = [(k, v) for k, v in form.submit_fields() if k not in ("upload", "uid")]
    at = fields.index(("__start__", "logo:mapping")) + 1
    fields[at:at] = [("upload", ""), ("uid", "abc")]
    page = admin.post("/-/admin/settings", fields + [("save", "save")], status=200)
    assert "Aucun fichier n'a été reçu" in field_error(page, "logo")


@pytest.mark.parametrize("bad", ["Des bancs\x00 sur la place", "Des bancs\x1b sur la place",
                                 "Des bancs \ufffd sur la place", "Des bancs\x7f sur la place"])
def test_control_characters_are_refused_in_a_module_text_field_and_nothing_is_stored(org, bad):
    ana = as_(org, "ana@example.org")
    form = form_with(ana.get("/budget/proposals/add"), "title")
    form["title"], form["body"] = bad, "Il faut des bancs à l'ombre des platanes."
    page = form.submit("create", status=200)
    assert "caractères de contrôle invisibles" in field_error(page, "title")
    with org.tx() as app:
        assert len(app.organisation_for_host(HOST).spaces["budget"]["proposals"]) == 0


def test_tabs_and_line_breaks_stay_welcome(org):
    ana = as_(org, "ana@example.org")
    form = form_with(ana.get("/budget/proposals/add"), "title")
    form["title"] = "Des bancs sur la place"
    form["body"] = "Premier paragraphe.\r\n\r\n\t- un banc\r\n\t- un autre banc"
    assert form.submit("create").status_int == 302


def test_control_characters_are_refused_in_core_forms_and_reports(org):
    admin = as_(org, "admin@example.org")
    form = form_with(admin.get("/-/admin/settings"), "primary_colour")
    form["name"] = "Commune\x00 de Test"
    page = form.submit("save", status=200)
    assert "caractères de contrôle invisibles" in field_error(page, "name")
    with org.tx() as app:
        assert app.organisation_for_host(HOST).name == "Commune de Test"
    # a report's free text, taken outside a deform form, follows the same rule
    ana = as_(org, "ana@example.org")
    form = form_with(ana.get("/budget/proposals/add"), "title")
    form["title"], form["body"] = "Des bancs sur la place", "Il faut des bancs à l'ombre des platanes."
    url = form.submit("create").location
    page = ana.get(url)
    page = ana.post(url + "report", {"csrf_token": csrf_of(page), "reason": "spam",
                                     "details": "spam\x00", "came_from": url}).follow()
    assert "caractères de contrôle invisibles" in page.html.find(class_="flash-error").text
    with org.tx() as app:
        proposal = app.organisation_for_host(HOST).spaces["budget"]["proposals"]["1"]
        assert getattr(proposal, "moderation_case", None) is None


@pytest.mark.parametrize("address", ["zoe\x00@example.org", "zoe\ufffd@example.org",
                                     "zoe@exam\x00ple.org", "zoé@example.org", "zoe@example",
                                     "zoe..x@example.org", "zoe@localhost"])
def test_registration_refuses_addresses_mail_cannot_reach(platform, address):
    platform.add_org("Commune de Test", HOST)
    browser = as_(platform)
    form = form_with(browser.get("/-/register"), "password_confirm")
    form["name"], form["email"] = "Zoé", address
    form["password"] = form["password_confirm"] = "quatre mots bien choisis"
    page = form.submit("register", status=200)
    assert field_error(page, "email") is not None
    with platform.tx() as app:
        assert len(app.organisation_for_host(HOST).users) == 0


def test_the_new_address_of_an_e_mail_change_is_checked_the_same_way(org):
    ana = as_(org, "ana@example.org")
    form = form_with(ana.get("/-/account/email"), "email")
    form["email"], form["password"] = "ana\ufffd@nouveau.example.org", "x"
    page = form.submit("send", status=200)
    assert "caractères de contrôle invisibles" in field_error(page, "email")
    form = form_with(page, "email")
    form["email"] = "ana..x@nouveau.example.org"
    page = form.submit("send", status=200)
    assert field_error(page, "email") == "Saisissez une adresse e-mail valide, comme nom@exemple.org."


def test_one_line_fields_refuse_line_breaks_and_numbers_refuse_nan():
    """Core rules on every form: a text input cannot hold a line break (only a forged
    request sends one: it would break calendar lines, mail headers, CSV rows), and a
    number field refuses NaN and infinities (colander's Decimal accepts "NaN")."""
    import colander
    import deform
    from beffroi.forms import LINE_BREAK_MESSAGE, NOT_FINITE_MESSAGE, apply_field_rules

    class Schema(colander.MappingSchema):
        title = colander.SchemaNode(colander.String())
        body = colander.SchemaNode(colander.String(), widget=deform.widget.TextAreaWidget())
        progress = colander.SchemaNode(colander.Decimal(), missing=None)

    schema = apply_field_rules(Schema().bind())
    ok = schema.deserialize({"title": "Un titre", "body": "deux\nlignes", "progress": "12.5"})
    assert ok["body"] == "deux\nlignes"
    for field, value, message in (("title", "X\r\nSUMMARY:injected", LINE_BREAK_MESSAGE),
                                  ("progress", "NaN", NOT_FINITE_MESSAGE)):
        data = {"title": "Un titre", "body": "texte", "progress": "1"}
        data[field] = value
        try:
            schema.deserialize(data)
        except colander.Invalid as error:
            assert error.asdict()[field] == message.interpolate()
        else:
            raise AssertionError(f"{field}={value!r} was accepted")
