"""Organisation statistics: figures equal to hand-computed ones on a known data set,
accessible charts with tables, CSV export, sharing with another organisation only when
allowed, admins only."""
import csv
import io
import re

import pytest
from beffroi.devkit.testing import csrf_of
from beffroi.services.statistics import model

HOST = "test.localhost"


def words(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


@pytest.fixture
def data_set(platform, beffroi_org, beffroi_space):
    """Two spaces; 3 confirmed accounts + 1 unconfirmed; 3 pages and a debate by 2 people
    (one page deleted), 2 comments by 2 people, one of them a third person."""
    from beffroi.services.comments.model import add_comment
    beffroi_space("pages", "debates", slug="centre", title="Centre", scope="Quartier nord")
    beffroi_space("pages", slug="gare", title="Gare")
    ids = {}
    for email in ("ana@example.org", "ben@example.org", "cy@example.org"):
        platform.add_user(HOST, email)
    platform.add_user(HOST, "nobody@example.org", confirmed=False)
    with platform.tx() as app:
        org = platform.org(app, HOST)
        for email in ("ana@example.org", "ben@example.org", "cy@example.org"):
            ids[email] = org.users.find_by_email(email).id
        from beffroi_pages.content import add_page
        centre = org.spaces["centre"].modules["pages"]
        gare = org.spaces["gare"].modules["pages"]
        from beffroi_debates.content import add_debate
        add_page(centre, "Un", "texte", creator=ids["ana@example.org"])
        p1 = add_debate(org.spaces["centre"].modules["debates"], "Deux", "texte",
                        creator=ids["ana@example.org"])
        add_page(gare, "Trois", "texte", creator=ids["ben@example.org"])
        gone = add_page(gare, "Supprimée", "texte", creator=ids["ben@example.org"])
        gone.deleted = True
        add_comment(p1, org, ids["cy@example.org"], "Bravo")
        add_comment(p1, org, ids["ben@example.org"], "Oui")
    return ids


def test_figures_equal_hand_computed_ones(platform, data_set):
    with platform.tx() as app:
        figures = model.compute(platform.org(app, HOST), platform.plugins)
    # the login_as admin is not there yet: 3 confirmed accounts
    assert figures.accounts == 3
    assert figures.contributions == 5                  # 3 public pages + 2 comments
    assert figures.participants == 3                   # ana, ben, cy
    assert dict((t, n) for t, n, _p in figures.by_space) == {"Centre": 4, "Gare": 1}
    assert dict((t, p) for t, _n, p in figures.by_space) == {"Centre": 3, "Gare": 1}
    assert dict(figures.by_territory) == {"Quartier nord": 4, "": 1}
    assert figures.by_month[-1][1:] == (3, 5)           # everything made this month
    assert len(figures.by_month) == 12


def test_admin_page_csv_and_charts(platform, data_set, beffroi_browser):
    platform.login_as(beffroi_browser, "admin")
    beffroi_browser.set_cookie("_LOCALE_", "en")
    page = beffroi_browser.get("/-/admin/statistics?refresh=1")
    text = words(page)
    assert "Accounts 4" in text and "Contributions 5" in text     # the admin's account counts
    assert page.text.count('<svg class="chart"') == 4
    assert '<title>Contributions per space</title>' in page.text
    assert "<caption>Contributions and participants per space</caption>" in page.text
    response = beffroi_browser.get("/-/admin/statistics.csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    by = {(r["figure"], r["label"]): r["value"] for r in rows}
    assert by[("contributions", "")] == "5"
    assert by[("contributions_by_space", "Centre")] == "4"
    assert by[("participants_by_space", "Centre")] == "3"


def test_only_admins(platform, data_set, beffroi_browser):
    platform.login_as(beffroi_browser, "participant")
    beffroi_browser.get("/-/admin/statistics", status=403)
    beffroi_browser.get("/-/admin/statistics.csv", status=403)


def list_organisation(browser):
    """Its admin lets the other organisations see its name, to share with it."""
    page = browser.get("/-/admin/statistics")
    form = next(f for f in page.forms.values() if "listed" in f.fields)
    form["listed"].checked = True
    form.submit().follow()


def test_a_commune_shares_its_figures_with_the_metropolis_only_when_it_chooses(platform, data_set):
    platform.add_org("Métropole", "metro.localhost")
    metro = platform.browser("metro.localhost")
    metro.set_cookie("_LOCALE_", "en")
    platform.login_as(metro, "admin")
    with platform.tx() as app:
        commune_id = platform.org(app, HOST).id
    assert "Commune de Test" not in words(metro.get("/-/admin/statistics")).split("Share these")[0]
    metro.get(f"/-/admin/statistics.csv?organisation={commune_id}", status=403)
    list_organisation(metro)
    # the commune's admin allows the metropolis
    commune = platform.browser(HOST)
    commune.set_cookie("_LOCALE_", "en")
    platform.login_as(commune, "admin")
    page = commune.get("/-/admin/statistics")
    form = next(f for f in page.forms.values() if "share" in f.fields)
    form["share"].checked = True
    form.submit().follow()
    page = metro.get("/-/admin/statistics")
    assert "Commune de Test" in words(page).split("Share these")[0]
    rows = metro.get(f"/-/admin/statistics.csv?organisation={commune_id}").text
    assert "Commune de Test" in rows and "contributions,,5" in rows
    # and takes it back
    page = commune.get("/-/admin/statistics")
    form = next(f for f in page.forms.values() if "share" in f.fields)
    form["share"].checked = False
    form.submit()
    metro.get(f"/-/admin/statistics.csv?organisation={commune_id}", status=403)
    # a forged POST without the token changes nothing
    commune.post("/-/admin/statistics", {"share": "x"}, status=400)


def test_shared_figures_name_no_unpublished_or_private_space(platform, data_set, beffroi_space):
    beffroi_space("pages", slug="secret", title="Projet confidentiel de rachat", published=False)
    platform.add_org("Métropole", "metro.localhost")
    commune = platform.browser(HOST)
    commune.set_cookie("_LOCALE_", "en")
    platform.login_as(commune, "admin")
    page = commune.get("/-/admin/statistics?refresh=1")
    assert "Projet confidentiel de rachat" in page.text         # its own admin sees it
    metro = platform.browser("metro.localhost")
    platform.login_as(metro, "admin")
    list_organisation(metro)
    page = commune.get("/-/admin/statistics?refresh=1")
    form = next(f for f in page.forms.values() if "share" in f.fields)
    form["share"].checked = True
    form.submit()
    with platform.tx() as app:
        commune_id = platform.org(app, HOST).id
    shared = metro.get(f"/-/admin/statistics.csv?organisation={commune_id}").text
    assert "Centre" in shared and "Projet confidentiel" not in shared


def test_an_organisation_learns_no_other_organisations_name_unless_listed(platform, data_set):
    platform.add_org("Ville discrète", "discrete.localhost")
    platform.add_org("Métropole", "metro.localhost")
    commune = platform.browser(HOST)
    commune.set_cookie("_LOCALE_", "en")
    platform.login_as(commune, "admin")
    page = commune.get("/-/admin/statistics")
    assert "Ville discrète" not in page.text and "Métropole" not in page.text
    assert "No other organisation of this platform is listed yet" in words(page)
    # the metropolis lists itself; the other organisation did not
    metro = platform.browser("metro.localhost")
    platform.login_as(metro, "admin")
    list_organisation(metro)
    page = commune.get("/-/admin/statistics")
    assert "Métropole" in page.text and "Ville discrète" not in page.text
    # a forged choice of an organisation the page did not show shares nothing
    with platform.tx() as app:
        discrete_id = platform.org(app, "discrete.localhost").id
    commune.post("/-/admin/statistics", {"csrf_token": csrf_of(page), "sharing": "1",
                                         "share": discrete_id})
    with platform.tx() as app:
        assert model.shared_with(platform.org(app, HOST)) == ()
    # the commune listed itself? no: the metropolis does not see its name either
    assert "Commune de Test" not in metro.get("/-/admin/statistics").text


def test_a_post_without_the_sharing_form_changes_nothing(platform, data_set):
    platform.add_org("Métropole", "metro.localhost")
    metro = platform.browser("metro.localhost")
    platform.login_as(metro, "admin")
    list_organisation(metro)
    commune = platform.browser(HOST)
    commune.set_cookie("_LOCALE_", "en")
    platform.login_as(commune, "admin")
    page = commune.get("/-/admin/statistics")
    form = next(f for f in page.forms.values() if "share" in f.fields)
    form["share"].checked, form["listed"].checked = True, True
    form.submit()
    page = commune.get("/-/admin/statistics")
    refused = commune.post("/-/admin/statistics", {"csrf_token": csrf_of(page)}).follow()
    assert "arrived incomplete" in words(refused)
    with platform.tx() as app:
        org = platform.org(app, HOST)
        assert len(model.shared_with(org)) == 1 and model.is_listed(org)
    # unticking everything in the real form still works (it sends its marker)
    form = next(f for f in refused.forms.values() if "share" in f.fields)
    form["share"].checked, form["listed"].checked = False, False
    form.submit()
    with platform.tx() as app:
        org = platform.org(app, HOST)
        assert model.shared_with(org) == () and not model.is_listed(org)
