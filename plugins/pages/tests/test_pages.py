"""The pages module: written by the space's team, read by everyone, searchable."""
import pytest

from beffroi.devkit.testing import csrf_of

ADMIN = "espace@test.localhost"


@pytest.fixture
def site(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    platform.add_space("test.localhost", "autre", "Autre espace", modules=["pages"])
    platform.add_user("test.localhost", ADMIN, space_roles={"place": ["admin"]})
    platform.add_user("test.localhost", "camille@test.localhost")
    return platform


def write_page(browser, title, body, summary=""):
    form = next(f for f in browser.get("/place/pages/add").forms.values() if "title" in f.fields)
    form["title"], form["body"], form["summary"] = title, body, summary
    return form.submit("create")


def test_a_space_admin_writes_edits_and_deletes_a_page(site):
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    page = write_page(browser, "Calendrier", "<p>Atelier le <strong>3 mars</strong></p>").follow()
    assert "<strong>3 mars</strong>" in page.text
    form = next(f for f in browser.get("/place/pages/calendrier/edit").forms.values()
                if "title" in f.fields)
    form["title"] = "Calendrier des ateliers"
    page = form.submit("save").follow()
    assert "Calendrier des ateliers" in page.text
    browser.post("/place/pages/calendrier/delete", {"csrf_token": csrf_of(page)}).follow()
    site.browser("test.localhost").get("/place/pages/calendrier", status=404)


def test_dangerous_html_is_removed_on_the_way_in(site):
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    page = write_page(browser, "Piège", '<p onclick="x()">Texte</p><script>alert(1)</script>'
                      '<a href="javascript:alert(1)">lien</a>').follow()
    assert "<script>alert(1)" not in page.text
    assert "onclick" not in page.text
    assert "javascript:" not in page.text


def test_a_title_too_long_is_refused_next_to_the_field_and_the_text_kept(site):
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    response = write_page(browser, "x" * 200, "<p>Mon texte précieux</p>")
    assert response.status_int == 200
    assert "Mon texte précieux" in response.text
    assert "error" in response.text


def test_participants_and_admins_of_other_spaces_cannot_write(site):
    browser = site.browser("test.localhost")
    site.login(browser, "camille@test.localhost")
    browser.get("/place/pages/add", status=403)
    other = site.browser("test.localhost")
    site.login(other, ADMIN)
    other.get("/autre/pages/add", status=403)
    anonymous = site.browser("test.localhost")
    assert anonymous.get("/place/pages/add").status_int == 302   # asked to log in


def test_pages_are_found_by_full_text_search(site):
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    write_page(browser, "Calendrier", "<p>Atelier sur les arbres</p>")
    write_page(browser, "Règles", "<p>Charte de participation</p>")
    results = site.browser("test.localhost").get("/place/pages/", {"q": "arbres"})
    assert "Calendrier" in results.text and "Règles" not in results.text
    nothing = site.browser("test.localhost").get("/place/pages/", {"q": "zzz"})
    assert "Calendrier" not in nothing.text


def test_the_phase_announcement_shows_during_its_phase(site):
    with site.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["place"]
        space["pages"].phase_settings[space.active_phase_id] = {"announcement": "Ateliers ouverts"}
    assert "Ateliers ouverts" in site.browser("test.localhost").get("/place/pages/").text


def test_a_page_hidden_by_moderation_leaves_the_listing_search_and_open_data(site):
    from types import SimpleNamespace

    from beffroi_pages import register_modules
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    write_page(browser, "Calendrier", "<p>Atelier sur les arbres</p>")
    write_page(browser, "Publicité", "<p>Achetez des arbres</p>")
    with site.tx() as app:
        app.organisation_for_host("test.localhost").spaces["place"]["pages"]["publicite"] \
            .hidden_by_moderation = True
    visitor = site.browser("test.localhost")
    assert "Publicité" not in visitor.get("/place/pages/").text
    results = visitor.get("/place/pages/", {"q": "arbres"}).text
    assert "Calendrier" in results and "Publicité" not in results
    assert "Publicité" in browser.get("/place/pages/").text            # the space's admin moderates
    [info] = register_modules()
    with site.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["pages"]
        rows = info.open_data(SimpleNamespace(), container)
    assert [r["title"] for r in rows] == ["Calendrier"]
