"""The module kit: a module declares, the core serves (open data, template globals,
demo content, exports, scope of hooks, the public toolkit)."""
import csv
import io
import inspect
import json
import pathlib
import types

import pytest

from beffroi import ModuleInfo, hookimpl, hookspecs
from beffroi.api import PUBLIC_MODULES, TOOLKIT
from beffroi.devkit.checkplugin import private_imports
from beffroi.kit import containers_of, spreadsheet_safe
from beffroi.plugins import load_plugins

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_the_demo_pages_are_open_data_in_json_and_csv(platform):
    from beffroi.devkit.demo import create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    browser = platform.browser("commune.localhost")
    pages = browser.get("/place-du-marche/pages/export.json").json
    assert {p["title"] for p in pages} == {"À propos de la démarche", "Foire aux questions"}
    assert set(pages[0]) == {"id", "title", "summary", "body_html", "created", "modified"}
    table = browser.get("/place-du-marche/pages/export.csv")
    assert table.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.text.lstrip("\ufeff"))))
    assert sorted(r["title"] for r in rows) == ["Foire aux questions", "À propos de la démarche"]


def test_open_data_guards_formulas_and_keeps_empty_cells_empty(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    from beffroi_pages.content import add_page
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["pages"]
        add_page(container, "=HYPERLINK(\"http://evil\")", "<p>texte</p>", summary="")
    text = platform.browser().get("/place/pages/export.csv").text.lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["title"] == "'=HYPERLINK(\"http://evil\")" and row["summary"] == ""
    assert [spreadsheet_safe(v) for v in ("", None, "-3", "@a", "\tx", "a=b", 5)] == \
        ["", "", "'-3", "'@a", "'\tx", "a=b", "5"]


PROBE = types.ModuleType("probe_plugin")
PROBE.register_modules = hookimpl(lambda: [ModuleInfo("probe", "Probe")])


@pytest.mark.beffroi_plugins(PROBE)
def test_a_module_without_open_data_has_no_export(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["probe"])
    platform.browser().get("/place/probe/export.json", status=404)


def test_a_module_template_gets_space_container_and_navigation_without_passing_them(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages", "proposals"])
    page = platform.browser().get("/place/pages/")
    assert "La place" in page.html.title.text
    nav = page.html.select_one("nav.space-nav")
    assert [a["href"] for a in nav.select("a")] == [
        "http://test.localhost/place/pages/", "http://test.localhost/place/proposals/"]
    assert nav.select_one("a[aria-current=page]").text == "Pages"
    assert page.html.select_one(".open-data a")["href"].endswith("/place/pages/export.csv")


def test_organisation_export_gathers_every_module_by_space(platform, tmp_path):
    from beffroi.kit import organisation_export_of_modules
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    from beffroi_pages.content import add_page
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        add_page(org.spaces["place"]["pages"], "Calendrier", "<p>mars</p>")
        data = organisation_export_of_modules(platform.plugins, org)
        assert [p["title"] for p in data["pages"]["place"]] == ["Calendrier"]
        assert [c.__name__ for c in containers_of(app, "pages")] == ["pages"]
        assert list(containers_of(org, "nothing")) == []


def test_every_hook_sits_in_a_family_and_space_scoped_hooks_take_a_space():
    names = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
             if hasattr(f, "beffroi_spec")]
    assert names and all(n.startswith(hookspecs.FAMILIES) for n in names), names
    for name in hookspecs.SPACE_SCOPED:
        assert "space" in inspect.signature(getattr(hookspecs, name)).parameters


def test_the_host_refuses_a_space_scoped_call_without_a_space():
    plugins = load_plugins(load_entrypoints=False)
    with pytest.raises(TypeError, match="space-scoped"):
        plugins.call("extra_space_navigation", request=None)


def test_the_core_registers_its_own_features_as_a_plugin():
    plugins = load_plugins(load_entrypoints=False)
    assert "beffroi" in plugins.plugins
    assert "comments.new" in plugins.notifications


def test_demo_content_reaches_only_its_own_empty_module():
    calls = []
    module = types.ModuleType("demo_probe")
    module.register_modules = hookimpl(lambda: [
        ModuleInfo("probe", "Probe", demo_content=lambda c: calls.append(c.module_name))])
    plugins = load_plugins(extra=[("demo_probe", module)], load_entrypoints=False)
    from beffroi.kit import fill_demo_content
    from beffroi.resources.module import ModuleContainer
    fill_demo_content(plugins, ModuleContainer("probe"))
    fill_demo_content(plugins, ModuleContainer("other"))
    assert calls == ["probe"]


def test_the_toolkit_resolves_every_name_it_promises():
    import beffroi.api
    for name in TOOLKIT:
        assert getattr(beffroi.api, name) is not None, name
    with pytest.raises(AttributeError, match="public toolkit"):
        beffroi.api.not_a_name  # noqa: B018


@pytest.mark.parametrize("package", ["plugins/pages/beffroi_pages",
                                     "plugins/processes/beffroi_processes",
                                     "skins/default/beffroi_skin_default"])
def test_shipped_plugins_import_only_the_public_toolkit(package):
    assert private_imports(REPO / package) == []


def test_check_plugin_names_a_private_import(tmp_path):
    (tmp_path / "views.py").write_text("from beffroi.views.public import module_nav\n"
                                       "from beffroi import kit\nimport beffroi.api\n")
    assert private_imports(tmp_path) == ["views.py:1: beffroi.views.public",
                                         "views.py:2: beffroi.kit"]
    assert PUBLIC_MODULES == ("beffroi", "beffroi.api")


@pytest.mark.parametrize("package", sorted(
    str(p.relative_to(REPO)) for pattern in ("plugins/*/beffroi_*", "skins/*/beffroi_*")
    for p in REPO.glob(pattern) if p.is_dir()))
def test_every_shipped_plugin_imports_only_the_public_toolkit(package):
    assert private_imports(REPO / package) == []
