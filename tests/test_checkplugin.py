"""`beffroi check-plugin`: a readable report, and a non-zero exit on a broken plugin."""
import sys
import textwrap

import pytest

from beffroi.devkit.checkplugin import check_plugin
from beffroi.cli import main


@pytest.fixture
def write_plugin(tmp_path, monkeypatch):
    """Write a plugin package into a folder on sys.path; forget its modules afterwards."""
    before = set(sys.modules)
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(package, source, files=None):
        root = tmp_path / package
        root.mkdir()
        (root / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for name, text in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return package
    yield write
    for name in set(sys.modules) - before:
        del sys.modules[name]


def run(name, tmp_path):
    lines = []
    status = main(["-c", str(tmp_path / "absent.ini"), "check-plugin", name], out=lines.append)
    return status, "\n".join(lines)


def test_a_plugin_keeping_the_contract_passes_with_every_check_ticked(tmp_path, monkeypatch):
    from beffroi.devkit.scaffold import create_plugin
    before = set(sys.modules)
    target = create_plugin("almanac", tmp_path / "beffroi-almanac", out=lambda *a: None)
    monkeypatch.syspath_prepend(str(target))
    try:
        status, report = run("beffroi_almanac", tmp_path)
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
    assert status == 0, report
    assert "✗" not in report
    for check in ("hooks: on_configure, register_modules",
                  "beffroi_api '>=2.0,<3' accepts", "permissions namespaced (1)",
                  "catalog indexes namespaced (1)", "settings schemas build (1)",
                  "evolve steps ordered and namespaced (1)", "templates compile (3)",
                  "translations complete for fr, en", ".pot up to date with the sources"):
        assert f"✓ {check}" in report, report
    assert report.endswith("All checks passed.")


def test_the_pages_module_keeps_the_structural_contract(tmp_path):
    # its catalogs belong to the pages plugin's authors: only the code is checked here
    _status, report = run("pages", tmp_path)
    for check in ("imports: beffroi_pages", "hooks:", "permissions namespaced (3)",
                  "catalog indexes namespaced (1)", "settings schemas build (2)",
                  "evolve steps ordered and namespaced (1)", "loads beside the installed plugins",
                  "templates compile (3)"):
        assert f"✓ {check}" in report, report


BROKEN = '''
    from beffroi import ModuleInfo, PermissionInfo, hookimpl

    beffroi_api = ">=2.0,<3"

    @hookimpl
    def register_widgets():
        return []

    @hookimpl
    def register_modules():
        return [ModuleInfo(name="broken", title="Broken",
                           permissions=(PermissionInfo("create", "Create"),))]
'''


def test_an_unknown_hook_and_an_unnamespaced_permission_fail_with_what_to_fix(
        write_plugin, tmp_path, capsys):
    name = write_plugin("beffroi_broken", BROKEN)
    status, report = run(name, tmp_path)
    assert status == 2
    assert "✗ hooks match hookspecs.py" in report
    assert "unknown hook(s) ['register_widgets']" in report
    assert "✗ permissions namespaced (1)" in report
    assert "permission 'create' must be namespaced like 'broken.create'" in report
    assert "✗ translation catalog exists" in report
    assert "does not meet the contract" in capsys.readouterr().err


def test_an_unknown_plugin_name_is_reported_not_raised(tmp_path):
    status, report = run("no_such_plugin_anywhere", tmp_path)
    assert status == 2
    assert "✗ import no_such_plugin_anywhere" in report
    assert "ModuleNotFoundError" in report


def test_signatures_markers_api_and_evolve_order_are_checked(write_plugin):
    name = write_plugin("beffroi_sloppy", '''
        from beffroi import EvolveStep, ModuleInfo, hookimpl

        @hookimpl
        def on_configure(config, settings):
            pass

        def register_permissions():
            return []

        @hookimpl
        def register_modules():
            return [ModuleInfo(name="sloppy", title="Sloppy", evolve_steps=(
                EvolveStep("sloppy.0002_second", lambda root: None),
                EvolveStep("sloppy.0001_first", lambda root: None),
                EvolveStep("fix_titles", lambda root: None)))]
    ''')
    report = check_plugin(name)
    text = report.render()
    assert not report.ok
    assert "✗ beffroi_api is not declared" in text
    assert "'settings'" in text and "configure" in text          # pluggy names the argument
    assert "register_permissions() is not decorated with @hookimpl" in text
    assert "evolve step 'fix_titles' must be namespaced" in text
    assert "number them (0001_, 0002_ …)" in text


def test_an_incompatible_api_range_fails(write_plugin):
    name = write_plugin("beffroi_old", '''
        from beffroi import hookimpl
        beffroi_api = "<1"

        @hookimpl
        def on_configure(config):
            pass
    ''')
    text = check_plugin(name).render()
    assert "✗ beffroi_api '<1' excludes this Beffroi's plugin API" in text


def test_a_template_that_does_not_compile_is_named(write_plugin):
    name = write_plugin("beffroi_badtpl", '''
        from beffroi import hookimpl
        beffroi_api = ">=2.0,<3"

        @hookimpl
        def on_configure(config):
            pass
    ''', {"templates/ok.pt": '<p tal:content="request.url">x</p>\n',
          "templates/bad.pt": '<p tal:repeat="">x</p>\n'})
    text = check_plugin(name).render()
    assert "✗ templates compile (2)" in text
    assert "templates/bad.pt" in text
    assert "templates/ok.pt" not in text


def test_the_module_entry_point_reports_without_starting_beffroi(write_plugin, capsys):
    from beffroi.devkit.checkplugin import main as check_main
    name = write_plugin("beffroi_broken_again", BROKEN)
    assert check_main([name]) == 2
    assert "✗ permissions namespaced (1)" in capsys.readouterr().out
    assert check_main([]) == 2
    assert "usage:" in capsys.readouterr().err
