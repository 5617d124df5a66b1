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


# --- complete processes: dates, calls to action, copies, groups, promotion -------------------

from datetime import date, timedelta  # noqa: E402

import pytest  # noqa: E402

from beffroi.resources.space import Phase  # noqa: E402
from beffroi.devkit.testing import csrf_of  # noqa: E402

HOST = "test.localhost"


@pytest.fixture
def site(platform):
    platform.add_org("Métropole", HOST)
    platform.add_space(HOST, "budget", "Budget participatif", modules=["proposals", "pages"])
    platform.add_user(HOST, "admin@test.localhost", org_roles=["admin"])
    platform.add_user(HOST, "espace@test.localhost", space_roles={"budget": ["admin"]})
    platform.add_user(HOST, "camille@test.localhost")
    today = date.today()
    with platform.tx() as app:
        space = app.organisation_for_host(HOST).spaces["budget"]
        space.phases.clear()
        ideas = space.add_phase(Phase("Idées", today - timedelta(days=5), today + timedelta(days=5),
                                      "Déposez vos idées pour le quartier.",
                                      "Proposer une idée", "/budget/proposals/add"))
        space.add_phase(Phase("Vote", today + timedelta(days=6), today + timedelta(days=20)))
        space["proposals"].settings["support_limit"] = 3
        space["proposals"].phase_settings[ideas.id] = {"creation_enabled": True}
    return platform


def logged(site, email):
    browser = site.browser(HOST)
    site.login(browser, email)
    return browser


def test_the_space_page_says_what_to_do_now_with_the_phase_of_the_day(site):
    page = site.browser(HOST).get("/budget/")
    now = page.html.select_one("section.now")
    assert "Idées" in now.text and "Déposez vos idées" in now.text
    assert now.select_one("a.button")["href"] == "http://test.localhost/budget/proposals/add"
    assert "Idées" in page.html.select_one(".phases li.active").text
    assert page.html.select_one("dl.figures") is not None


def test_an_admin_copies_a_process_with_phases_and_settings_and_no_content(site):
    camille = logged(site, "camille@test.localhost")
    form = camille.get("/budget/proposals/add").forms["deform"]
    form["title"], form["body"] = "Des bancs sur la place", "Pour se reposer à l'ombre."
    form.submit("create")
    admin = logged(site, "admin@test.localhost")
    form = admin.get("/-/admin/spaces/budget/copy").forms["deform"]
    assert form["title"].value == "Budget participatif (copie)"
    form["slug"], form["title"] = "budget-2028", "Budget participatif 2028"
    form.submit("copy").follow()
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        original, copy = org.spaces["budget"], org.spaces["budget-2028"]
        assert [(p.title, p.start, p.cta_text) for p in copy.phases] == \
            [(p.title, p.start, p.cta_text) for p in original.phases]
        assert {p.id for p in copy.phases}.isdisjoint({p.id for p in original.phases})
        assert sorted(copy.modules.keys()) == ["pages", "proposals"]
        assert copy["proposals"].settings["support_limit"] == 3
        assert copy["proposals"].phase_settings[copy.phases[0].id] == {"creation_enabled": True}
        assert len(original["proposals"]) >= 1 and len(copy["proposals"]) == len(copy["pages"]) == 0
        assert not copy.published and not list(copy.roles.keys())
    assert "Des bancs" not in admin.get("/budget-2028/proposals/").text


def test_only_organisation_admins_copy_and_promote(site):
    space_admin = logged(site, "espace@test.localhost")
    page = space_admin.get("/-/admin/spaces/budget/")
    assert "copy" not in {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.html.select("a[href]")}
    space_admin.get("/-/admin/spaces/budget/copy", status=403)
    space_admin.post("/-/admin/spaces/budget/promote", {"csrf_token": csrf_of(page),
                                                         "promoted": "1"}, status=403)


def test_a_promoted_process_leads_the_home_page(site):
    assert site.browser(HOST).get("/").html.select_one("section.promoted") is None
    admin = logged(site, "admin@test.localhost")
    page = admin.get("/-/admin/spaces/budget/")
    admin.post("/-/admin/spaces/budget/promote", {"csrf_token": csrf_of(page), "promoted": "1"})
    promoted = site.browser(HOST).get("/").html.select_one("section.promoted")
    assert "Budget participatif" in promoted.text and "Proposer une idée" in promoted.text


def test_a_process_group_lists_its_processes(site):
    site.add_space(HOST, "metropole-2027", "Budget métropolitain", space_type="process_group")
    site.add_space(HOST, "lille", "Budget de Lille", parent="metropole-2027", scope="Lille")
    site.add_space(HOST, "roubaix", "Budget de Roubaix", parent="metropole-2027", scope="Roubaix")
    page = site.browser(HOST).get("/metropole-2027/")
    titles = [h.text for h in page.html.select("section .card h3")]
    assert titles == ["Budget de Lille", "Budget de Roubaix"]
    with site.tx() as app:
        assert app.organisation_for_host(HOST).spaces["metropole-2027"].phases == []
    logged(site, "admin@test.localhost").get("/-/admin/spaces/metropole-2027/phases/", status=404)


def test_an_admin_pins_a_phase_then_lets_the_dates_decide(site):
    admin = logged(site, "admin@test.localhost")
    page = admin.get("/-/admin/spaces/budget/phases/")
    assert "suit les dates" in page.text or "follows the dates" in page.text
    with site.tx() as app:
        vote = app.organisation_for_host(HOST).spaces["budget"].phases[1].id
    admin.post(f"/-/admin/spaces/budget/phases/{vote}/activate", {"csrf_token": csrf_of(page)})
    assert "Vote" in site.browser(HOST).get("/budget/").html.select_one("section.now").text
    page = admin.get("/-/admin/spaces/budget/phases/")
    page.forms[[k for k, f in page.forms.items() if f.action.endswith("follow-dates")][0]].submit()
    assert "Idées" in site.browser(HOST).get("/budget/").html.select_one("section.now").text


def test_a_call_to_action_must_stay_on_the_site_or_use_https(site):
    admin = logged(site, "admin@test.localhost")
    page = admin.get("/-/admin/spaces/budget/phases/")
    form = next(f for f in page.forms.values() if "cta_url" in f.fields)
    form["title"], form["cta_text"], form["cta_url"] = "Bilan", "Voir", "javascript:alert(1)"
    page = form.submit("create")
    assert page.status_int == 200 and ("https://" in page.text)
    with site.tx() as app:
        assert [p.title for p in app.organisation_for_host(HOST).spaces["budget"].phases] == ["Idées", "Vote"]
