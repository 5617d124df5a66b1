"""Enabling modules per space: settings, disable/re-enable, uninstalled plugins."""
import pytest

from beffroi.app import make_config
from beffroi.devkit.testing import Platform, csrf_of

ADMIN = "admin@test.localhost"


@pytest.fixture
def site(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place")
    platform.add_user("test.localhost", ADMIN, org_roles=["admin"])
    return platform


def admin_browser(site):
    browser = site.browser("test.localhost")
    site.login(browser, ADMIN)
    return browser


def test_an_admin_enables_a_module_and_participants_see_it(site):
    browser = admin_browser(site)
    page = browser.get("/-/admin/spaces/place/")
    assert "Pages" in page.text
    page = browser.post("/-/admin/spaces/place/enable",
                        {"module": "pages", "csrf_token": csrf_of(page)}).follow()
    assert "Module enabled" in page.text or "Module activé" in page.text
    public = site.browser("test.localhost").get("/place/")
    assert "/place/pages/" in public.text
    site.browser("test.localhost").get("/place/pages/", status=200)


def test_enabling_without_the_csrf_token_is_refused(site):
    browser = admin_browser(site)
    browser.post("/-/admin/spaces/place/enable", {"module": "pages"}, status=400)
    with site.tx() as app:
        assert "pages" not in app.organisation_for_host("test.localhost").spaces["place"].modules


def test_a_module_not_allowed_for_the_organisation_cannot_be_enabled(platform):
    platform.add_org("Commune", "test.localhost", allow=())
    platform.add_space("test.localhost", "place")
    platform.add_user("test.localhost", ADMIN, org_roles=["admin"])
    browser = platform.browser("test.localhost")
    platform.login(browser, ADMIN)
    page = browser.get("/-/admin/spaces/place/")
    page = browser.post("/-/admin/spaces/place/enable",
                        {"module": "pages", "csrf_token": csrf_of(page)}).follow()
    with platform.tx() as app:
        assert "pages" not in app.organisation_for_host("test.localhost").spaces["place"].modules


def test_settings_form_saves_and_rejects_bad_values(site):
    browser = admin_browser(site)
    page = browser.get("/-/admin/spaces/place/")
    browser.post("/-/admin/spaces/place/enable", {"module": "pages", "csrf_token": csrf_of(page)})
    form_page = browser.get("/-/admin/spaces/place/modules/pages")
    form = next(f for f in form_page.forms.values() if "order" in f.fields)
    form["order"].force_value("sideways")
    bad = form.submit("save")
    assert bad.status_int == 200
    assert "error" in bad.text.lower()
    form = next(f for f in bad.forms.values() if "order" in f.fields)
    form["order"] = "title"
    form.submit("save").follow()
    with site.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["pages"]
        assert container.settings["order"] == "title"


def add_pages(site, titles):
    from beffroi_pages.content import add_page
    with site.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["pages"]
        for title in titles:
            add_page(container, title, f"<p>{title}</p>")


def test_disabling_hides_the_module_and_re_enabling_brings_the_data_back(site):
    site.add_space("test.localhost", "marche", "Le marché")
    with site.tx() as app:
        from beffroi.spaces import enable_module
        org = app.organisation_for_host("test.localhost")
        enable_module(site.plugins, org, org.spaces["place"], "pages")
    add_pages(site, ["Calendrier", "Règles"])
    browser = admin_browser(site)
    page = browser.get("/-/admin/spaces/place/")
    browser.post("/-/admin/spaces/place/disable", {"module": "pages", "csrf_token": csrf_of(page)})
    citizen = site.browser("test.localhost")
    assert "/place/pages/" not in citizen.get("/place/").text
    citizen.get("/place/pages/", status=302)          # anonymous: asked to log in
    citizen.get("/place/pages/calendrier", status=302)
    page = browser.get("/-/admin/spaces/place/")
    browser.post("/-/admin/spaces/place/enable", {"module": "pages", "csrf_token": csrf_of(page)})
    listing = citizen.get("/place/pages/")
    assert "Calendrier" in listing.text and "Règles" in listing.text


def test_an_uninstalled_plugin_leaves_the_site_working(platform, beffroi_db):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    platform.add_user("test.localhost", ADMIN, org_roles=["admin"])
    site = platform
    add_pages(site, ["Calendrier"])
    # the same database served by an installation where the pages plugin is gone
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40,
                "beffroi.plugins.exclude": "pages"}
    without = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    citizen = without.browser("test.localhost")
    assert "La place" in citizen.get("/").text
    space = citizen.get("/place/")
    assert "/place/pages/" not in space.text
    citizen.get("/place/pages/", status=404)
    admin = without.browser("test.localhost")
    without.login(admin, ADMIN)
    page = admin.get("/place/pages/")
    assert "Module unavailable" in page.text or "Module indisponible" in page.text
    assert "Module unavailable" in admin.get("/-/admin/spaces/place/").text \
        or "Module indisponible" in admin.get("/-/admin/spaces/place/").text
    # and the data is still there when the plugin comes back
    listing = platform.browser("test.localhost").get("/place/pages/")
    assert "Calendrier" in listing.text


def test_organisation_defaults_apply_to_spaces_until_a_space_changes_them(site):
    from beffroi_pages.content import add_page
    site.add_space("test.localhost", "marche", "Le marché", modules=["pages"])
    site.add_user("test.localhost", "espace@test.localhost", space_roles={"marche": ["admin"]})
    with site.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["marche"]["pages"]
        add_page(container, "Zinnias", "<p>z</p>")
        add_page(container, "Anémones", "<p>a</p>")
    browser = admin_browser(site)
    assert "/-/admin/modules/" in browser.get("/-/admin/").text
    assert "/-/admin/modules/pages" in browser.get("/-/admin/modules/").text
    page = browser.get("/-/admin/modules/pages")
    from beffroi.devkit.testing import assert_accessible
    assert_accessible(page)
    form = next(f for f in page.forms.values() if "order" in f.fields)
    form["order"] = "title"
    form.submit("save").follow()
    listing = site.browser("test.localhost").get("/marche/pages/").text
    assert listing.index("Anémones") < listing.index("Zinnias")
    space_admin = site.browser("test.localhost")
    site.login(space_admin, "espace@test.localhost")
    space_admin.get("/-/admin/modules/pages", status=403)
