"""Staff make budgets and projects (images with a text alternative, the proposals a
project came from), refuse bad input with messages, and enter paper ballots that a
second staff member checks."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from beffroi.devkit.testing import csrf_of

BASE = "/quartiers/budgets/"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _form(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def _errors(page):
    return [e.get_text(" ", strip=True) for e in page.html.select(".error, .help-block.error, .alert-danger, [id^=error-]")]


def test_an_admin_creates_a_budget_and_a_project_from_proposals_with_an_image(site):
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    page = ana.get("/quartiers/proposals/add")
    form = _form(page, "title")
    form["title"], form["body"] = "Des bancs sur la place", "Il faut des bancs à l'ombre."
    proposal_url = form.submit("create").follow().request.path
    number = proposal_url.rstrip("/").rsplit("/", 1)[-1]

    form = _form(admin.get(BASE + "add"), "title")
    form["title"], form["total"], form["territory"] = "Budget Nord", "50000", "Quartier Nord"
    form["description"] = "Un budget **pour le nord**."
    form["vote_rule"], form["minimum_percent"] = "minimum", "10"
    budget = form.submit("create").follow()
    assert "Le budget a été créé." in budget.text and "<strong>pour le nord</strong>" in budget.text
    form = _form(admin.get(budget.request.path + "add"), "cost")
    form["title"], form["cost"], form["territory"] = "Bancs place du Marché", "12000", "Marché"
    form["description"] = "Six bancs.<script>alert(1)</script>"
    form["origins"] = f"{number}\nDES BANCS SUR LA PLACE"
    form["upload"] = ("bancs.png", _png())
    page = form.submit("create")
    assert page.status_int == 200                             # the image has no text alternative
    assert "Décrivez l'image" in page.text
    assert page.html.find("input", {"name": "title"})["value"] == "Bancs place du Marché"
    form = _form(page, "cost")
    form["upload"] = ("bancs.png", _png())
    form["alt"] = "Trois bancs de bois sous un platane"
    project = form.submit("create").follow()
    assert "Le projet a été ajouté." in project.text
    assert "<script>alert(1)" not in project.text
    img = project.html.select_one(".project-images img")
    assert img["alt"] == "Trois bancs de bois sous un platane"
    served = site.browser().get(img["src"])
    assert served.content_type == "image/png"
    links = [a["href"] for a in project.html.select("#origins-title + ul a")]
    assert len(links) == 1 and links[0].endswith(proposal_url)   # linked once
    assert "Des bancs sur la place" in project.text
    with site.platform.tx() as app:
        p = site.container(app)["budget-nord"]["1"]
        assert p.origins == (proposal_url,) and p.cost == 12000


@pytest.mark.parametrize("field, value, message", [
    ("total", "0", "au moins 1 €"),
    ("total", "-5", "au moins 1 €"),
    ("total", "beaucoup", ""),
    ("title", "Budget\x00nul", ""),
    ("description", "texte\x00nul", ""),
])
def test_bad_budget_input_shows_a_message_and_keeps_what_was_typed(site, field, value, message):
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    form = _form(admin.get(BASE + "add"), "title")
    form["title"], form["total"] = "Budget Sud", "1000"
    form[field] = value
    page = form.submit("create", status=200)
    assert "error" in page.text
    if message:
        assert message in page.text
    if "\x00" not in value:
        assert page.html.find(attrs={"name": field}).get("value", page.html.find(attrs={"name": field}).text) == value
    with site.platform.tx() as app:
        assert len(site.container(app)) == 0


@pytest.mark.parametrize("field, value, message", [
    ("cost", "-100", "au moins 1 €"),
    ("cost", "0", "au moins 1 €"),
    ("title", "Bancs\x00", ""),
    ("origins", "9999", "Aucune proposition de cet espace"),
])
def test_bad_project_input_shows_a_message(site, field, value, message):
    url = site.budget()
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    form = _form(admin.get(url + "add"), "cost")
    form["title"], form["cost"] = "Bancs", "1000"
    form[field] = value
    page = form.submit("create", status=200)
    if message:
        assert message in page.text
    assert site.read(url, lambda b: len(b)) == 0


def test_participants_cannot_manage_budgets(site):
    url = site.budget(projects=(("Bancs", 1000),))
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    ana.get(BASE + "add", status=403)
    ana.get(url + "add", status=403)
    ana.get(url + "paper", status=403)
    ana.get(url + "results", status=404)                  # results not published


def test_a_paper_ballot_counts_only_once_a_second_staff_member_checked_it(site):
    url = site.budget(projects=(("Jardin", 30_000), ("Fontaine", 25_000), ("Vélos", 60_000)),
                      vote_rule="minimum", minimum_percent=50)
    site.staff("agent@example.org", role="collaborator")
    site.staff("cheffe@example.org")
    agent = site.browser("agent@example.org")
    page = agent.get(url + "paper")
    page = agent.post(url + "paper", {"csrf_token": csrf_of(page), "project": ["1"], "count": "7"})
    assert "doit dépenser au moins 50 %" in page.text.replace("\u202f", " ").replace("\xa0", " ")
    assert page.html.select_one("#paper-count")["value"] == "7"          # kept
    assert page.html.select_one("#paper-1").has_attr("checked")
    page = agent.post(url + "paper", {"csrf_token": csrf_of(page), "project": ["1", "2"],
                                      "count": "abc"})
    assert "nombre entier de 1 à 100 000" in page.text
    page = agent.post(url + "paper", {"csrf_token": csrf_of(page), "project": ["1", "2"],
                                      "count": "7"}).follow()
    assert "7 bulletins papier enregistrés" in page.text
    [key] = site.read(url, lambda b: list(b.paper.keys()))
    assert site.read(url, lambda b: (b.votes.get(1), b.voters())) == (0, 0)     # pending
    # the same person cannot check
    assert not page.html.select('button[value="check"]')
    page = agent.post(url + "paper-check", {"csrf_token": csrf_of(page), "key": key,
                                            "decision": "check"}).follow()
    assert "par une autre personne que celle qui les a saisis" in page.text
    assert site.read(url, lambda b: b.voters()) == 0
    cheffe = site.browser("cheffe@example.org")
    page = cheffe.get(url + "paper")
    assert page.html.select('button[value="check"]')
    page = cheffe.post(url + "paper-check", {"csrf_token": csrf_of(page), "key": key,
                                             "decision": "check"}).follow()
    assert "7 bulletins papier vérifiés" in page.text
    assert site.read(url, lambda b: (b.votes.get(1), b.votes.get(2), b.votes.get(3), b.voters())) \
        == (7, 7, 0, 7)
    page = cheffe.post(url + "paper-check", {"csrf_token": csrf_of(page), "key": key,
                                             "decision": "check"}).follow()
    assert "déjà été vérifiés" in page.text
    assert site.read(url, lambda b: b.voters()) == 7                     # counted once
    row = page.html.select_one(".paper-entries tbody tr").get_text(" ", strip=True)
    assert "Vérifiés par" in row and "Cheffe" in row


def test_a_pending_paper_entry_can_be_deleted_but_not_a_checked_one(site):
    url = site.budget(projects=(("Jardin", 30_000),))
    site.staff("a@example.org")
    site.staff("b@example.org")
    a, b = site.browser("a@example.org"), site.browser("b@example.org")
    page = a.get(url + "paper")
    a.post(url + "paper", {"csrf_token": csrf_of(page), "project": ["1"], "count": "2"})
    a.post(url + "paper", {"csrf_token": csrf_of(page), "project": ["1"], "count": "3"})
    first, second = site.read(url, lambda bud: sorted(bud.paper.keys()))
    page = a.post(url + "paper-check", {"csrf_token": csrf_of(page), "key": first,
                                        "decision": "discard"}).follow()
    assert "ont été supprimés" in page.text
    b.post(url + "paper-check", {"csrf_token": csrf_of(b.get(url + "paper")), "key": second,
                                 "decision": "check"})
    page = a.post(url + "paper-check", {"csrf_token": csrf_of(page), "key": second,
                                        "decision": "discard"}).follow()
    assert "ne peuvent pas être supprimés" in page.text
    assert site.read(url, lambda bud: (len(bud.paper), bud.voters())) == (1, 3)


def test_the_total_and_rule_of_a_budget_stay_once_votes_count(site):
    url = site.budget(projects=(("Jardin", 30_000),))
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.vote(ana, url, 1)
    site.checkout(ana, url)
    site.staff("admin@example.org")
    admin = site.browser("admin@example.org")
    form = _form(admin.get(url + "edit"), "total")
    form["total"], form["title"] = "5000", "Budget du Centre 2027"
    page = form.submit("save", status=200)
    assert "elle ne peut plus changer" in page.text
    form = _form(page, "total")
    form["total"] = "100000"
    assert "Le budget a été enregistré." in form.submit("save").follow().text
    assert site.read(url, lambda b: (b.title, b.total)) == ("Budget du Centre 2027", 100_000)


def test_ranked_paper_ballots_keep_the_order_and_refuse_bad_ranks(site):
    url = site.budget(projects=(("A", 1_000), ("B", 1_000), ("C", 1_000)), vote_rule="ranking",
                      ranking_size=2)
    site.staff("agent@example.org")
    agent = site.browser("agent@example.org")
    page = agent.get(url + "paper")
    for ranks, message in (({"rank-1": "²"}, "Un rang est un nombre entier"),
                           ({"rank-1": "1", "rank-2": "1"}, "Deux projets ont le même rang"),
                           ({"rank-1": "1", "rank-2": "2", "rank-3": "3"}, "classer au maximum : 2")):
        page = agent.post(url + "paper", {"csrf_token": csrf_of(page), "count": "1", **ranks})
        assert message in page.text, message
    page = agent.post(url + "paper", {"csrf_token": csrf_of(page), "count": "²", "rank-1": "1"})
    assert "nombre entier de 1 à 100 000" in page.text
    agent.post(url + "paper", {"csrf_token": csrf_of(page), "count": "4", "rank-3": "1", "rank-1": "2"})
    assert site.read(url, lambda b: [p.projects for p in b.paper.values()]) == [(3, 1)]



def test_a_project_from_a_proposal_that_becomes_a_result_labels_both(platform, beffroi_org):
    """The project's origins are ``came_from`` links of the core's links service: once a
    result follows the project, the project and the proposal it came from carry the
    « issu de la participation » label; removing the origin removes the proposal's."""
    from beffroi.api import from_participation, link_items
    from beffroi_accountability.content import add_result
    from beffroi_budgets.links import set_origins
    from beffroi_budgets.models import add_budget, add_project
    from beffroi_proposals.models import add_proposal
    platform.add_space("test.localhost", "quartier", "Quartier",
                       modules=["proposals", "budgets", "results"])
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        space = org.spaces["quartier"]
        proposal = add_proposal(space["proposals"], "Des bancs", "Des bancs sur la place.",
                                "markdown", None)
        project = add_project(add_budget(space["budgets"], "Budget", 100000), "Des bancs",
                              12000, "Dix bancs.")
        request = type("Request", (), {"organisation": org})()
        set_origins(request, project, [f"/quartier/proposals/{proposal.__name__}/"])
        assert not from_participation(proposal)
        result = add_result(space["results"], "Dix bancs installés")
        link_items(project, result, "led_to_result")
        assert from_participation(project) and from_participation(proposal)
        set_origins(request, project, [])
        assert not from_participation(proposal) and from_participation(project)
