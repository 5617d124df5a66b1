"""Sessions that end: a cookie copied before logout, "log out everywhere", a password
change or a block opens nothing afterwards, on any app server."""
import pytest
import transaction
import webtest

from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_user(HOST, "camille@example.org", "Camille")
    platform.add_user(HOST, "alix@example.org", "Alix", org_roles=("admin",))
    return platform


def browser_as(platform, email, user_agent=FIREFOX, app=None):
    browser = webtest.TestApp(app or platform.app,
                              extra_environ={"HTTP_HOST": HOST, "HTTP_USER_AGENT": user_agent})
    platform.login(browser, email)
    return browser


def replay(platform, browser, app=None):
    """A new browser holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    thief = webtest.TestApp(app or platform.app, extra_environ={"HTTP_HOST": HOST})
    thief.set_cookie("beffroi", browser.cookies["beffroi"])
    return thief


def logged_in(browser):
    return browser.get("/-/account", status="*").status_int == 200


def test_a_cookie_copied_before_logout_is_anonymous_afterwards(org):
    camille = browser_as(org, "camille@example.org")
    thief = replay(org, camille)
    assert logged_in(thief)                       # the copy works while the session lives
    page = camille.get("/-/account")
    camille.post("/-/logout", {"csrf_token": csrf_of(page)}, status=302)
    assert not logged_in(thief)
    assert not logged_in(camille)


def test_logout_ends_the_session_on_every_app_server(org, beffroi_settings):
    """Two app processes over one database: logging out on one ends it on the other."""
    from beffroi.app import make_config
    other_server = make_config(beffroi_settings).make_wsgi_app()
    camille = browser_as(org, "camille@example.org")
    copy_on_other = replay(org, camille, app=other_server)
    assert logged_in(copy_on_other)
    camille.post("/-/logout", {"csrf_token": csrf_of(camille.get("/-/account"))}, status=302)
    assert not logged_in(copy_on_other)


def test_the_account_page_lists_devices_and_logs_out_everywhere(org):
    laptop = browser_as(org, "camille@example.org", FIREFOX)
    phone = browser_as(org, "camille@example.org", IPHONE)
    thief = replay(org, laptop)
    page = phone.get("/-/account")
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.html.select("table.sessions tbody tr")]
    assert len(rows) == 2
    assert "Mobile Safari" in rows[0] and "iOS" in rows[0] and "(cet appareil)" in rows[0]
    assert "Firefox" in rows[1] and "Windows" in rows[1] and "(cet appareil)" not in rows[1]
    # one device first: the laptop (and its stolen copy), from the phone
    (end_laptop,) = [f for f in page.forms.values() if f.action.endswith("/end-session")]
    end_laptop.submit().follow()
    assert not logged_in(laptop) and not logged_in(thief) and logged_in(phone)
    laptop = browser_as(org, "camille@example.org", FIREFOX)
    page = phone.get("/-/account")
    form = next(f for f in page.forms.values() if f.action.endswith("/logout-everywhere"))
    response = form.submit()
    assert response.location.endswith("/-/login")
    assert "Vous êtes déconnecté·e sur tous vos appareils" in response.follow().text
    for browser in (laptop, phone):
        assert not logged_in(browser)


def test_blocking_a_person_ends_their_sessions_and_unblocking_does_not_revive_them(org):
    camille = browser_as(org, "camille@example.org")
    thief = replay(org, camille)
    admin = browser_as(org, "alix@example.org")
    with org.tx() as app:
        uid = app.organisation_for_host(HOST).users.find_by_email("camille@example.org").id
    page = admin.get(f"/-/admin/participants/{uid}")
    form = next(f for f in page.forms.values() if "reason" in f.fields)
    form["reason"] = "Insultes"
    form.submit("block").follow()
    assert not logged_in(camille) and not logged_in(thief)
    page = admin.get(f"/-/admin/participants/{uid}")
    admin.post(f"/-/admin/participants/{uid}/unblock", {"csrf_token": csrf_of(page)}, status=302)
    assert not logged_in(camille) and not logged_in(thief)
    assert logged_in(browser_as(org, "camille@example.org"))   # a new login works again


def test_a_password_change_ends_the_other_sessions_but_keeps_this_one(org):
    here = browser_as(org, "camille@example.org")
    elsewhere = browser_as(org, "camille@example.org")
    page = here.get("/-/account/password")
    form = next(f for f in page.forms.values() if "current_password" in f.fields)
    form["current_password"] = PASSWORD
    form["password"] = form["password_confirm"] = "a brand new long passphrase"
    assert form.submit("save").status_int == 302
    assert logged_in(here)
    assert not logged_in(elsewhere)


def test_a_system_admin_cookie_copied_before_logout_is_refused_afterwards(org):
    from beffroi.cli.system import add_system_admin
    with org.tx() as app:
        add_system_admin(app, "root@platform.example", PASSWORD)
    browser = org.browser(HOST)
    page = browser.get("/-/system/login")
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["email"], form["password"] = "root@platform.example", PASSWORD
    assert form.submit("login").status_int == 302
    thief = replay(org, browser)
    assert thief.get("/-/system/").status_int == 200
    page = browser.get("/-/system/")
    logout = next(f for f in page.forms.values() if f.action.endswith("/logout"))
    logout.submit()
    assert thief.get("/-/system/", status="*").status_int == 302        # to the login page


def test_reading_pages_touches_the_session_at_most_every_few_minutes(org):
    from beffroi.accounts.sessions import TOUCH_INTERVAL
    camille = browser_as(org, "camille@example.org")
    camille.get("/-/account")
    before = org.db.lastTransaction()
    for _ in range(3):
        camille.get("/-/account")
        camille.get("/")
    assert org.db.lastTransaction() == before            # fresh session: GETs write nothing
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        (record,) = user.sessions.values()
        record.last_seen -= TOUCH_INTERVAL + 5
        stale = record.last_seen
    before = org.db.lastTransaction()
    camille.get("/")
    assert org.db.lastTransaction() != before            # one touch…
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        assert next(iter(user.sessions.values())).last_seen > stale
    before = org.db.lastTransaction()
    camille.get("/")
    assert org.db.lastTransaction() == before            # …then nothing again


def test_a_session_idle_past_the_timeout_is_over(org):
    from beffroi.accounts.sessions import TOUCH_INTERVAL
    camille = browser_as(org, "camille@example.org")
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        next(iter(user.sessions.values())).last_seen -= 1800 + TOUCH_INTERVAL + 1
    assert not logged_in(camille)


def test_two_requests_touching_one_session_at_once_do_not_conflict(org):
    """The record resolves a write-write conflict on its last-seen time."""
    from beffroi.resources.root import get_app_root
    browser_as(org, "camille@example.org")
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        (record,) = user.sessions.values()
        record.last_seen -= 1000
        key = next(iter(user.sessions.keys()))
    connections, managers = [], []
    for _ in range(2):
        tm = transaction.TransactionManager()
        conn = org.db.open(transaction_manager=tm)
        connections.append(conn)
        managers.append(tm)
    records = []
    for conn in connections:
        user = get_app_root(conn).organisation_for_host(HOST).users.find_by_email("camille@example.org")
        records.append(user.sessions[key])
    records[0].last_seen += 400
    records[1].last_seen += 600
    latest = records[1].last_seen
    managers[0].commit()
    managers[1].commit()                                   # no ConflictError
    for conn in connections:
        conn.close()
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        assert user.sessions[key].last_seen == pytest.approx(latest)


def test_an_account_stored_before_session_records_logs_in(org):
    """Older databases: accounts without ``sessions`` or ``admin_grade_password``."""
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        for name in ("sessions", "admin_grade_password"):
            user.__dict__.pop(name, None)
        user._p_changed = True
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        assert user.sessions is None and user.admin_grade_password is None
    camille = browser_as(org, "camille@example.org")
    assert logged_in(camille)
    with org.tx() as app:
        user = app.organisation_for_host(HOST).users.find_by_email("camille@example.org")
        assert len(user.sessions) == 1 and user.admin_grade_password is True
