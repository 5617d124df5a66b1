"""Results follow-up journeys: a result linked to the proposals it came from gives them
the « issu de la participation » label; the result page shows where it came from."""
from __future__ import annotations

import csv
import io

import pytest

from beffroi.devkit.testing import assert_accessible, csrf_of

pytestmark = pytest.mark.beffroi_db("memory")      # no blobs here: faster

RESULTS = "/budget/results/"
PROPOSALS = "/budget/proposals/"
LABEL = "Issu de la participation"


def cards_with_label(page):
    return [card.select_one("h2 a").text for card in page.html.select("li.card")
            if card.select_one(".participation-label")]


def test_a_result_linked_to_two_proposals_labels_both_and_shows_where_it_came_from(site):
    admin = site.admin()
    benches = site.proposal("Des bancs à l'ombre")
    shade = site.proposal("Des arbres pour l'ombre")
    other = site.proposal("Un marché le dimanche")
    result = site.add_result(admin, "Aménager la place", status="in-progress")
    linked = site.link(admin, result, benches, "http://test.localhost" + shade)
    assert linked.status_int == 302
    visitor = site.browser()
    for url in (benches, shade):
        page = visitor.get(url)
        assert page.html.select_one("h1").text in page.text
        assert LABEL in page.html.select_one(".participation-label").text
        assert "Aménager la place" in page.html.select_one(".item-links-outcomes").text
    assert LABEL not in visitor.get(other).text
    listing = visitor.get(PROPOSALS)
    assert sorted(cards_with_label(listing)) == ["Des arbres pour l'ombre", "Des bancs à l'ombre"]
    page = visitor.get(result)
    origins = [a.text for a in page.html.select(".item-links-origins a")]
    assert sorted(origins) == ["Des arbres pour l'ombre", "Des bancs à l'ombre"]
    assert LABEL in page.html.select_one("article .participation-label").text
    assert "Avancement : 50 %" in visitor.get(benches).text       # the status's default
    # unlinking one proposal removes its label, and the other keeps it
    page = admin.get(result)
    admin.post(result + "unlink", {"csrf_token": csrf_of(page), "item": benches.strip("/")})
    assert LABEL not in visitor.get(benches).text
    assert LABEL in visitor.get(shade).text
    assert cards_with_label(visitor.get(PROPOSALS)) == ["Des arbres pour l'ombre"]
    assert [a.text for a in visitor.get(result).html.select(".item-links-origins a")] == [
        "Des arbres pour l'ombre"]


def test_a_hidden_proposal_is_not_shown_as_an_origin_to_visitors(site):
    admin = site.admin()
    hidden = site.proposal("Une idée masquée par la modération")
    shown = site.proposal("Une idée visible")
    result = site.add_result(admin, "Un résultat")
    site.link(admin, result, hidden, shown)
    with site.platform.tx() as app:
        site.container(app, "proposals")[hidden.strip("/").rsplit("/", 1)[-1]] \
            .hidden_by_moderation = True
    origins = [a.text for a in site.browser().get(result).html.select(".item-links-origins a")]
    assert origins == ["Une idée visible"]
    admin_page = admin.get(result)      # the admin still sees it, marked, and can unlink it
    assert "Une idée masquée" in admin_page.html.select_one(".result-links-admin").text
    assert "masqué aux visiteurs" in admin_page.text
    rows = site.browser().get(RESULTS + "export.json").json
    assert rows[0]["linked_items"] == shown.strip("/")


def test_items_of_another_organisation_cannot_be_linked(site):
    import pytest
    from beffroi.api import LinkRefused, link_items
    from beffroi_proposals.models import add_proposal
    site.platform.add_org("Autre commune", "autre.localhost")
    site.platform.add_space("autre.localhost", "ailleurs", modules=["proposals"])
    with site.platform.tx() as app:
        foreign = add_proposal(app.organisation_for_host("autre.localhost")
                               .spaces["ailleurs"]["proposals"], "Une idée d'ailleurs",
                               "Une idée venue d'une autre commune voisine.", "markdown", None)
    admin = site.admin()
    result = site.add_result(admin, "Un résultat")
    page = site.link(admin, result, "http://autre.localhost/ailleurs/proposals/1/")
    assert page.status_int == 200
    assert "seuls les éléments de la même organisation" in page.text
    assert page.html.select_one("#link-address")["value"] == \
        "http://autre.localhost/ailleurs/proposals/1/"          # what was typed is kept
    # the same path on this organisation's site names nothing here
    page = site.link(admin, result, "/ailleurs/proposals/1/")
    assert "Aucun élément à lier" in page.text
    with site.platform.tx() as app:
        here = site.container(app)[result.strip("/").rsplit("/", 1)[-1]]
        foreign = app.organisation_for_host("autre.localhost").spaces["ailleurs"]["proposals"]["1"]
        with pytest.raises(LinkRefused):
            link_items(foreign, here, "led_to_result")
    assert LABEL not in site.browser().get(result).text


def test_an_admin_finds_items_of_the_space_by_searching(site):
    admin = site.admin()
    site.proposal("Rénover le lavoir", "Le vieux lavoir du quartier mérite une rénovation.")
    site.proposal("Un jardin partagé", "Un jardin partagé derrière l'école du quartier.")
    result = site.add_result(admin, "Lavoir rénové")
    _wait_for_index(site)
    page = admin.get(result + "link", {"q": "lavoir"})
    found = [label.text for label in page.html.select("fieldset label")]
    assert len(found) == 1 and "Rénover le lavoir" in found[0]
    form = next(f for f in page.forms.values() if "item" in f.fields)
    form["item"] = True
    form.submit().follow()
    assert LABEL in site.browser().get(PROPOSALS + "1/").text
    assert admin.get(result + "link", {"q": "zzz"}).html.select_one("fieldset p") is not None


def _wait_for_index(site):
    """Indexing runs after the commit, in its own transaction: it is done when the
    request returns (same thread), so nothing to wait for but a new transaction."""
    with site.platform.tx():
        pass


def test_followers_of_a_proposal_hear_that_it_became_a_result(site):
    from beffroi.services.follows import model as follows
    from beffroi.services.notifications.model import inbox_events
    camille = site.platform.add_user("test.localhost", "camille@example.org")
    url = site.proposal("Des bancs à l'ombre")
    with site.platform.tx() as app:
        org = site.org(app)
        follows.follow(org, camille, site.container(app, "proposals")["1"])
    admin = site.admin()
    result = site.add_result(admin, "Des bancs installés")
    site.link(admin, result, url)
    with site.platform.tx() as app:
        events = [e for e, _unread in inbox_events(site.org(app), camille)]
    assert [e.kind for e in events] == ["results.linked"]
    assert events[0].title == "Des bancs installés"


def test_progress_is_computed_from_children_as_a_weighted_mean(site):
    admin = site.admin()
    parent = site.add_result(admin, "Rénover l'école", progress="10")
    name = parent.strip("/").rsplit("/", 1)[-1]
    site.add_result(admin, "Toiture", parent=name, progress="100", weight="3")
    site.add_result(admin, "Cour", parent=name, status="not-started")   # 0 %, weight 1
    site.add_result(admin, "Préau", parent=name, progress="50", weight="0")  # does not count
    page = site.browser().get(parent)
    assert page.html.select_one(".result-progress strong").text == "75 %"
    assert "moyenne pondérée des sous-résultats" in page.text
    listing = site.browser().get(RESULTS)
    top = listing.html.select_one("ul.results-tree > li.result-node")
    assert top.select_one("progress")["value"] == "75"
    assert [a.text for a in top.select("ul.results-tree h3 a")] == ["Cour", "Préau", "Toiture"]
    summary = " ".join(listing.html.select_one(".results-summary").text.split())
    assert "Résultats suivis : 4" in summary and "avancement global : 75 %" in summary


def test_the_dashboard_gives_progress_and_budget_per_category_and_territory(site):
    admin = site.admin()
    site.add_result(admin, "Pistes cyclables", category="Mobilités", territory="Nord",
                    progress="40", budget_planned="100000", budget_spent="30000")
    site.add_result(admin, "Bus de nuit", category="Mobilités", territory="Sud",
                    progress="100", weight="3", budget_planned="20000", budget_spent="20000")
    site.add_result(admin, "Jardins", category="Nature", territory="Nord", status="done")
    site.add_result(admin, "Sans rien", progress="0")
    page = site.browser().get(RESULTS + "dashboard")
    assert page.html.select_one("#figure-count").text == "4"
    assert page.html.select_one("#figure-done").text == "2"

    def table(section):
        return [[c.text.strip() for c in row.select("th, td")]
                for row in page.html.select(f"#{section}-table tbody tr")]
    assert table("category") == [
        ["Mobilités", "2", "1", "85 %", "120\u202f000 €", "50\u202f000 €"],
        ["Nature", "1", "1", "100 %", "0 €", "0 €"],
        ["Sans catégorie", "1", "0", "0 %", "0 €", "0 €"]]
    assert table("territory")[0] == ["Nord", "2", "1", "70 %", "100\u202f000 €", "30\u202f000 €"]
    chart = page.html.select_one("#category-title ~ figure svg")
    assert chart["role"] == "img"
    assert chart.select_one("desc").text == "Mobilités: 85 %; Nature: 100 %; Sans catégorie: 0 %"
    assert len(chart.select("rect.chart-bar")) == 3
    assert_accessible(page.text)


def test_results_pages_are_accessible_and_the_open_data_guards_formulas(site):
    admin = site.admin()
    url = site.add_result(admin, "=HYPERLINK(\"http://x\")", category="@cat")
    milestone = admin.get(url + "milestone").forms["deform"]
    milestone["on"], milestone["title"] = "2027-03-31", "Premier coup de pioche"
    milestone.submit("create").follow()
    for path in (RESULTS, url, url + "edit", url + "link", RESULTS + "add", RESULTS + "import",
                 RESULTS + "dashboard", url + "milestone"):
        assert_accessible(admin.get(path).text)
    assert_accessible(site.browser().get(url).text)
    text = site.browser().get(RESULTS + "export.csv").text
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["title"].startswith("'=") and row["category"] == "'@cat"
    assert "Premier coup de pioche" in site.browser().get(url).html.select_one(".timeline").text


def test_visitors_cannot_manage_results(site):
    admin = site.admin()
    url = site.add_result(admin, "Un résultat")
    visitor = site.browser()
    site.platform.add_user("test.localhost", "pat@example.org")
    participant = site.browser("pat@example.org")
    for browser in (visitor, participant):
        assert "Gestion" not in browser.get(url).text
        for path in (RESULTS + "add", RESULTS + "import", url + "edit", url + "link"):
            browser.get(path, status=(403, 302))
    page = participant.get(url)
    participant.post(url + "delete", {"csrf_token": csrf_of(page)}, status=403)


def test_deleting_a_result_moves_its_children_up_and_removes_the_label(site):
    admin = site.admin()
    proposal = site.proposal("Des bancs")
    parent = site.add_result(admin, "Parent")
    child = site.add_result(admin, "Enfant", parent=parent.strip("/").rsplit("/", 1)[-1])
    site.link(admin, parent, proposal)
    assert LABEL in site.browser().get(proposal).text
    admin.post(parent + "delete", {"csrf_token": csrf_of(admin.get(parent))})
    assert LABEL not in site.browser().get(proposal).text
    tree = site.browser().get(RESULTS).html.select_one("ul.results-tree")
    assert [a.text for a in tree.select("h2 a")] == ["Enfant"]
    assert site.browser().get(child).status_int == 200


def test_the_organisation_export_and_personal_data_carry_nothing_personal(site):
    from beffroi_accountability import register_modules
    info = register_modules()[0]
    assert info.portable_data is None and info.on_account_deleted is None
    admin = site.admin()
    proposal = site.proposal("Des bancs")
    url = site.add_result(admin, "Des bancs installés", budget_planned="1200")
    site.link(admin, url, proposal)
    with site.platform.tx() as app:
        [row] = info.organisation_export(site.container(app))
        store = site.org(app)._beffroi_links
        keys = set(store.outcomes.keys()) | set(store.origins.keys())
    assert row["title"] == "Des bancs installés" and row["budget_planned"] == "1200.00"
    assert row["linked_items"] == "budget/proposals/1" and row["from_participation"] is True
    assert not {"creator", "author", "email"} & set(row)
    assert keys == {"budget/proposals/1", "budget/results/des-bancs-installes"}   # paths only


def test_visitors_filter_the_results_by_status_category_and_territory(site):
    admin = site.admin()
    site.add_result(admin, "Pistes cyclables", category="Mobilités", territory="Nord",
                    status="in-progress")
    site.add_result(admin, "Bus de nuit", category="Mobilités", territory="Sud", status="done")
    site.add_result(admin, "Jardins", category="Nature", territory="Nord", status="done")
    visitor = site.browser()
    page = visitor.get(RESULTS)
    assert [o.text for o in page.html.select("#results-category option")] == [
        "Tous", "Mobilités", "Nature"]
    assert [o.text for o in page.html.select("#results-status option")] == [
        "Tous", "En cours", "Terminé"]
    page = visitor.get(RESULTS, {"category": "Mobilités", "status": "done"})
    assert [a.text for a in page.html.select("ul.results-tree h2 a")] == ["Bus de nuit"]
    assert "Résultats correspondant aux filtres : 1." in page.html.select_one("[role=status]").text
    page = visitor.get(RESULTS, {"territory": "Nord", "category": "<script>"})  # unknown: ignored
    assert [a.text for a in page.html.select("ul.results-tree h2 a")] == ["Jardins", "Pistes cyclables"]
    assert_accessible(page.text)
