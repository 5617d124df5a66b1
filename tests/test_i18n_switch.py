"""French and English: the organisation's default, then the participant's choice."""


def switch_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/-/lang"))


def test_the_language_switch_turns_the_page_between_french_and_english(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    browser = platform.browser("test.localhost")
    page = browser.get("/place/")
    assert 'lang="fr"' in page.text and "Aller au contenu" in page.text and "Phases" in page.text
    page = switch_form(page).submit("l", value="en").follow()
    assert page.request.path == "/place/"
    assert 'lang="en"' in page.text and "Skip to content" in page.text
    assert "Information" in page.text        # phase names stay as written
    page = switch_form(page).submit("l", value="fr").follow()
    assert "Aller au contenu" in page.text


def test_a_logged_in_participant_keeps_the_choice_and_a_get_changes_nothing(platform):
    platform.add_org("Commune", "test.localhost")
    uid = platform.add_user("test.localhost", "camille@example.org")
    browser = platform.browser("test.localhost")
    platform.login(browser, "camille@example.org")
    browser.get("/")
    before = platform.db.lastTransaction()
    response = browser.get("/-/lang", {"l": "en", "came_from": "/"})       # an old link
    assert response.status_int == 302
    assert platform.db.lastTransaction() == before                        # a GET never writes
    assert 'lang="fr"' in response.follow().text
    page = browser.get("/")
    # without the session's token the switch is refused for a logged-in participant
    browser.post("/-/lang", {"l": "en", "came_from": "/"}, status=400)
    switch_form(page).submit("l", value="en")
    with platform.tx() as app:
        assert app.organisation_for_host("test.localhost").users[uid].locale == "en"
    browser.set_cookie("_LOCALE_", "")
    assert 'lang="en"' in browser.get("/").text                           # from the profile


def test_a_language_switch_posted_from_another_site_is_refused(platform):
    platform.add_org("Commune", "test.localhost")
    browser = platform.browser("test.localhost")
    response = browser.post("/-/lang", {"l": "en", "came_from": "/"},
                            headers={"Origin": "https://evil.example"}, status=400)
    assert "_LOCALE_" not in response.headers.get("Set-Cookie", "")
    browser.post("/-/lang", {"l": "en", "came_from": "/"},
                 headers={"Referer": "https://evil.example/page"}, status=400)
    browser.post("/-/lang", {"l": "en", "came_from": "/"}, headers={"Origin": "null"}, status=400)
    browser.post("/-/lang", {"l": "en", "came_from": "/"},
                 headers={"Referer": "https://test.localhost.evil.example/"}, status=400)
    # the host decides, not the scheme (behind a TLS proxy the app may see http)
    ok = browser.post("/-/lang", {"l": "en", "came_from": "/"},
                      headers={"Origin": "https://test.localhost"}, status=302)
    assert "_LOCALE_=en" in ok.headers["Set-Cookie"]


def test_the_language_cookie_follows_the_secure_setting(beffroi_settings, beffroi_db):
    import webtest

    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform
    settings = dict(beffroi_settings, **{"beffroi.secure_cookies": "true"})
    platform = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    platform.add_org("Commune", "test.localhost")
    browser = webtest.TestApp(platform.app, extra_environ={"HTTP_HOST": "test.localhost"})
    response = browser.post("/-/lang", {"l": "en", "came_from": "/"}, status=302)
    cookie = response.headers["Set-Cookie"]
    assert "_LOCALE_=en" in cookie and "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_an_organisation_defaulting_to_english_speaks_english(platform):
    platform.add_org("Union", "test.localhost", default_locale="en")
    page = platform.browser("test.localhost").get("/")
    assert "Participation spaces" in page.text


def test_the_switch_does_not_redirect_elsewhere(platform):
    platform.add_org("Commune", "test.localhost")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = platform.browser("test.localhost").post(
            "/-/lang", {"l": "en", "came_from": target})
        assert response.location == "http://test.localhost/"


def test_a_locale_the_organisation_does_not_offer_is_ignored(platform):
    platform.add_org("Commune", "test.localhost", locales=("fr",))
    browser = platform.browser("test.localhost")
    browser.post("/-/lang", {"l": "en"})
    assert 'lang="fr"' in browser.get("/").text


def test_dates_are_shown_in_the_organisation_time_zone(platform):
    from datetime import datetime, timezone
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", modules=["pages"])
    with platform.tx() as app:
        from beffroi_pages.content import add_page
        page = add_page(app.organisation_for_host("test.localhost").spaces["place"]["pages"],
                        "Réveillon", "<p>Fête</p>")
        page.modified = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)   # already 2027 in Paris
    assert "01/01/2027" in platform.browser("test.localhost").get("/place/pages/reveillon").text
