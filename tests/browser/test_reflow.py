"""WCAG 1.4.10 (reflow): at 375 CSS pixels wide, a title made of one long unbroken word
(an address, a compound, a URL pasted as a title) wraps; nothing scrolls sideways."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
LONG_WORD = "Réaménagementdelaplacedumarchéetdesruesavoisinantesducentreancien"


def test_long_words_in_titles_wrap_on_a_small_screen(world, live, chromium):
    from beffroi_proposals.models import add_proposal
    world.add_space(COMMUNE, "long", LONG_WORD, modules=["pages", "proposals"],
                    description=f"<p>{LONG_WORD}{LONG_WORD}</p>")
    with world.tx() as app:
        container = app.organisation_for_host(COMMUNE).spaces["long"]["proposals"]
        add_proposal(container, LONG_WORD, f"{LONG_WORD} " * 3, "markdown", None)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        for path in ("/", "/long/", "/long/proposals/", "/long/proposals/1/"):
            page.goto(live.url(COMMUNE, path))
            assert page.get_by_text(LONG_WORD).first.is_visible()
            widths = page.evaluate("""() => ({
                page: document.documentElement.scrollWidth,
                overflowing: [...document.querySelectorAll('h1, h2, h3, .card, p')]
                    .filter(e => e.getBoundingClientRect().width > 1)    // not visually hidden
                    .filter(e => e.scrollWidth > e.clientWidth + 1
                                 || e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => e.tagName + '.' + e.className)})""")
            assert widths["page"] <= 375, f"{path} scrolls sideways: {widths}"
            assert not widths["overflowing"], f"{path}: {widths['overflowing']}"
    finally:
        context.close()
