"""French and English: the organisation's default, then the participant's choice."""


def test_the_language_switch_turns_the_page_between_french_and_english(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    browser = platform.browser("test.localhost")
    page = browser.get("/place/")
    assert 'lang="fr"' in page.text and "Aller au contenu" in page.text and "Phases" in page.text
    page = browser.get("/-/lang", {"l": "en", "came_from": "/place/"}).follow()
    assert 'lang="en"' in page.text and "Skip to content" in page.text
    assert "Information" in page.text        # phase names stay as written
    page = browser.get("/-/lang", {"l": "fr", "came_from": "/place/"}).follow()
    assert "Aller au contenu" in page.text


def test_an_organisation_defaulting_to_english_speaks_english(platform):
    platform.add_org("Union", "test.localhost", default_locale="en")
    page = platform.browser("test.localhost").get("/")
    assert "Participation spaces" in page.text


def test_the_switch_does_not_redirect_elsewhere(platform):
    platform.add_org("Commune", "test.localhost")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = platform.browser("test.localhost").get("/-/lang", {"l": "en", "came_from": target})
        assert response.location == "http://test.localhost/"


def test_a_locale_the_organisation_does_not_offer_is_ignored(platform):
    platform.add_org("Commune", "test.localhost", locales=("fr",))
    browser = platform.browser("test.localhost")
    browser.get("/-/lang", {"l": "en"})
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
