"""Passwords: forgotten password by mail, invitation links, change, and the policy."""
import pytest

from beffroi.devkit.testing import PASSWORD
from beffroi.accounts.tokens import issue_token

HOST = "test.localhost"
URL = "http://test.localhost"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    return HOST


def field_error(page, name):
    """The error message deform shows next to the field ``name`` (or None)."""
    item = page.html.find(class_=f"item-{name}")
    error = item.find(class_="invalid-feedback") if item else None
    return error.get_text(" ", strip=True) if error else None


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def ask_reset(browser, email):
    form = form_with(browser.get("/-/password/forgot"), "email")
    form["email"] = email
    return form.submit("send")


def choose(page, password, confirm=None):
    form = form_with(page, "password_confirm")
    form["password"] = password
    form["password_confirm"] = password if confirm is None else confirm
    return form.submit("save")


def test_forgotten_password_by_mail_with_a_single_use_link(platform, org, mail_outbox):
    platform.add_user(HOST, "camille@example.org")
    browser = platform.browser(HOST)
    known = ask_reset(browser, "camille@example.org")
    unknown = ask_reset(browser, "nobody@example.org")
    assert known.status_int == unknown.status_int == 200
    assert known.html.find("main").text == unknown.html.find("main").text   # reveals nothing
    [msg] = mail_outbox.deliver()                   # only the real account got a mail
    assert msg["To"] == "camille@example.org"
    link = next(u for u in mail_outbox.links(msg) if "/-/password/set" in u).replace(URL, "")
    page = browser.get(link)
    # a weak password is refused next to the field, the link still works
    page = choose(page, "azertyuiop2024")
    assert page.status_int == 200
    assert "courant" in field_error(page, "password")
    page = choose(page, "une toute nouvelle phrase")
    assert page.status_int == 302
    assert "Camille" in page.follow().text                      # logged in
    assert browser.get(link, status=400)                        # single use
    platform.login(platform.browser(HOST), "camille@example.org", PASSWORD, expect_ok=False)
    platform.login(platform.browser(HOST), "camille@example.org", "une toute nouvelle phrase")


def test_an_expired_reset_link_is_refused(platform, org):
    import time
    uid = platform.add_user(HOST, "camille@example.org")
    with platform.tx() as app:
        token = issue_token(app.organisation_for_host(HOST), uid, "reset", 0.05)
    time.sleep(0.1)
    page = platform.browser(HOST).get("/-/password/set?token=" + token, status=400)
    assert page.html.find("h1").text.strip() in ("Ce lien n'est plus valable",
                                                 "This link is no longer valid")


def test_an_invitation_link_sets_the_password_confirms_and_logs_in(platform, org):
    uid = platform.add_user(HOST, "invitee@example.org", confirmed=False, password="temporaire et long")
    with platform.tx() as app:
        token = issue_token(app.organisation_for_host(HOST), uid, "invite", 3600)
    browser = platform.browser(HOST)
    page = browser.get("/-/password/set?token=" + token)
    assert "invitee@example.org" in page.text
    response = choose(page, "ma phrase secrète à moi")
    assert response.status_int == 302
    assert "Invitee" in browser.get("/-/account").text
    with platform.tx() as app:
        assert app.organisation_for_host(HOST).users[uid].confirmed


def test_administrators_need_15_characters(platform, org):
    uid = platform.add_user(HOST, "admin@example.org", org_roles=["admin"])
    with platform.tx() as app:
        token = issue_token(app.organisation_for_host(HOST), uid, "reset", 3600)
    browser = platform.browser(HOST)
    page = choose(browser.get("/-/password/set?token=" + token), "douze signes")   # 12 characters
    assert page.status_int == 200 and "15" in field_error(page, "password")


def test_changing_the_password_needs_the_current_one(platform, org):
    platform.add_user(HOST, "camille@example.org")
    browser = platform.browser(HOST)
    platform.login(browser, "camille@example.org")
    page = browser.get("/-/account/password")
    form = form_with(page, "current_password")
    form["current_password"] = "not the password"
    form["password"] = form["password_confirm"] = "une phrase neuve et longue"
    page = form.submit("save")
    assert page.status_int == 200 and "actuel" in field_error(page, "current_password")
    form = form_with(page, "current_password")
    form["current_password"] = PASSWORD
    form["password"] = "une phrase neuve et longue"
    form["password_confirm"] = "une phrase différente"
    page = form.submit("save")
    assert field_error(page, "password_confirm") == "Les deux mots de passe sont différents."
    form = form_with(page, "current_password")
    form["current_password"] = PASSWORD
    form["password"] = form["password_confirm"] = "une phrase neuve et longue"
    assert form.submit("save").status_int == 302
    platform.login(platform.browser(HOST), "camille@example.org", "une phrase neuve et longue")


def test_a_new_password_ends_the_other_sessions_but_not_this_one(platform, org):
    platform.add_user(HOST, "camille@example.org")
    laptop, phone = platform.browser(HOST), platform.browser(HOST)
    platform.login(laptop, "camille@example.org")
    platform.login(phone, "camille@example.org")
    form = form_with(laptop.get("/-/account/password"), "current_password")
    form["current_password"] = PASSWORD
    form["password"] = form["password_confirm"] = "une phrase neuve et longue"
    form.submit("save").follow()
    assert laptop.get("/-/account").status_int == 200
    assert phone.get("/-/account").status_int == 302        # back to the login page
