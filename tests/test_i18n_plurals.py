"""A count shown with its noun takes the right form in each language: French puts 0
and 1 in the singular, English 1 only (the catalogs' Plural-Forms), through
``beffroi.i18n.pluralize`` (Python) and ``h.plural`` (templates)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from pyramid.i18n import make_localizer

import beffroi
from beffroi.i18n import pluralize
from beffroi.views.layout import Helpers

CORE_LOCALE = str(Path(beffroi.__file__).parent / "locale")
SINGULAR, PLURAL = "${org}: ${n} new notification", "${org}: ${n} new notifications"


def request_in(locale):
    return SimpleNamespace(localizer=make_localizer(locale, [CORE_LOCALE]))


@pytest.mark.parametrize("locale,n,expected", [
    ("fr", 0, "Lille : 0 nouvelle notification"),
    ("fr", 1, "Lille : 1 nouvelle notification"),
    ("fr", 2, "Lille : 2 nouvelles notifications"),
    ("en", 0, "Lille: 0 new notifications"),
    ("en", 1, "Lille: 1 new notification"),
    ("en", 2, "Lille: 2 new notifications"),
])
def test_the_form_follows_the_count_and_the_language(locale, n, expected):
    assert pluralize(request_in(locale), SINGULAR, PLURAL, n, mapping={"org": "Lille"}) == expected


def test_a_localizer_outside_any_request_does_as_well():
    localizer = make_localizer("fr", [CORE_LOCALE])
    assert pluralize(localizer, SINGULAR, PLURAL, 1, mapping={"org": "Lille"}) == \
        "Lille : 1 nouvelle notification"


@pytest.mark.parametrize("n", [None, "3", 2.0, True])
def test_a_count_that_is_not_an_int_is_refused(n):
    with pytest.raises(TypeError, match="n must be an int"):
        pluralize(request_in("fr"), SINGULAR, PLURAL, n, mapping={"org": "Lille"})


def test_a_message_missing_from_the_catalog_falls_back_to_the_english_forms():
    request = request_in("fr")
    assert pluralize(request, "${n} cat", "${n} cats", 1) == "1 cat"
    assert pluralize(request, "${n} cat", "${n} cats", 3) == "3 cats"


def test_the_template_helper_escapes_text_and_keeps_markup():
    h = Helpers(request_in("en"))
    shown = h.plural(SINGULAR, PLURAL, 2, mapping={"org": "<b>Lille</b>"})
    assert isinstance(shown, Markup)
    assert str(shown) == "&lt;b&gt;Lille&lt;/b&gt;: 2 new notifications"
    shown = h.plural(SINGULAR, PLURAL, 1, mapping={"org": "Lille", "n": Markup("<strong>1</strong>")})
    assert str(shown) == "Lille: <strong>1</strong> new notification"
