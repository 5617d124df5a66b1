"""Participatory processes: a space type with phases, one active at a time."""


def test_a_process_starts_with_its_default_phases_and_shows_the_current_one(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "budget", "Budget participatif")
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        assert [p.title for p in space.phases] == ["Information", "Propositions", "Résultats"]
        space.activate_phase(space.phases[1].id)
    page = platform.browser("test.localhost").get("/budget/")
    assert "Démarche participative" in page.text
    assert "(phase en cours)" in page.text
    active = page.html.select_one(".phases li.active")
    assert "Propositions" in active.text
