"""The text's own logic: sections cut at headings, passages found as a reader sees them,
suggestions applied to the draft with their origins kept through later changes."""
from __future__ import annotations

import pytest

from beffroi_drafting.models import DraftingError, Text, Version, VersionFrozen
from beffroi_drafting.sections import locate, replace_passage, split_sections

SOURCE = """Avant-propos sans titre.

# Article 1

Les terrasses ferment à **23 heures** du dimanche au jeudi.

## Article 1

Un titre répété.

```
# pas un titre
```
"""


def test_sections_are_cut_at_headings_with_stable_unique_keys():
    sections = split_sections(SOURCE)
    assert [s.key for s in sections] == ["preamble", "article-1", "article-1-2"]
    assert [s.level for s in sections] == [0, 1, 2]
    assert "# pas un titre" in sections[2].body            # fenced code does not cut
    assert split_sections("") == [] and split_sections("  \n\n") == []


@pytest.mark.parametrize("quote", [
    "ferment à 23 heures", "ferment  à\n23 heures", "ferment à 23 heures du dimanche",
    "Les terrasses ferment",
])
def test_a_quote_is_found_as_a_reader_sees_it(quote):
    body = "Les terrasses ferment à **23 heures** du dimanche au jeudi."
    start, end = locate(body, quote)
    assert body[start:end].count("**") in (0, 2)             # never half an emphasis


def test_typographic_apostrophes_match_and_absent_passages_do_not():
    body = "L'été, la commune [publie](https://example.org) ses comptes rendus."
    assert locate(body, "L’été, la commune publie") is not None
    assert locate(body, "la mairie") is None
    new, start, end = replace_passage(body, "la commune publie ses", "nous publions nos")
    assert new == "L'été, nous publions nos comptes rendus." and new[start:end] == "nous publions nos"


class Stub:
    def __init__(self, name, key, quote, wording):
        self.__name__, self.section_key, self.section_title = name, key, key
        self.quote, self.wording = quote, wording


def test_origins_survive_later_suggestions_and_an_admins_edit():
    draft = Version(2, "# A\n\nUn deux trois quatre cinq six sept.")
    draft.apply(Stub("s1", "a", "deux", "DEUX BIS"))
    draft.apply(Stub("s2", "a", "six", "SIX BIS"))
    body = draft.section("a").body
    found = {o.suggestion: body[o.start:o.end] for o in draft.origins_of("a")}
    assert found == {"s1": "DEUX BIS", "s2": "SIX BIS"}
    draft.apply(Stub("s3", "a", "Un", "Zéro, un"))            # before both: they shift
    body = draft.section("a").body
    assert {o.suggestion: body[o.start:o.end] for o in draft.origins_of("a")} == {
        "s1": "DEUX BIS", "s2": "SIX BIS", "s3": "Zéro, un"}
    draft.edit("# A\n\nPréface. Zéro, un DEUX BIS trois quatre cinq.", "")
    body = draft.section("a").body
    assert {o.suggestion: body[o.start:o.end] for o in draft.origins_of("a")} == {
        "s1": "DEUX BIS", "s3": "Zéro, un"}                  # "SIX BIS" was edited away
    with pytest.raises(DraftingError):
        draft.apply(Stub("s4", "a", "six", "x"))                # no longer there
    with pytest.raises(DraftingError):
        draft.apply(Stub("s5", "b", "", "x"))                   # no such section
    draft.publish("", None)
    with pytest.raises(VersionFrozen):
        draft.edit("# A\n\nautre", "")


def test_the_next_draft_starts_from_the_published_version_with_its_origins():
    text = Text("T", "", "# A\n\nUn deux trois.")
    text.versions[1].apply(Stub("s1", "a", "deux", "DEUX"))
    text.versions[1].publish("", None)
    text.published_number = 1
    draft = text.ensure_draft()
    assert draft.number == 2 and draft.source == text.current.source
    assert draft.origins_of("a") == text.current.origins_of("a")
    assert text.ensure_draft() is draft


def test_an_outline_carries_headings_and_no_participant_data(site):
    from beffroi_drafting.outline import outline_of, text_from_outline
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org", name="Ana Martin")
    made = site.suggest(site.browser("ana@example.org"), url, "preambule", "", "Mon préambule.")
    site.decide(admin, made.location.replace("http://test.localhost", ""), "accept", "Oui.")
    with site.platform.tx() as app:
        container = site.container(app)
        text = next(iter(container.values()))
        outline = outline_of(text)
        assert [s["title"] for s in outline["sections"]] == [
            "Préambule", "Article 1 — Les terrasses", "Article 2 — La propreté"]
        assert "Ana" not in str(outline) and "s1" not in str(outline)
        copy = text_from_outline(container, outline_of(text, with_bodies=True))
        assert copy.published is False and not copy.notes and copy.draft.number == 1
        assert [s.key for s in copy.draft.sections] == [s.key for s in text.current.sections]
        assert copy.draft.origins == {}
        with pytest.raises(ValueError):
            text_from_outline(container, {"title": "x", "sections": [{"level": 9}]})
