"""Logging in: throttling, isolation between organisations, CSRF, the demo account."""
import pytest

from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"
OTHER = "autre.localhost"


@pytest.fixture
def two_orgs(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_org("Autre Commune", OTHER)


def login_form(page):
    return next(f for f in page.forms.values() if "password" in f.fields)


def try_login(browser, email, password):
    form = login_form(browser.get("/-/login"))
    form["email"], form["password"] = email, password
    return form.submit("login")


def test_login_is_throttled_per_account_without_revealing_it_exists(platform, two_orgs):
    platform.add_user(HOST, "camille@example.org")
    browser = platform.browser(HOST)
    for _ in range(5):
        page = try_login(browser, "camille@example.org", "wrong password, again")
        assert page.status_int == 200 and "role=\"alert\"" in page.text
    # the right password does not help while the account is throttled
    page = try_login(browser, "camille@example.org", PASSWORD)
    assert page.status_int == 200
    throttled = page.html.find(role="alert").text
    assert "15 minutes" in throttled
    # an address without an account gets exactly the same answer
    for _ in range(5):
        try_login(browser, "nobody@example.org", "wrong password, again")
    page = try_login(browser, "nobody@example.org", "wrong password, again")
    assert page.html.find(role="alert").text == throttled
    # another organisation counts on its own
    platform.add_user(OTHER, "camille@example.org")
    assert try_login(platform.browser(OTHER), "camille@example.org", PASSWORD).status_int == 302


def test_login_is_throttled_per_client_address(platform, two_orgs):
    from beffroi.accounts import throttle
    platform.add_user(HOST, "dominique@example.org")
    browser = platform.browser(HOST)
    browser.extra_environ["REMOTE_ADDR"] = "203.0.113.7"
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        for i in range(throttle.LOGIN_ADDRESS.limit):
            throttle.record(org, throttle.LOGIN_ADDRESS, "203.0.113.7")
    page = try_login(browser, "dominique@example.org", PASSWORD)
    assert page.status_int == 200 and "15 minutes" in page.text
    other = platform.browser(HOST)
    other.extra_environ["REMOTE_ADDR"] = "198.51.100.9"
    assert try_login(other, "dominique@example.org", PASSWORD).status_int == 302


def test_the_same_address_in_two_organisations_is_two_accounts(platform, two_orgs):
    platform.add_user(HOST, "camille@example.org", "Camille d'ici", password="mot de passe d'ici")
    platform.add_user(OTHER, "camille@example.org", "Camille d'ailleurs",
                      password="mot de passe d'ailleurs")
    here = platform.browser(HOST)
    assert try_login(here, "camille@example.org", "mot de passe d'ailleurs").status_int == 200
    assert try_login(here, "camille@example.org", "mot de passe d'ici").status_int == 302
    assert "Camille d'ici" in here.get("/-/account").html.get_text()


def test_a_session_cookie_replayed_on_another_host_is_anonymous(platform, two_orgs):
    platform.add_user(HOST, "camille@example.org")
    platform.add_user(OTHER, "camille@example.org")
    here = platform.browser(HOST)
    platform.login(here, "camille@example.org")
    assert here.get("/-/account").status_int == 200
    cookie = here.cookies["beffroi"]
    thief = platform.browser(OTHER)
    thief.set_cookie("beffroi", cookie)
    response = thief.get("/-/account")
    assert response.status_int == 302 and "/-/login" in response.location
    assert "Log out" not in thief.get("/").text and "Se déconnecter" not in thief.get("/").text


def test_a_post_without_csrf_token_is_refused(platform, two_orgs):
    platform.add_user(HOST, "camille@example.org")
    browser = platform.browser(HOST)
    browser.get("/-/login")
    response = browser.post("/-/login", {"email": "camille@example.org", "password": PASSWORD,
                                         "login": "login"}, status=400)
    assert "camille" not in response.text
    assert "uid" not in str(browser.cookies)
    platform.login(browser, "camille@example.org")
    browser.post("/-/logout", {}, status=400)                  # logging out needs it too
    page = browser.get("/-/account")
    assert page.status_int == 200
    browser.post("/-/logout", {"csrf_token": csrf_of(page)}, status=302)
    assert browser.get("/-/account").status_int == 302


def test_unconfirmed_and_blocked_accounts_cannot_log_in(platform, two_orgs):
    platform.add_user(HOST, "new@example.org", confirmed=False)
    uid = platform.add_user(HOST, "blocked@example.org")
    with platform.tx() as app:
        app.organisation_for_host(HOST).users[uid].blocked = True
    browser = platform.browser(HOST)
    assert try_login(browser, "new@example.org", PASSWORD).status_int == 200
    assert try_login(browser, "blocked@example.org", PASSWORD).status_int == 200


def test_the_demo_participant_can_log_in(platform):
    from beffroi.devkit.demo import USER_PASSWORD, create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    browser = platform.browser("commune.localhost")
    response = try_login(browser, "habitant@commune.localhost", USER_PASSWORD)
    assert response.status_int == 302
    assert "Camille Habitant" in browser.get("/-/account").text
