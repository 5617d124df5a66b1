"""Start-up fails fast, naming the plugin, when a plugin breaks the contract."""
import types

import colander
import pytest

from beffroi import ModuleInfo, PermissionInfo, hookimpl
from beffroi.plugins import PluginError, load_plugins


def plugin(name, **hooks):
    module = types.ModuleType(name)
    for hookname, func in hooks.items():
        setattr(module, hookname, hookimpl(func))
    return module


def load(*modules):
    return load_plugins(extra=[(m.__name__, m) for m in modules], load_entrypoints=False)


def test_a_plugin_with_an_unknown_hook_is_refused_with_its_name():
    bad = plugin("sondages", register_modulez=lambda: [])
    with pytest.raises(PluginError, match="sondages.*unknown hook.*register_modulez"):
        load(bad)


def test_a_hook_with_a_bad_signature_is_refused_with_its_name():
    bad = plugin("debats", configure=lambda config, extra: None)
    with pytest.raises(PluginError, match="debats"):
        load(bad)


def test_two_plugins_providing_the_same_module_are_refused():
    a = plugin("a", register_modules=lambda: [ModuleInfo("votes", "Votes")])
    b = plugin("b", register_modules=lambda: [ModuleInfo("votes", "Votes")])
    with pytest.raises(PluginError, match="'b'.*'votes' is already provided by plugin 'a'"):
        load(a, b)


def test_a_permission_must_be_namespaced_by_its_module():
    bad = plugin("budgets", register_modules=lambda: [ModuleInfo(
        "budgets", "Budgets", permissions=(PermissionInfo("vote", "Vote"),))])
    with pytest.raises(PluginError, match="budgets.*'vote' must be namespaced"):
        load(bad)


def test_a_settings_schema_that_does_not_build_is_refused():
    def schema():
        raise RuntimeError("oops")
    bad = plugin("rencontres", register_modules=lambda: [ModuleInfo(
        "meetings", "Meetings", settings_schema=schema)])
    with pytest.raises(PluginError, match="rencontres.*settings_schema does not build"):
        load(bad)


def test_an_incompatible_plugin_says_which_api_it_needs():
    bad = plugin("ancien")
    bad.beffroi_api = ">=1.0,<2"
    with pytest.raises(PluginError, match="ancien.*needs the Beffroi plugin API >=1.0,<2"):
        load(bad)


def test_a_valid_plugin_is_listed_with_its_hooks_and_modules():
    class Settings(colander.MappingSchema):
        limit = colander.SchemaNode(colander.Int(), default=3)
    good = plugin("budgets", register_modules=lambda: [ModuleInfo(
        "budgets", "Budgets", settings_schema=Settings,
        permissions=(PermissionInfo("budgets.vote", "Vote", ("authenticated",)),))])
    plugins = load(good)
    [entry] = [e for e in plugins.describe() if e["name"] != "beffroi"]   # beside the core
    assert entry["name"] == "budgets"
    assert entry["modules"] == ["budgets"]
    assert entry["hooks"] == ["register_modules"]


def test_installed_plugins_are_found_by_entry_point(platform):
    data = platform.browser("anything.localhost").get("/-/plugins.json").json
    names = {p["name"]: p for p in data["plugins"]}
    assert "pages" in names["pages"]["modules"]
    assert names["pages"]["distribution"] == "beffroi-pages"
    assert "participatory_process" in names["processes"]["space_types"]
    assert data["api_version"] == "2.0"


def test_a_plugin_that_fails_to_import_is_named(tmp_path, monkeypatch):
    """A real (broken) distribution on sys.path, found through its entry point."""
    dist = tmp_path / "beffroi_broken-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: beffroi-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[beffroi]\nbroken = beffroi_broken_mod\n")
    (tmp_path / "beffroi_broken_mod.py").write_text("import does_not_exist_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"plugin 'broken' \(beffroi_broken_mod\) could not be "
                                          r"imported: ModuleNotFoundError"):
        load_plugins()
    assert load_plugins(exclude=["broken"]).plugins["pages"]


def test_start_up_and_check_plugin_apply_the_same_rules():
    from beffroi import EvolveStep, contract
    steps = (EvolveStep("sondages.0002_b", lambda root: None),
             EvolveStep("sondages.0001_a", lambda root: None))
    bad = plugin("sondages", register_modules=lambda: [ModuleInfo(
        "sondages", "Sondages", evolve_steps=steps)])
    with pytest.raises(PluginError, match="sondages.*number them"):
        load(bad)
    [info] = bad.register_modules()
    assert contract.step_problems("sondages", [info], []) and \
        "number them" in contract.step_problems("sondages", [info], [])[0]
