"""Space-scoped hooks reach only the plugins whose module is enabled in that space."""
import types

import pytest

from beffroi import ModuleInfo, NavItem, hookimpl
from beffroi.app import make_config
from beffroi.devkit.testing import Platform


def ideas_plugin():
    module = types.ModuleType("ideas")
    module.register_modules = hookimpl(lambda: [ModuleInfo("ideas", "Idées")])
    module.extra_space_navigation = hookimpl(
        lambda request, space: [NavItem("Carte des idées", request.resource_url(space) + "carte")])
    return module


@pytest.fixture
def site(beffroi_db):
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40,
                "beffroi.extra_plugins": [("ideas", ideas_plugin())]}
    platform = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "avec", "Avec idées", modules=["ideas"])
    platform.add_space("test.localhost", "sans", "Sans idées", modules=["pages"])
    return platform


def test_navigation_hooks_of_a_module_show_only_where_it_is_enabled(site):
    browser = site.browser("test.localhost")
    assert "Carte des idées" in browser.get("/avec/").text
    assert "Carte des idées" not in browser.get("/sans/").text


def test_a_disabled_module_stops_contributing_to_its_space(site):
    with site.tx() as app:
        from beffroi.spaces import disable_module
        disable_module(site.plugins, app.organisation_for_host("test.localhost").spaces["avec"], "ideas")
    assert "Carte des idées" not in site.browser("test.localhost").get("/avec/").text
