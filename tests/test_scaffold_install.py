"""CI proof of the fifteen-minute promise: scaffold a plugin, pip-install it, run its
generated tests, serve its page in a space, uninstall it.

The plugin is installed with this environment's pip and interpreter into an overlay
environment that sees every package of this one (a ``.pth`` line), not into this
environment itself: other test processes sharing the environment would otherwise find
its entry point without being able to import it (an editable install's path is read
at interpreter start-up) and fail while this test runs.
"""
import os
import site
import subprocess
import sys
import venv

import pytest

from beffroi.devkit.scaffold import create_plugin

NAME = "commons_probe"
DIST = "beffroi-commons-probe"
PACKAGE = "beffroi_commons_probe"


def overlay_environment(path):
    """A virtual environment at ``path`` whose interpreter also imports everything
    installed in the running one; return (python, its site-packages)."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # an "import" line of a .pth runs at start-up: addsitedir also reads the parent's
    # own .pth files (the editable installs of beffroi and its plugins)
    (path / purelib).joinpath("beffroi_parent.pth").write_text("".join(
        f"import site; site.addsitedir({d!r})\n" for d in site.getsitepackages()))
    return python, purelib


def pip(python, *args):
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check",
                           "--python", str(python), *args],
                          capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_a_scaffolded_plugin_installs_passes_its_tests_and_serves_its_page(tmp_path, beffroi_db):
    target = create_plugin(NAME, tmp_path / DIST, out=lambda *a: None)
    python, purelib = overlay_environment(tmp_path / "venv")
    modules_before = set(sys.modules)
    added_paths = [purelib, str(target)]
    try:
        # no build isolation: setuptools is already here, and CI must not download it
        installed = pip(python, "install", "-q", "--no-deps", "--no-build-isolation",
                        "--config-settings", "editable_mode=compat", "-e", str(target))
        assert installed.returncode == 0, installed.stderr[-2000:]

        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                               cwd=target, capture_output=True, text=True, timeout=180, env=env)
        assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
        assert "6 passed" in tests.stdout

        listed = subprocess.run([str(python), "-m", "beffroi.cli", "-c", str(tmp_path / "none.ini"),
                                 "plugins"], capture_output=True, text=True, timeout=120, env=env)
        assert f"{NAME}  {DIST} 0.1.0" in listed.stdout.splitlines(), listed.stdout + listed.stderr

        # this process: see the overlay's entry points, as a restarted server would
        sys.path[:0] = added_paths
        from beffroi.app import make_config
        from beffroi.devkit.testing import Platform, assert_accessible
        app = make_config({"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40}).make_wsgi_app()
        platform = Platform(app, beffroi_db)
        assert NAME in platform.plugins.modules
        platform.add_org("Commune de Test", "test.localhost")
        platform.add_space("test.localhost", "place", "La place", modules=[NAME])
        page = platform.browser().get(f"/place/{NAME}/")
        assert "Aucun élément pour l'instant." in page.text
        assert_accessible(page)
    finally:
        uninstalled = pip(python, "uninstall", "-y", "-q", DIST)
        for path in added_paths:
            while path in sys.path:
                sys.path.remove(path)
        for name in set(sys.modules) - modules_before:
            if name.startswith(PACKAGE):
                del sys.modules[name]
        from beffroi.catalog import _DISCRIMINATORS
        _DISCRIMINATORS.pop(f"{NAME}.text", None)      # the plugin is gone for later tests
    assert uninstalled.returncode == 0, uninstalled.stderr
    assert DIST not in pip(python, "list", "--format=freeze").stdout.replace("_", "-")
