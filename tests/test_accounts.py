"""Participant accounts: register, confirm by mail, log in, profile, e-mail change."""
import re

import pytest

from beffroi.testing import PASSWORD, csrf_of

HOST = "test.localhost"
STRONG = "quatre mots bien choisis"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    return HOST


def register(browser, name="Camille Martin", email="camille@example.org", password=STRONG,
             confirm=None):
    page = browser.get("/-/register")
    form = form_with(page, "password_confirm")
    form["name"] = name
    form["email"] = email
    form["password"] = password
    form["password_confirm"] = password if confirm is None else confirm
    return form.submit("register")


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def test_register_confirm_by_mail_then_log_in(platform, org, mail_outbox):
    browser = platform.browser(HOST)
    response = register(browser)
    assert response.status_int == 302
    page = response.follow()
    assert "Vérifiez votre messagerie" in page.text or "Check your mailbox" in page.text
    # not confirmed yet: the login is refused
    platform.login(browser, "camille@example.org", STRONG, expect_ok=False)
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "camille@example.org"
    link = next(u for u in mail_outbox.links(msg) if "/-/confirm?token=" in u)
    assert link.startswith("http://test.localhost/")
    page = browser.get(link.replace("http://test.localhost", ""))
    page = form_with(page, "token").submit().follow()
    assert "Camille Martin" in page.text                 # logged in, on the account page
    # the link is single-use
    again = browser.get(link.replace("http://test.localhost", ""), status=400)
    assert "plus valable" in again.text or "no longer valid" in again.text
    other = platform.browser(HOST)
    assert platform.login(other, "camille@example.org", STRONG).status_int == 302
