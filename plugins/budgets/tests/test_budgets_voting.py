"""A participant builds a vote within the budget's rule, changes it, confirms it once,
and gets a confirmation e-mail; refusals say why."""
from __future__ import annotations

import pytest


PROJECTS = (("Jardin partagé", 30_000), ("Fontaine", 25_000), ("Piste cyclable", 60_000),
            ("Atelier vélo", 5_000))


def test_a_vote_outside_the_rules_is_refused_then_checked_out_and_confirmed_by_mail(
        site, mail_outbox):
    url = site.budget(projects=PROJECTS, vote_rule="minimum", minimum_percent=50)
    site.user("ana@example.org", name="Ana")
    ana = site.browser("ana@example.org")
    site.vote(ana, url, 4)                                        # 5,000 €: 5 % of the budget
    page = site.checkout(ana, url).follow()
    assert any("au moins 50 %" in e and "50 000" in e for e in site.errors(page)), site.errors(page)
    assert "Valider mon vote" in page.text                      # still open
    assert mail_outbox.deliver() == []
    # more than the budget: refused when adding, with what is left
    site.vote(ana, url, 1)
    site.vote(ana, url, 3)                                        # 95,000 € chosen
    page = site.vote(ana, url, 2).follow()                       # + 25,000 > 100,000
    assert any("coûte plus que ce qui reste du budget (5 000 €)" in e
               for e in site.errors(page)), site.errors(page)
    page = site.checkout(ana, url).follow()
    assert "Votre vote est validé" in page.text
    assert page.html.select_one("progress")["value"] == "95000"
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "ana@example.org"
    text = mail_outbox.text(msg)
    assert "Budget du Centre" in msg["Subject"]
    for title in ("Jardin partagé", "Piste cyclable", "Atelier vélo"):
        assert title in text
    assert "Fontaine" not in text
    assert site.read(url, lambda b: (b.voters(), b.votes.get(3), b.votes.get(2))) == (1, 1, 0)


def test_a_vote_can_be_changed_until_checkout_and_not_after(site):
    url = site.budget(projects=PROJECTS)
    site.user("bea@example.org")
    bea = site.browser("bea@example.org")
    site.vote(bea, url, 1)
    site.vote(bea, url, 2)
    page = site.vote(bea, url, 1, action="remove").follow()
    assert "a été retiré de votre vote" in page.text
    assert [a.text for a in page.html.select(".vote-list a")] == ["Fontaine"]
    site.checkout(bea, url)
    page = site.vote(bea, url, 3).follow()
    assert any("ne peut plus être modifié" in e for e in site.errors(page)), site.errors(page)
    page = site.checkout(bea, url).follow()
    assert any("déjà validé" in e for e in site.errors(page))
    assert not page.html.select(f'form[action$="checkout"]')
    assert site.read(url, lambda b: (b.voters(), b.votes.get(2), b.votes.get(3))) == (1, 1, 0)


def test_minimum_and_maximum_numbers_of_projects(site):
    url = site.budget(projects=PROJECTS, vote_rule="projects", minimum_projects=2,
                      maximum_projects=2)
    site.user("cy@example.org")
    cy = site.browser("cy@example.org")
    site.vote(cy, url, 1)
    page = site.checkout(cy, url).follow()
    assert any("au minimum : 2" in e for e in site.errors(page)), site.errors(page)
    site.vote(cy, url, 2)
    page = site.vote(cy, url, 4).follow()
    assert any("au maximum : 2" in e for e in site.errors(page)), site.errors(page)
    assert "Votre vote est validé" in site.checkout(cy, url).follow().text


def test_ranking_orders_preferences_and_gives_points(site):
    url = site.budget(projects=PROJECTS, vote_rule="ranking", ranking_size=2)
    site.user("dan@example.org")
    dan = site.browser("dan@example.org")
    site.vote(dan, url, 3)
    site.vote(dan, url, 1)
    page = site.vote(dan, url, 2).follow()
    assert any("classer au maximum : 2" in e for e in site.errors(page)), site.errors(page)
    page = site.vote(dan, url, 1, action="up").follow()
    assert [a.text for a in page.html.select(".vote-list a")] == ["Jardin partagé", "Piste cyclable"]
    site.checkout(dan, url)
    assert site.read(url, lambda b: (b.points.get(1), b.points.get(3))) == (2, 1)


def test_one_budget_only_when_the_module_says_so(site):
    site.settings(who_votes="one")
    north = site.budget("Budget Nord", projects=PROJECTS)
    south = site.budget("Budget Sud", projects=PROJECTS)
    site.user("eve@example.org")
    eve = site.browser("eve@example.org")
    site.vote(eve, north, 1)
    site.checkout(eve, north)
    site.vote(eve, south, 1)
    page = site.checkout(eve, south).follow()
    assert any("Budget Nord" in e and "un seul budget" in e for e in site.errors(page)), \
        site.errors(page)
    assert site.read(south, lambda b: b.voters()) == 0


def test_voting_closed_and_visitors(site):
    url = site.budget(projects=PROJECTS)
    visitor = site.browser()
    page = visitor.get(url)
    assert "Connectez-vous pour voter" in page.text or "Se connecter pour voter" in page.text
    site.user("fay@example.org")
    fay = site.browser("fay@example.org")
    site.phase(voting_open=False)
    page = fay.get(url)
    assert "Ajouter à mon vote" not in page.text
    from beffroi.devkit.testing import csrf_of
    page = fay.post(url + "vote", {"csrf_token": csrf_of(page), "project": "1", "action": "add"}).follow()
    assert any("Le vote est clos" in e for e in site.errors(page))
    assert site.read(url, lambda b: len(b.ballots)) == 0


@pytest.mark.parametrize("project", ["abc", "99", "", "1\x00"])
def test_bad_project_numbers_are_refused_with_a_message(site, project):
    url = site.budget(projects=PROJECTS)
    site.user("gus@example.org")
    gus = site.browser("gus@example.org")
    page = site.vote(gus, url, project).follow()
    assert any("Ce projet n’existe pas" in e or "Ce projet n'existe pas" in e
               for e in site.errors(page)), site.errors(page)
