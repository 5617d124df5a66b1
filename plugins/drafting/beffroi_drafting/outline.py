"""A text's outline, for templates shared across organisations.

An outline is what another commune may start from: the title, the summary and the
sections' headings (with their levels), and, when asked, the wording of the latest
version. Never a suggestion, an annotation, a support, an origin or an author: no
participant data travels with it. ``text_from_outline`` makes a new text whose draft
version 1 is the outline, ready for that commune's admins to edit and publish.

Shape (JSON-serialisable)::

    {"title": str, "summary": str,
     "sections": [{"title": str, "level": int (0 for the preamble), "body": str}, ...]}
"""
from __future__ import annotations

from beffroi_drafting.models import add_text
from beffroi_drafting.sections import Section, clean, join_sections

MAX_SECTIONS = 500


def outline_of(text, with_bodies=False) -> dict:
    """The outline of ``text`` from its latest published version (else its draft);
    section bodies only when ``with_bodies``."""
    version = text.current or text.draft
    sections = version.sections if version is not None else ()
    return {"title": text.title, "summary": text.summary,
            "sections": [{"title": s.title, "level": s.level,
                          "body": s.body if with_bodies else ""} for s in sections]}


def text_from_outline(container, outline, creator=None):
    """A new ``Text`` in ``container`` whose draft version 1 is ``outline``. Raises
    ``ValueError`` on an outline of another shape."""
    try:
        title = clean(str(outline["title"]))[:150] or "Text"
        summary = clean(str(outline.get("summary", "")))[:1000]
        sections = [Section("", clean(str(s.get("title", ""))), int(s.get("level", 1)),
                            clean(str(s.get("body", ""))))
                    for s in outline["sections"][:MAX_SECTIONS]]
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"not a drafting outline: {error}") from None
    for section in sections:
        if not 0 <= section.level <= 6 or (section.level and not section.title):
            raise ValueError("not a drafting outline: a section needs a title and a level 1-6")
    return add_text(container, title, summary, join_sections(sections) if sections else "",
                    creator)
