"""The core's one answer to "is this there for a visitor?" and its guarded CSV writer,
which every module's counters and exports use."""
from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from pyramid.i18n import TranslationString

from beffroi.kit import csv_response, spreadsheet_safe, translated_rows
from beffroi.visibility import content_state, count_public, is_open, is_public


def node(parent=None, **attrs):
    return SimpleNamespace(__parent__=parent, **attrs)


def test_each_state_of_an_object_or_of_its_lineage_is_seen():
    space = node(published=True)
    proposal = node(space)
    comment = node(proposal)
    assert is_public(comment) and is_open(comment)
    proposal.withdrawn = True
    assert is_public(comment) and not is_open(comment)          # readable, closed
    proposal.withdrawn, proposal.hidden_by_moderation = False, True
    assert not is_public(comment) and content_state(comment).hidden
    proposal.hidden_by_moderation, comment.deleted = False, True
    assert not is_public(comment) and is_public(proposal)
    comment.deleted, space.published = False, False
    assert not is_public(comment) and content_state(comment).unpublished


def test_counts_are_what_a_visitor_can_read():
    items = [node(), node(deleted=True), node(hidden_by_moderation=True), node(withdrawn=True)]
    assert count_public(items) == 2


@pytest.mark.parametrize("value,expected", [
    ("", ""), (None, ""), (0, "0"), (-3, "-3"), (True, "True"), ("Des bancs", "Des bancs"),
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-5 degrés", "'-5 degrés"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("a=b", "a=b"),
])
def test_only_cells_starting_like_a_formula_are_guarded(value, expected):
    assert spreadsheet_safe(value) == expected


def test_empty_cells_stay_empty_and_translation_strings_are_translated():
    request = SimpleNamespace(localizer=SimpleNamespace(translate=lambda ts: "Participant·e supprimé·e"))
    rows = [{"title": "=HYPERLINK()", "answer": "", "author": TranslationString("Deleted participant")}]
    text = csv_response(rows, ("title", "answer", "author"), "x.csv", request=request).text
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row == {"title": "'=HYPERLINK()", "answer": "", "author": "Participant·e supprimé·e"}


def test_an_export_string_left_untranslated_is_caught_by_the_module_tests():
    with pytest.raises(TypeError, match="Deleted participant"):
        translated_rows([{"author": TranslationString("Deleted participant")}])
