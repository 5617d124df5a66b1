"""Phases follow their dates by themselves, in the organisation's time zone, unless an
admin pins one; module settings per phase follow."""
from datetime import date, timedelta

from beffroi.resources.space import Phase, Space

TODAY = date(2027, 3, 15)


def space_with(*phases):
    space = Space("Budget", "participatory_process")
    for phase in phases:
        space.add_phase(phase)
    return space


def test_the_phase_whose_dates_contain_today_is_current():
    ideas = Phase("Idées", date(2027, 1, 1), date(2027, 2, 28))
    vote = Phase("Vote", date(2027, 3, 1), date(2027, 3, 31))
    results = Phase("Résultats", date(2027, 4, 1))
    space = space_with(ideas, vote, results)
    assert space.current_phase(TODAY) is vote
    assert space.current_phase(date(2027, 2, 28)) is ideas          # the end day is included
    assert space.current_phase(date(2027, 6, 1)) is results          # open-ended
    assert space.current_phase(date(2026, 12, 1)) is ideas           # nothing started yet


def test_between_two_phases_the_last_started_stays_current():
    ideas = Phase("Idées", date(2027, 1, 1), date(2027, 1, 31))
    vote = Phase("Vote", date(2027, 3, 1), date(2027, 3, 31))
    space = space_with(ideas, vote)
    assert space.current_phase(date(2027, 2, 10)) is ideas


def test_a_pinned_phase_wins_until_the_dates_are_followed_again():
    ideas = Phase("Idées", date(2027, 1, 1), date(2027, 2, 28))
    vote = Phase("Vote", date(2027, 3, 1), date(2027, 3, 31))
    space = space_with(ideas, vote)
    space.activate_phase(ideas.id)
    assert space.current_phase(TODAY) is ideas and space.phase_pinned
    space.follow_dates()
    assert space.current_phase(TODAY) is vote and not space.phase_pinned


def test_phases_without_dates_keep_the_admins_choice():
    one, two = Phase("Un"), Phase("Deux")
    space = space_with(one, two)
    assert space.current_phase(TODAY) is one
    space.activate_phase(two.id)
    space.follow_dates()
    assert space.current_phase(TODAY) is two


def test_a_space_stored_before_phases_followed_dates_keeps_its_current_phase():
    one, two = Phase("Un"), Phase("Deux")
    space = space_with(one, two)
    state = space.__getstate__()
    state.pop("manual_phase_id")
    state["active_phase_id"] = two.id                 # how spaces were stored before
    old = Space.__new__(Space)
    old.__setstate__(state)
    assert old.active_phase_id == two.id and old.pinned_phase_id is None


def test_the_date_is_the_organisations(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["proposals"])
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        org.timezone = "Pacific/Kiritimati"               # UTC+14: already tomorrow there
        space = org.spaces["place"]
        from datetime import datetime, timezone
        from zoneinfo import ZoneInfo
        assert space.today() == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
        org.timezone = "Not/AZone"
        assert space.today() == datetime.now(timezone.utc).date()


def test_module_settings_follow_the_phase_of_the_day(platform):
    """Creation open in the phase of ideas, closed in the phase of the vote: the
    proposals module changes what it allows when the date changes the phase."""
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["proposals"])
    today = date.today()
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["place"]
        space.phases.clear()
        ideas = space.add_phase(Phase("Idées", today - timedelta(days=30), today - timedelta(days=1)))
        vote = space.add_phase(Phase("Vote", today, today + timedelta(days=30)))
        container = space["proposals"]
        container.phase_settings[ideas.id] = {"creation_enabled": True}
        container.phase_settings[vote.id] = {"creation_enabled": False}
        assert space.active_phase is vote
    platform.add_user("test.localhost", "camille@test.localhost")
    browser = platform.browser("test.localhost")
    platform.login(browser, "camille@test.localhost")
    assert browser.get("/place/proposals/add", expect_errors=True).status_int == 403
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["place"]
        space.activate_phase(space.phases[0].id)
    assert browser.get("/place/proposals/add").status_int == 200
