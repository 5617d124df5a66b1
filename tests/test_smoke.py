def test_two_organisations_answer_on_their_own_hosts(platform):
    platform.add_org("Métropole de Test", "metro.localhost")
    platform.add_org("Commune de Test", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    page = platform.browser("test.localhost").get("/")
    assert "Commune de Test" in page.text
    assert "La place" in page.text
    page = platform.browser("metro.localhost").get("/")
    assert "Métropole de Test" in page.text
    assert "La place" not in page.text
