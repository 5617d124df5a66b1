"""docs/plugins.md stays true: the hook reference matches hookspecs.py, and the skin
example of the tutorial works as written."""
import re
import sys
from pathlib import Path

import pytest

from beffroi.cli.plugins import END_MARKER, START_MARKER, hook_specs, hooks_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
FIX = "run `beffroi hooks --write docs/plugins.md`"


def doc_text():
    return DOC.read_text(encoding="utf-8")


def reference():
    text = doc_text()
    return text[text.index(START_MARKER):text.index(END_MARKER) + len(END_MARKER)]


@pytest.mark.parametrize("name, signature, docstring, firstresult", hook_specs(),
                         ids=[h[0] for h in hook_specs()])
def test_every_hook_is_documented_with_its_current_docstring(name, signature, docstring, firstresult):
    section = reference()
    assert f"### `{name}{signature}`" in section, f"hook {name} is missing from {DOC}: {FIX}"
    assert docstring in section, f"the docstring of {name} changed: {FIX}"


def test_the_reference_documents_no_hook_that_is_gone():
    documented = re.findall(r"^### `(\w+)\(", reference(), flags=re.M)
    assert documented == [h[0] for h in hook_specs()], FIX
    assert reference() == hooks_markdown(), FIX


def test_the_tutorial_covers_the_whole_journey():
    text = doc_text()
    for needle in ("beffroi new-plugin", "pip install -e", "pytest", "beffroi module",
                   "pot-create", "pybabel compile", "beffroi check-plugin", "python -m build",
                   "twine upload", 'beffroi_api = ">=2.0,<3"', "register_skins", "EvolveStep",
                   "beffroi evolve"):
        assert needle in text, needle
    for slot in ("title", "head", "breadcrumbs", "content", "aside", "footer", "account-nav"):
        assert f"| `{slot}` |" in text, slot


def code_block_after(marker):
    text = doc_text()
    start = text.index(marker)
    end = text.index("```", start)
    return text[start:end]


def test_the_skin_example_overrides_only_the_footer(request, tmp_path, monkeypatch):
    package = tmp_path / "beffroi_skin_civic"
    (package / "static").mkdir(parents=True)
    (package / "static" / "beffroi.css").write_text("body { color: black; }")
    (package / "__init__.py").write_text(code_block_after("# beffroi_skin_civic/__init__.py"))
    (package / "layout.pt").write_text(code_block_after("<!-- beffroi_skin_civic/layout.pt"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "beffroi_skin_civic", raising=False)
    request.node.add_marker(pytest.mark.beffroi_plugins("beffroi_skin_civic"))
    platform = request.getfixturevalue("platform")
    platform.add_org("Ville de Civic", "civic.localhost")
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        app.organisation_for_host("civic.localhost").skin = "civic"
    for host in ("civic.localhost", "test.localhost"):
        platform.add_space(host, "place", "La place", modules=["pages"])
    civic = platform.browser("civic.localhost").get("/place/pages/")
    assert "Ville de Civic — legal notice" in civic.text
    assert "/-/skin/civic/beffroi.css" in civic.text
    assert "<h1>Pages</h1>" in civic.text and "La place" in civic.text   # other slots kept
    assert "Log in" in civic.text or "Se connecter" in civic.text        # account-nav kept
    other = platform.browser("test.localhost").get("/place/pages/")
    assert "legal notice" not in other.text
    from beffroi.devkit.testing import assert_accessible
    assert_accessible(civic)
    monkeypatch.delitem(sys.modules, "beffroi_skin_civic", raising=False)
