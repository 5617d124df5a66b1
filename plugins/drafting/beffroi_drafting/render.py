"""A section as HTML, its passages from participants' suggestions marked and linked.

The Markdown body gets private-use markers around each origin's range
(``U+E000 n U+E001`` … ``U+E002``; ``sections.clean`` removes them from every input, so
only this module writes them), is rendered and sanitised by the core's
``render_markdown``, then each marked run of text is wrapped in
``<mark class="drafting-origin">`` (text between tags only, so the markup stays valid
whatever blocks the passage spans), followed by a link naming the suggestion and its
author. Markers that ended inside a tag (a link's address) are dropped with that origin.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from beffroi.api import author_name, is_public, render_markdown
from beffroi_drafting.i18n import _

OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"
TAG_RE = re.compile(r"(<[^>]*>)")
MARK_RE = re.compile("\ue000(\\d+)\ue001|\ue002")
BLOCK_START = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)]|>|#{1,6})[ \t]+")


def _with_markers(body, origins):
    spans = []
    for i, origin in enumerate(sorted(origins, key=lambda o: o.start)):
        start, end = max(0, origin.start), min(len(body), origin.end)
        if start >= end or (spans and start < spans[-1][1]):
            continue
        # a wording starting a list item or a quote keeps its mark after the bullet
        if start == 0 or body[start - 1] == "\n":
            bullet = BLOCK_START.match(body, start)
            if bullet and bullet.end() < end:
                start = bullet.end()
        spans.append((start, end, i))
    out, cursor = [], 0
    for start, end, i in spans:
        out.append(body[cursor:start])
        out.append(f"{OPEN}{i}{MID}{body[start:end]}{CLOSE}")
        cursor = end
    out.append(body[cursor:])
    return "".join(out)


def origin_label(request, suggestion):
    """"From suggestion #3 by Ana" (translated), or without the author when hidden."""
    t = request.localizer.translate
    if not is_public(suggestion):
        return t(_("from a participant's suggestion"))
    return t(_("from suggestion #${number} by ${author}",
               mapping={"number": suggestion.number,
                        "author": author_name(request, suggestion.creator)}))


def section_html(request, text, version, section) -> Markup:
    """The sanitised HTML of ``section`` of ``version``, passages from suggestions marked."""
    origins = sorted(version.origins_of(section.key), key=lambda o: o.start)
    if not origins:
        return Markup(render_markdown(section.body, profile="body"))
    html = render_markdown(_with_markers(section.body, origins), profile="body")
    out, current = [], None
    for token in TAG_RE.split(html):
        if not token:
            continue
        if token.startswith("<"):
            out.append(MARK_RE.sub("", token))
            continue
        pos = 0
        for match in MARK_RE.finditer(token):
            out.append(_piece(token[pos:match.start()], current))
            if match.group(1) is not None:
                index = int(match.group(1))
                current = origins[index] if index < len(origins) else None
            else:
                if current is not None:
                    out.append(_link(request, text, current))
                current = None
            pos = match.end()
        out.append(_piece(token[pos:], current))
    return Markup("".join(out))


def _piece(text_piece, origin):
    if origin is None or not text_piece.strip():
        return text_piece
    return f'<mark class="drafting-origin">{text_piece}</mark>'


def _link(request, text, origin):
    suggestion = text.get(origin.suggestion)
    if suggestion is None:
        return ""
    label = escape(origin_label(request, suggestion))
    if not is_public(suggestion):
        return f' <span class="drafting-origin-link">({label})</span>'
    return (f' <a class="drafting-origin-link" href="{escape(request.resource_url(suggestion))}">'
            f'({label})</a>')
