"""Organisations on their own hosts: isolation by construction."""


def test_a_space_of_one_organisation_is_not_found_on_another(platform):
    platform.add_org("Métropole", "metro.localhost")
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "budget", "Budget de la commune", modules=["pages"])
    assert platform.browser("test.localhost").get("/budget/").status_int == 200
    page = platform.browser("metro.localhost").get("/budget/", status=404)
    assert "Budget de la commune" not in page.text
    platform.browser("metro.localhost").get("/budget/pages/", status=404)


def test_a_secondary_host_redirects_permanently_to_the_primary(platform):
    platform.add_org("Commune", "test.localhost", secondary=("www.test.localhost",))
    platform.add_space("test.localhost", "place")
    response = platform.browser("www.test.localhost:8080").get("/place/?x=1", status=301)
    assert response.location == "http://test.localhost:8080/place/?x=1"


def test_an_unknown_host_gets_a_neutral_404(platform):
    platform.add_org("Commune Secrète", "test.localhost")
    page = platform.browser("unknown.localhost").get("/", status=404)
    assert "Commune Secrète" not in page.text
    assert "Not found" in page.text
    page = platform.browser("unknown.localhost").get("/-/login", status=404)
    assert "Commune Secrète" not in page.text


def test_health_answers_on_any_host_and_tells_strangers_nothing_more(platform):
    platform.add_org("Commune", "test.localhost")
    for host in ("test.localhost", "unknown.localhost"):
        assert platform.browser(host).get("/-/health").json == {"status": "ok"}


def test_accounts_of_one_organisation_do_not_exist_on_another(platform):
    platform.add_org("Métropole", "metro.localhost")
    platform.add_org("Commune", "test.localhost")
    platform.add_user("test.localhost", "camille@example.org")
    browser = platform.browser("metro.localhost")
    response = platform.login(browser, "camille@example.org", expect_ok=False)
    assert response.status_int == 200
    assert "Wrong e-mail address or password" in response.text or "incorrect" in response.text


def test_hosts_are_validated_and_unique(platform):
    import pytest
    from beffroi.system.organisations import OrganisationError, create_organisation
    platform.add_org("Commune", "test.localhost")
    with platform.tx() as app:
        with pytest.raises(OrganisationError, match="already used"):
            create_organisation(app, "Autre", "TEST.localhost")
        with pytest.raises(OrganisationError, match="not a valid host"):
            create_organisation(app, "Autre", "bad host!")
