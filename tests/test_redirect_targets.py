"""Every redirect target a visitor can choose (``came_from`` of the login, the language
switch, follow and report forms) goes to a local page, whatever characters it holds:
no header split, no open redirect, never a 500."""
import pytest

HOST = "test.localhost"
HOME = f"http://{HOST}/"
HOSTILE = [
    "/\r\nSet-Cookie: stolen=1",            # header splitting
    "/place/\nLocation: https://evil.example/",
    "/\x00",
    "/\x7f",
    "/\t/evil.example",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
]


@pytest.fixture
def site(platform):
    from beffroi_proposals.models import add_proposal
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["proposals"])
    platform.add_user(HOST, "alix@example.org")
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        add_proposal(org.spaces["place"]["proposals"], "Un banc", "Sous le tilleul.", "markdown",
                     org.users.find_by_email("alix@example.org").id)
    platform.add_user(HOST, "camille@example.org")
    return platform


def assert_safe(response):
    assert response.status_int in (302, 303, 400), response.status
    if response.status_int != 400:
        location = response.headers["Location"]
        assert location.startswith(HOME), location
        assert not any(c in location for c in "\r\n\x00\x7f\t"), repr(location)
    assert "stolen" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", HOSTILE)
def test_login_goes_back_only_to_a_clean_local_page(site, target):
    browser = site.browser(HOST)
    page = browser.get("/-/login", {"came_from": target})
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["email"], form["password"] = "camille@example.org", "correct horse battery"
    form["came_from"] = target
    assert_safe(form.submit("login", status="*"))


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_goes_back_only_to_a_clean_local_page(site, target):
    browser = site.browser(HOST)
    assert_safe(browser.get("/-/lang", {"l": "en", "came_from": target}, status="*"))
    assert_safe(browser.post("/-/lang", {"l": "en", "came_from": target}, status="*"))


def test_control_characters_in_a_raw_query_string_give_no_500(site):
    browser = site.browser(HOST)
    for query in ("came_from=/%0d%0aSet-Cookie:%20stolen=1", "came_from=/%00", "came_from=%0a"):
        assert_safe(browser.get("/-/lang?l=en&" + query, status="*"))
    # a page that needs a login sends there with the page to come back to, encoded
    response = browser.get("/-/account?x=%0d%0aSet-Cookie:%20stolen=1", status=302)
    assert "/-/login?came_from=" in response.location
    assert_safe(response)


def test_follow_and_report_forms_go_back_only_to_a_clean_local_page(site):
    browser = site.browser(HOST)
    site.login(browser, "camille@example.org")
    page = browser.get("/place/proposals/1")
    forms = [f for f in page.forms.values() if "came_from" in f.fields
             and not f.action.endswith("/-/lang")]
    assert {f.action.rsplit("/", 1)[-1] for f in forms} >= {"follow", "report"}
    for form in forms:
        for target in HOSTILE:
            page = browser.get("/place/proposals/1")
            fresh = next(f for f in page.forms.values() if f.action == form.action)
            fresh["came_from"] = target
            assert_safe(fresh.submit(status="*"))


def test_a_local_path_with_letters_outside_ascii_is_kept_encoded(site):
    response = site.browser(HOST).post("/-/lang", {"l": "en", "came_from": "/place/?q=cœur"})
    assert response.location == f"{HOME}place/?q=c%C5%93ur"
