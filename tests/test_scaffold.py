"""`beffroi new-plugin`: refusals, the generated files, and the generated plugin checked."""
import sys

import pytest

from beffroi.devkit.checkplugin import check_plugin
from beffroi.cli import main
from beffroi.devkit.scaffold import ScaffoldError, check_name, create_plugin


def cli(tmp_path, *args):
    lines = []
    status = main(["-c", str(tmp_path / "absent.ini"), *args], out=lines.append)
    return status, "\n".join(lines)


@pytest.mark.parametrize("name, reason", [
    ("Petitions", "not a valid plugin name"),
    ("x", "not a valid plugin name"),
    ("1st", "not a valid plugin name"),
    ("local-events", "not a valid plugin name"),
    ("beffroi_petitions", "leave out the 'beffroi' prefix"),
    ("class", "reserved"),
    ("pages", "already taken by an installed plugin"),
])
def test_a_bad_name_is_refused_with_the_rule(tmp_path, capsys, name, reason):
    status, _ = cli(tmp_path, "new-plugin", name, "--directory", str(tmp_path / "p"))
    assert status == 2
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_an_existing_folder_is_never_written_into(tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    status, _ = cli(tmp_path, "new-plugin", "petitions", "--directory", str(target))
    assert status == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_the_default_folder_is_named_after_the_distribution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out = cli(tmp_path, "new-plugin", "local_events")
    assert status == 0, out
    assert (tmp_path / "beffroi-local-events" / "beffroi_local_events" / "__init__.py").exists()
    assert "pytest" in out and "check-plugin local_events" in out


def test_names_derive_every_spelling():
    names = check_name("local_events")
    assert (names.package, names.dist, names.title) == (
        "beffroi_local_events", "beffroi-local-events", "Local events")
    with pytest.raises(ScaffoldError):
        check_name("")


@pytest.fixture
def generated(tmp_path, monkeypatch):
    """A generated plugin importable from its folder (not installed)."""
    before = set(sys.modules)
    target = create_plugin("gazette", tmp_path / "beffroi-gazette", out=lambda *a: None)
    monkeypatch.syspath_prepend(str(target))
    yield target
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_the_generated_distribution_has_the_promised_parts(generated):
    package = generated / "beffroi_gazette"
    setup = (generated / "setup.cfg").read_text()
    assert "beffroi =\n    gazette = beffroi_gazette" in setup
    assert "include = beffroi_gazette, beffroi_gazette.*" in setup and "* = *.pt" in setup
    assert (generated / "pyproject.toml").exists() and (generated / "README.md").exists()
    for part in ("__init__.py", "content.py", "schemas.py", "views.py",
                 "templates/listing.pt", "templates/item.pt", "templates/form.pt", "static/gazette.css",
                 "locale/beffroi_gazette.pot", "locale/fr/LC_MESSAGES/beffroi_gazette.po",
                 "locale/fr/LC_MESSAGES/beffroi_gazette.mo",
                 "locale/en/LC_MESSAGES/beffroi_gazette.po"):
        assert (package / part).exists(), part
    for template in ("listing.pt", "item.pt", "form.pt"):
        assert "layout.macros['page']" in (package / "templates" / template).read_text()
    fr = (package / "locale/fr/LC_MESSAGES/beffroi_gazette.po").read_text()
    assert 'msgstr "Aucun élément pour l\'instant."' in fr
    assert "/tmp" not in (package / "locale/beffroi_gazette.pot").read_text()
    tests = (generated / "tests" / "test_gazette.py").read_text()
    assert "beffroi_space" in tests and "assert_accessible" in tests and "login_as" in tests


def test_the_generated_plugin_keeps_the_whole_contract(generated):
    report = check_plugin("beffroi_gazette")
    assert report.ok, report.render()
    text = report.render()
    assert "✓ permissions namespaced (1)" in text
    assert "✓ catalog indexes namespaced (1)" in text
    assert "✓ evolve steps ordered and namespaced (1)" in text
    assert "✓ templates compile (3)" in text
    assert "✓ .pot up to date with the sources" in text


def test_a_new_string_left_out_of_the_catalogs_is_caught(generated):
    views = generated / "beffroi_gazette" / "views.py"
    views.write_text(views.read_text().replace('_("Item added.")', '_("Item published.")'))
    text = check_plugin("beffroi_gazette").render()
    assert "✗ .pot up to date with the sources" in text
    assert "'Item published.'" in text and "'Item added.'" in text


def test_a_missing_french_translation_is_caught(generated):
    po = generated / "beffroi_gazette/locale/fr/LC_MESSAGES/beffroi_gazette.po"
    po.write_text(po.read_text().replace('msgstr "Nouvel élément"', 'msgstr ""'))
    text = check_plugin("beffroi_gazette").render()
    assert "✗ translations complete for fr, en" in text
    assert "fr/LC_MESSAGES/beffroi_gazette.po: 1 untranslated message(s), e.g. ['New item']" in text
    assert "older than the .po" in text       # and the .mo must be compiled again
