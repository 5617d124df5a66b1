"""Reading pages never writes; the demo budget; a project with votes is kept."""
from __future__ import annotations

from beffroi.devkit.testing import csrf_of


def test_reading_every_page_type_writes_nothing(site):
    url = site.budget(projects=(("Bancs", 10_000), ("Jardin", 20_000)))
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.vote(ana, url, 1)
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    site.phase(results_shown=True, show_votes=True)
    for browser in (site.browser(), ana, admin):
        browser.get("/quartiers/budgets/")           # sessions touched once, before measuring
    before = site.platform.db.lastTransaction()
    for browser in (site.browser(), ana, admin):
        for path in ("/quartiers/budgets/", url, url + "1/", url + "results",
                     "/quartiers/budgets/export.csv", "/quartiers/budgets/export.json"):
            browser.get(path)
    admin.get(url + "paper")
    assert site.platform.db.lastTransaction() == before


def test_the_demo_budget_shows_votes_and_winners(site):
    from beffroi_budgets.demo import fill
    with site.platform.tx() as app:
        budget = fill(site.container(app))
        url = f"/quartiers/budgets/{budget.__name__}/"
    site.phase(voting_open=False, results_shown=True)
    page = site.browser().get(url + "results")
    rows = [(tr.th.get_text(strip=True), tr["class"][0]) for tr in page.html.select(".budget-results tbody tr")]
    assert rows[0] == ("Un atelier de réparation de vélos", "result-winner")
    assert ("Une piste cyclable jusqu'à la gare", "result-skipped") in rows


def test_a_project_with_votes_cannot_be_deleted_one_without_can(site):
    url = site.budget(projects=(("Bancs", 10_000), ("Jardin", 20_000)))
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.vote(ana, url, 1)
    site.checkout(ana, url)
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    page = admin.get(url + "1/")
    page = admin.post(url + "1/delete", {"csrf_token": csrf_of(page)}).follow()
    assert "ne peut pas être supprimé" in page.text
    page = admin.post(url + "2/delete", {"csrf_token": csrf_of(page)}).follow()
    assert "Le projet a été supprimé." in page.text
    assert site.read(url, lambda b: sorted(b.keys())) == ["1"]


def test_a_budget_is_deleted_only_before_anyone_votes(site):
    empty = site.budget("Vide", projects=(("Bancs", 1_000),))
    voted = site.budget("Voté", projects=(("Bancs", 1_000),))
    site.user("ana@example.org")
    site.vote(site.browser("ana@example.org"), voted, 1)
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    page = admin.get(voted)
    assert not page.html.select('form[action$="delete"]')
    page = admin.post(voted + "delete", {"csrf_token": csrf_of(page)}).follow()
    assert "ne peut pas être supprimé" in page.text
    page = admin.get(empty)
    page = admin.post(empty + "delete", {"csrf_token": csrf_of(page)}).follow()
    assert "Le budget a été supprimé." in page.text and "Vide" not in page.text
    with site.platform.tx() as app:
        assert sorted(site.container(app).keys()) == ["vote"]
