"""Security headers on every kind of page the account pages answer with."""
import io

import pytest
from PIL import Image

from beffroi.testing import accessibility_problems, csrf_of
from beffroi.tokens import issue_token

HOST = "test.localhost"


def assert_secure(response):
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"


@pytest.fixture
def logged_in(platform):
    platform.add_org("Commune de Test", HOST)
    uid = platform.add_user(HOST, "camille@example.org")
    with platform.tx() as app:
        from ZODB.blob import Blob
        user = app.organisation_for_host(HOST).users[uid]
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, "PNG")
        user.avatar = Blob(out.getvalue())
        user.avatar_type = "image/png"
        reset = issue_token(app.organisation_for_host(HOST), uid, "reset", 3600)
    browser = platform.browser(HOST)
    return browser, uid, reset


def test_every_account_page_type_sends_the_security_headers(platform, logged_in):
    browser, uid, reset = logged_in
    anonymous = platform.browser(HOST)
    before = platform.db.lastTransaction()
    for path, status in [("/-/login", 200), ("/-/register", 200), ("/-/register-sent", 200),
                         ("/-/password/forgot", 200), (f"/-/password/set?token={reset}", 200),
                         ("/-/password/set?token=nope", 400), ("/-/confirm?token=nope", 400),
                         (f"/-/avatar/{uid}", 200), ("/-/avatar/nobody", 404),
                         ("/-/account", 302), ("/-/account-deleted", 200)]:
        assert_secure(anonymous.get(path, status=status))
    assert platform.db.lastTransaction() == before        # reading never writes
    platform.login(browser, "camille@example.org")
    before = platform.db.lastTransaction()
    for path in ("/-/account", "/-/account/profile", "/-/account/email", "/-/account/password",
                 "/-/account/delete", "/-/account/data"):
        assert_secure(browser.get(path, status=200))
    assert platform.db.lastTransaction() == before        # reading never writes
    page = browser.get("/-/account")
    assert_secure(browser.post("/-/logout", {"csrf_token": csrf_of(page)}, status=302))
    assert_secure(browser.post("/-/login", {"email": "x"}, status=400))      # CSRF refusal


def test_account_pages_have_no_inline_script_or_style(platform, logged_in):
    browser, uid, reset = logged_in
    platform.login(browser, "camille@example.org")
    for path in ("/-/account", "/-/account/profile", "/-/account/delete", "/-/register"):
        page = browser.get(path)
        for script in page.html.find_all("script"):
            assert script.get("src"), f"inline script on {path}"
        assert not page.html.find_all("style"), f"inline style element on {path}"
        assert not page.html.find_all(style=True), f"inline style attribute on {path}"


def test_account_pages_pass_the_static_accessibility_check(platform, logged_in):
    browser, uid, reset = logged_in
    anonymous = platform.browser(HOST)
    problems = {}
    for path in ("/-/login", "/-/register", "/-/register-sent", "/-/password/forgot",
                 f"/-/password/set?token={reset}"):
        problems[path] = accessibility_problems(anonymous.get(path).text)
    page = anonymous.get("/-/register")
    form = next(f for f in page.forms.values() if "password_confirm" in f.fields)
    problems["register with errors"] = accessibility_problems(form.submit("register").text)
    platform.login(browser, "camille@example.org")
    for path in ("/-/account", "/-/account/profile", "/-/account/email", "/-/account/password",
                 "/-/account/delete"):
        problems[path] = accessibility_problems(browser.get(path).text)
    assert not {path: found for path, found in problems.items() if found}
