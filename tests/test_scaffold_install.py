"""CI proof of the fifteen-minute promise: scaffold a plugin, install it into this
environment, run its generated tests, serve its page in a space, uninstall it."""
import os
import subprocess
import sys

import pytest

from beffroi.scaffold import create_plugin

NAME = "commons_probe"
DIST = "beffroi-commons-probe"
PACKAGE = "beffroi_commons_probe"


def pip(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_a_scaffolded_plugin_installs_passes_its_tests_and_serves_its_page(tmp_path, beffroi_db):
    target = create_plugin(NAME, tmp_path / DIST, out=lambda *a: None)
    modules_before = set(sys.modules)
    try:
        # no build isolation: the build requirements are already in this environment,
        # and CI must not depend on downloading setuptools
        installed = pip("install", "-q", "--no-deps", "--no-build-isolation",
                        "--config-settings", "editable_mode=compat", "-e", str(target))
        assert installed.returncode == 0, installed.stderr[-2000:]
        sys.path.insert(0, str(target))    # the .pth of the editable install is read at start-up

        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                               cwd=target, capture_output=True, text=True, timeout=180, env=env)
        assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
        assert "6 passed" in tests.stdout

        from beffroi.cli import main
        lines = []
        assert main(["-c", str(tmp_path / "absent.ini"), "plugins"], out=lines.append) == 0
        assert f"{NAME}  {DIST} 0.1.0" in lines

        from beffroi.app import make_config
        from beffroi.testing import Platform, assert_accessible
        app = make_config({"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40}).make_wsgi_app()
        platform = Platform(app, beffroi_db)
        assert NAME in platform.plugins.modules
        platform.add_org("Commune de Test", "test.localhost")
        platform.add_space("test.localhost", "place", "La place", modules=[NAME])
        page = platform.browser().get(f"/place/{NAME}/")
        assert "Aucun élément pour l'instant." in page.text
        assert_accessible(page)
    finally:
        uninstalled = pip("uninstall", "-y", "-q", DIST)
        if str(target) in sys.path:
            sys.path.remove(str(target))
        for name in set(sys.modules) - modules_before:
            if name.startswith(PACKAGE):
                del sys.modules[name]
        from beffroi.catalog import _DISCRIMINATORS
        _DISCRIMINATORS.pop(f"{NAME}.text", None)      # the plugin is gone for later tests
    assert uninstalled.returncode == 0, uninstalled.stderr
    assert DIST not in pip("list", "--format=freeze").stdout.replace("_", "-")
