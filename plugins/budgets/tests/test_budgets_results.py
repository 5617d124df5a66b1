"""Results: votes per project, automatic winners (CONSUL's rule: skip what no longer
fits), ties explained; shown when the phase publishes them; open data, personal data,
account deletion, the demo."""
from __future__ import annotations

import json


BASE = "/quartiers/budgets/"


def _votes(site, url, ballots):
    from beffroi_budgets.voting import count_in

    def add(budget):
        for numbers, times in ballots:
            count_in(budget, numbers, times)
    site.read(url, add)


def _rows(page):
    out = []
    for tr in page.html.select(".budget-results tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        out.append((cells[1], int(cells[3]), tr["class"][0].removeprefix("result-")))
    return out


def test_winners_skip_a_project_that_no_longer_fits_and_ties_go_to_the_cheaper(site):
    url = site.budget(total=100_000, projects=(
        ("Grand parc", 60_000), ("Médiathèque", 50_000), ("Skatepark", 35_000),
        ("Bancs", 10_000), ("Nichoirs", 5_000)))
    # Grand parc 10 votes, Médiathèque 8, Skatepark 6, Bancs 6, Nichoirs 0
    _votes(site, url, [((1, 2), 8), ((1,), 2), ((3, 4), 6)])
    site.phase(voting_open=False, results_shown=True)
    page = site.browser().get(url + "results")
    assert _rows(page) == [
        ("Grand parc", 10, "winner"),        # 40,000 left
        ("Médiathèque", 8, "skipped"),       # 50,000 > 40,000
        ("Bancs", 6, "winner"),              # tie with Skatepark: the cheaper first; 30,000 left
        ("Skatepark", 6, "skipped"),         # 35,000 > 30,000
        ("Nichoirs", 0, "none")]
    text = page.text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Règle de départage" in text and "le moins cher passe en premier" in text
    ties = page.html.select_one("#ties-title").find_next("ul").get_text(" ", strip=True)
    assert "2 projets ont le même score (6)" in ties and ties.index("Bancs") < ties.index("Skatepark")
    figures = [dd.get_text(strip=True).replace("\u202f", " ").replace("\xa0", " ")
               for dd in page.html.select("dl.figures dd")]
    assert figures == ["100 000 €", "16", "70 000 €", "30 000 €"]


def test_results_are_hidden_until_the_phase_publishes_them(site):
    url = site.budget(projects=(("Bancs", 10_000),))
    _votes(site, url, [((1,), 3)])
    visitor = site.browser()
    visitor.get(url + "results", status=404)
    assert "Voir les résultats" not in visitor.get(url).text
    assert "Votes :" not in visitor.get(url).text
    rows = json.loads(visitor.get(BASE + "export.json").text)
    assert rows[0]["title"] == "Bancs" and rows[0]["votes"] == "" and rows[0]["cost"] == 10000
    site.staff("admin@example.org")
    preview = site.browser("admin@example.org").get(url + "results")
    assert "Aperçu pour l'équipe" in preview.text
    site.phase(results_shown=True)
    assert _rows(visitor.get(url + "results")) == [("Bancs", 3, "winner")]
    rows = json.loads(visitor.get(BASE + "export.json").text)
    assert rows[0]["votes"] == 3 and rows[0]["winner"] is True
    csv = visitor.get(BASE + "export.csv").text
    assert "votes" in csv.splitlines()[0] and "@" not in csv


def test_ranking_results_use_points(site):
    url = site.budget(total=100_000, vote_rule="ranking", ranking_size=2, projects=(
        ("A", 40_000), ("B", 40_000), ("C", 40_000)))
    _votes(site, url, [((1, 2), 3), ((3, 2), 2)])          # points: A 6, B 5, C 4
    site.phase(results_shown=True)
    page = site.browser().get(url + "results")
    assert [r[0] for r in _rows(page)] == ["A", "B", "C"]
    assert [r[2] for r in _rows(page)] == ["winner", "winner", "skipped"]


def test_my_votes_are_in_my_data_and_unlinked_when_my_account_is_deleted(site):
    url = site.budget(projects=(("Bancs", 10_000), ("Jardin", 20_000)))
    uid = site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.vote(ana, url, 1)
    site.checkout(ana, url)
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        user = org.users[uid]
        info = site.platform.plugins.modules["budgets"]
        from pyramid.testing import DummyRequest
        request = DummyRequest()
        request.organisation = org
        request.resource_url = lambda obj, *a, **k: "http://test.localhost/"
        data = info.portable_data(request, site.container(app), user)
        assert data["votes"][0]["projects"] == ["Bancs"] and data["votes"][0]["confirmed"]
        info.on_account_deleted(request, site.container(app), user)
    assert site.read(url, lambda b: (len(b.ballots), b.votes.get(1), b.voters())) == (0, 1, 1)


def _kinds(site, email):
    from beffroi.services.notifications.model import inbox_events
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        user = org.users.find_by_email(email)
        return [event.kind for event, _unread in inbox_events(org, user.id)]


def test_followers_hear_once_that_results_are_published(site):
    url = site.budget(projects=(("Bancs", 10_000),))
    site.user("fan@example.org")
    fan = site.browser("fan@example.org")
    page = fan.get(url)
    next(f for f in page.forms.values() if f.action.endswith("follow")).submit()
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    with site.platform.tx() as app:
        phase_id = app.organisation_for_host("test.localhost").spaces["quartiers"].active_phase_id
    settings_url = f"/-/admin/spaces/quartiers/modules/budgets?phase={phase_id}"
    form = next(f for f in admin.get(settings_url).forms.values() if "results_shown" in f.fields)
    form.submit("save")
    assert "budgets.results_published" not in _kinds(site, "fan@example.org")   # not shown yet
    form = next(f for f in admin.get(settings_url).forms.values() if "results_shown" in f.fields)
    form["results_shown"] = True
    form.submit("save")
    assert _kinds(site, "fan@example.org").count("budgets.results_published") == 1
    form = next(f for f in admin.get(settings_url).forms.values() if "results_shown" in f.fields)
    form.submit("save")                                              # saved again: nothing new
    assert _kinds(site, "fan@example.org").count("budgets.results_published") == 1
