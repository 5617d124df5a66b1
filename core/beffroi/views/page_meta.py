"""What a page says about itself to search engines and link previews."""
from __future__ import annotations

import html

import nh3

META_DESCRIPTION_LENGTH = 160        # what search engines show


def plain_summary(text, length: int = META_DESCRIPTION_LENGTH) -> str:
    """``text`` (plain or HTML) as one line of plain text of at most ``length``
    characters, cut at a word with "…"; "" for None or markup without text."""
    if not isinstance(text, str) or not text.strip():
        return ""
    plain = " ".join(html.unescape(nh3.clean(text, tags=set())).split())
    if len(plain) <= length:
        return plain
    cut = plain[:length - 1].rsplit(" ", 1)[0] or plain[:length - 1]
    return cut.rstrip(" ,;:.") + "…"
