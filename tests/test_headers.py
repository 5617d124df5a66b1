"""Security headers on every kind of page the account pages answer with."""
import io

import pytest
from PIL import Image

from beffroi.devkit.testing import accessibility_problems, csrf_of
from beffroi.accounts.tokens import issue_token

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


# --- the header set: privacy, caching, permissions --------------------------------------------

def test_permissions_policy_is_on_every_response(platform, logged_in):
    anonymous = platform.browser(HOST)
    for path, status in [("/", 200), ("/-/login", 200), ("/nowhere", 404)]:
        policy = anonymous.get(path, status=status).headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
        assert anonymous.get(path, status=status).headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_an_anonymous_visitor_gets_no_cookie_and_cacheable_pages(platform, logged_in):
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    anonymous = platform.browser(HOST)
    for path in ("/", "/place/", "/place/pages/"):
        response = anonymous.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=60", path
        assert "Cookie" in response.headers["Vary"]
        etag = response.headers["ETag"]
        again = anonymous.get(path, headers={"If-None-Match": etag}, status=304)
        assert again.body == b""
    assert not anonymous.cookies


def test_pages_for_one_person_are_never_stored(platform, logged_in):
    browser, uid, reset = logged_in
    anonymous = platform.browser(HOST)
    login_page = anonymous.get("/-/login")               # carries a CSRF token: personal
    assert login_page.headers["Cache-Control"] == "no-store"
    platform.login(browser, "camille@example.org")
    for path in ("/", "/-/account", "/-/account/profile", "/-/notifications"):
        response = browser.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers


def test_static_files_have_versioned_urls_cached_for_a_year(platform, logged_in):
    import re
    page = platform.browser(HOST).get("/")
    css = re.search(r'href="(http://[^"]*/-/skin/default/beffroi\.css\?v=[0-9a-f]{12})"', page.text)
    assert css, "the stylesheet URL carries no version"
    response = platform.browser(HOST).get(css.group(1))
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Expires" not in response.headers


def test_the_session_cookie_follows_the_secure_setting(beffroi_settings, beffroi_db):
    import webtest
    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform
    settings = dict(beffroi_settings, **{"beffroi.secure_cookies": "true"})
    platform = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    platform.add_org("Commune de Test", HOST)
    browser = webtest.TestApp(platform.app, extra_environ={"HTTP_HOST": HOST})
    cookie = browser.get("/-/login").headers["Set-Cookie"]
    assert cookie.startswith("beffroi=") and "secure" in cookie.lower() \
        and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_flash_messages_pile_up_without_a_500_after_the_write(platform, logged_in):
    """A client that never loads the redirect target: every save is answered 302 and
    stored, the cookie stays small and the page shows the latest messages only."""
    browser, uid, reset = logged_in
    platform.login(browser, "camille@example.org")
    for i in range(40):
        page = browser.get("/-/account/profile")
        form = next(f for f in page.forms.values() if "nickname" in f.fields)
        form["nickname"] = f"Cam {i} " + "é" * 40
        response = form.submit("save", status="*")
        assert response.status_int == 302, response.status
        assert len(browser.cookies["beffroi"]) < 4096
    with platform.tx() as app:
        assert app.organisation_for_host(HOST).users[uid].nickname.startswith("Cam 39")
    shown = browser.get("/-/account").html.select(".flash p")
    assert 1 <= len(shown) <= 5
    assert browser.get("/-/account").html.select(".flash p") == []     # shown once


def test_a_flash_message_too_long_for_a_cookie_never_breaks_the_answer():
    from beffroi.accounts.session_cookie import session_factory
    from pyramid.response import Response
    from pyramid.testing import DummyRequest
    factory = session_factory("s" * 40, {})
    request = DummyRequest()
    request.cookies = {}
    session = factory(request)
    session["uid"] = "someone"
    for i in range(200):
        session.flash(f"{i} " + "x" * 5000)
    response = Response()
    session._set_cookie(response)
    cookie = response.headers["Set-Cookie"]
    assert len(cookie) < 4096
    restored = factory(DummyRequest(cookies={"beffroi": cookie.split(";")[0].split("=", 1)[1]}))
    assert restored["uid"] == "someone"
