"""Every string a person can see exists in French and in English, and the catalogs
follow the sources: a developer who adds a string without extracting and translating
it sees one of these tests fail, with the message and the command to run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from beffroi.devkit.i18n_tools import (
    PLURAL_FORMS, extract, find_domains, incomplete, pot_create_command, untranslated_attributes,
    wrong_plural_forms)

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
    subprocess.run(pot_create_command(domain, str(fresh), str(package)),
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
        '<a title="Not in the catalog" i18n:attributes="title">x</a>\n'
        '<p>${h.plural("${n} place", "${n} places", n)}</p>\n</div>\n', encoding="utf-8")
    problems = untranslated_attributes(tmp_path)
    assert len(problems) == 3, problems
    assert "page.pt:3" in problems[0] and "A town hall" in problems[0]
    assert "page.pt:6" in problems[1] and "Not in the catalog" in problems[1]
    assert "page.pt:7" in problems[2] and "tal:replace" in problems[2]


def test_every_catalog_has_its_locales_plural_rule():
    """French puts 0 and 1 in the singular, English 1 only: a catalog with another rule
    shows "1 signatures" (or "0 signature")."""
    problems = wrong_plural_forms(REPO)
    assert not problems, "\n".join(problems)


def test_plural_messages_are_extracted_filled_and_checked_with_every_form(tmp_path):
    package = tmp_path / "plugins" / "demo" / "beffroi_demo"
    (package / "locale").mkdir(parents=True)
    (package / "locale" / "beffroi_demo.pot").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    (package / "views.py").write_text(
        'from beffroi.api import pluralize\n\n\ndef seats(request, n):\n'
        '    return pluralize(request, "${n} seat", "${n} seats", n, domain="beffroi_demo")\n',
        encoding="utf-8")
    (package / "page.pt").write_text(
        '<p i18n:domain="beffroi_demo"><tal:n replace="h.plural(\'${n} vote\', \'${n} votes\', '
        'count, domain=\'beffroi_demo\')"/></p>\n', encoding="utf-8")
    subprocess.run([sys.executable, "-c", "import sys; from beffroi.devkit.i18n_tools import "
                    "extract; from pathlib import Path; extract(Path(sys.argv[1]))",
                    str(tmp_path)], check=True, capture_output=True)
    fr = package / "locale" / "fr" / "LC_MESSAGES" / "beffroi_demo.po"
    with fr.open("rb") as f:
        catalog = read_po(f, locale="fr")
    assert catalog.plural_forms == PLURAL_FORMS["fr"]
    assert {m.id for m in catalog if m.id} == {("${n} seat", "${n} seats"),
                                               ("${n} vote", "${n} votes")}
    # English gets both forms from the msgids; French waits for its translator
    assert list(incomplete(tmp_path)) == [str(fr)]
    assert incomplete(tmp_path)[str(fr)] == ["${n} seat", "${n} vote"]
    from beffroi.devkit.i18n_tools import fill
    assert fill(tmp_path, "beffroi_demo", "fr", {"${n} seat": ["${n} place", "${n} places"],
                                                 "${n} vote": ["${n} voix", "${n} voix"]}) == []
    with pytest.raises(ValueError, match="singular, plural"):
        fill(tmp_path, "beffroi_demo", "fr", {"${n} seat": "${n} places"})
    assert incomplete(tmp_path) == {}
