"""Every string a person can see exists in French and in English, and the catalogs
follow the sources: a developer who adds a string without extracting and translating
it sees one of these tests fail, with the message and the command to run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from beffroi.devkit.i18n_tools import find_domains, incomplete, untranslated_attributes

REPO = Path(__file__).resolve().parents[1]
DOMAINS = sorted(find_domains(REPO))
FIX = ("run `.venv/bin/python -m beffroi.devkit.i18n_tools extract`, translate with "
       "`... i18n_tools fill --domain D --locale fr --json FILE`, then `... i18n_tools compile`")


def msgids(pot: Path) -> set[str]:
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def test_the_tree_has_catalogs_for_the_core_the_plugins_and_the_skin():
    names = {domain for domain, _ in DOMAINS}
    assert {"beffroi", "beffroi_pages", "beffroi_skin_default"} <= names


def test_every_message_has_its_french_and_english_translation():
    missing = incomplete(REPO)
    lines = [f"{Path(path).relative_to(REPO)}: {len(ids)} untranslated: "
             + "; ".join(repr(i) for i in ids[:8]) + (" …" if len(ids) > 8 else "")
             for path, ids in sorted(missing.items())]
    assert not missing, "untranslated messages (" + FIX + "):\n" + "\n".join(lines)


@pytest.mark.parametrize("domain,package", DOMAINS, ids=[d for d, _ in DOMAINS])
def test_the_pot_file_lists_exactly_the_messages_of_the_sources(domain, package, tmp_path):
    fresh = tmp_path / f"{domain}.pot"
    pot_create = Path(sys.executable).parent / "pot-create"
    subprocess.run([str(pot_create), "--domain", domain, "-o", str(fresh), str(package)],
                   check=True, capture_output=True)
    committed = package / "locale" / f"{domain}.pot"
    assert committed.exists(), f"{committed.relative_to(REPO)} is missing: {FIX}"
    in_sources, in_pot = msgids(fresh), msgids(committed)
    new = sorted(in_sources - in_pot)
    gone = sorted(in_pot - in_sources)
    assert not new and not gone, (
        f"{committed.relative_to(REPO)} is stale ({FIX}):\n"
        f"  in the sources but not in the .pot: {new[:10]}\n"
        f"  in the .pot but no longer in the sources: {gone[:10]}")


def test_every_attribute_a_person_reads_goes_through_the_catalogs():
    """aria-label, alt, title and placeholder: marked with i18n:attributes, and known to
    the catalog of the template's i18n:domain."""
    problems = untranslated_attributes(REPO)
    assert not problems, "attributes left out of the catalogs:\n" + "\n".join(problems)


def test_the_attribute_check_finds_what_it_is_for(tmp_path):
    package = tmp_path / "plugins" / "demo" / "beffroi_demo"
    (package / "locale").mkdir(parents=True)
    (package / "locale" / "beffroi_demo.pot").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Known"\nmsgstr ""\n', encoding="utf-8")
    (package / "page.pt").write_text(
        '<div i18n:domain="beffroi_demo">\n'
        '<nav aria-label="Known" i18n:attributes="aria-label"><br></nav>\n'
        '<img alt="A town hall" src="x.png">\n'
        '<input placeholder="${label}" name="q">\n'
        '<nav aria-label="Elsewhere" i18n:attributes="aria-label" i18n:domain="other"></nav>\n'
        '<a title="Not in the catalog" i18n:attributes="title">x</a>\n</div>\n', encoding="utf-8")
    problems = untranslated_attributes(tmp_path)
    assert len(problems) == 2, problems
    assert "page.pt:3" in problems[0] and "A town hall" in problems[0]
    assert "page.pt:6" in problems[1] and "Not in the catalog" in problems[1]
