"""A text in Markdown as sections, and passages found in a section by what a reader sees.

Sections: the Markdown source is cut at its ATX headings (``#`` … ``######``). Each
``Section`` has a ``key`` made from its heading (``article-2-les-horaires``, unique in
the version), the heading text, its level and its body (Markdown without the heading).
Text before the first heading is the section ``preamble``. Keys are how suggestions,
annotations and diffs find "the same section" in another version.

Passages: a participant quotes what they read on the page, without Markdown marks
(``**``, ``_``, ``[…](…)``), perhaps with other spaces or apostrophes. ``locate`` finds
such a quote in a section's Markdown body and returns the range of source characters
it covers, widened so that it never cuts an emphasis or a link in half: replacing that
range by a suggestion's wording leaves valid Markdown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from beffroi.api import slugify

HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
FENCE_RE = re.compile(r"^(```|~~~)")
PREAMBLE = "preamble"
#: Private-use characters the rendering uses to mark passages; removed from every input.
MARKERS_RE = re.compile("[\ue000-\ue002]")
#: Source characters a reader does not see (emphasis, code marks, link brackets).
_INLINE_MARK = re.compile(r"\*\*|__|\*|_|`|~~|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|!?\[")
_LIST_MARK = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)]|>)[ \t]+", re.MULTILINE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " ",
                              "\u202f": " ", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                              "\u00bb": '"'})


@dataclass(frozen=True)
class Section:
    """One section of a version: ``key`` (stable across versions while the heading
    stays), ``title`` (the heading's text, "" for the preamble), ``level`` (1–6; 0 for
    the preamble) and ``body`` (Markdown without the heading line)."""
    key: str
    title: str
    level: int
    body: str

    def source(self) -> str:
        """The section as Markdown again (heading line and body)."""
        if not self.level:
            return self.body
        head = f"{'#' * self.level} {self.title}"
        return f"{head}\n\n{self.body}" if self.body else head


def clean(text: str) -> str:
    """Text as stored: line ends ``\\n``, no marker characters, no trailing spaces at the end."""
    return MARKERS_RE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def split_sections(source: str) -> list[Section]:
    """The sections of a Markdown ``source`` (see the module docstring); headings inside
    fenced code blocks do not cut. An empty source gives no section."""
    sections, keys = [], set()
    title, level, lines, fenced = "", 0, [], False

    def close():
        body = "\n".join(lines).strip("\n")
        if level == 0 and not body.strip():
            return
        base = slugify(title)[:60] or ("section" if level else PREAMBLE)
        key, n = base, 1
        while key in keys:
            n += 1
            key = f"{base}-{n}"
        keys.add(key)
        sections.append(Section(key, title, level, body))

    for line in clean(source).split("\n"):
        if FENCE_RE.match(line.strip()):
            fenced = not fenced
        match = None if fenced else HEADING_RE.match(line)
        if match:
            close()
            title, level, lines = match.group(2).strip(), len(match.group(1)), []
        else:
            lines.append(line)
    close()
    return sections


def join_sections(sections) -> str:
    """The Markdown source of ``sections`` (inverse of ``split_sections``)."""
    return "\n\n".join(s.source() for s in sections).strip() + "\n"


def _visible(source: str):
    """(visible text, source index of each visible character): Markdown marks left out,
    every run of white space one space, typographic apostrophes and quotes plain."""
    hidden = [False] * len(source)
    for match in _INLINE_MARK.finditer(source):
        for i in range(match.start(), match.end()):
            hidden[i] = True
    for match in _LIST_MARK.finditer(source):
        for i in range(match.start(), match.end()):
            hidden[i] = True
    chars, where = [], []
    for i, char in enumerate(source):
        if hidden[i]:
            continue
        char = char.translate(_APOSTROPHES)
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(i)
    return "".join(chars), where


def normalise_quote(quote: str) -> str:
    """A quote as ``locate`` compares it: plain apostrophes, single spaces, no marks."""
    text, _where = _visible(MARKERS_RE.sub("", quote or ""))
    return text.strip()


def locate(body: str, quote: str):
    """The ``(start, end)`` range of ``body`` (Markdown) showing ``quote`` to a reader,
    or None when the section does not show it. The first occurrence wins; the range is
    widened over adjacent marks until every emphasis and link inside it is whole."""
    wanted = normalise_quote(quote)
    if not wanted:
        return None
    visible, where = _visible(body)
    at = visible.find(wanted)
    if at < 0:
        return None
    start, end = where[at], where[at + len(wanted) - 1] + 1
    return _balanced(body, start, end)


def _marks_in(text: str) -> dict:
    counts = {}
    for match in _INLINE_MARK.finditer(text):
        mark = match.group()
        mark = "[" if mark.startswith(("[", "!")) else "]" if mark.startswith("]") else mark
        counts[mark] = counts.get(mark, 0) + 1
    return counts


def _is_balanced(text: str) -> bool:
    counts = _marks_in(text)
    if counts.get("[", 0) != counts.get("]", 0):
        return False
    return all(n % 2 == 0 for mark, n in counts.items() if mark not in "[]")


def _balanced(body, start, end):
    marks = [m.span() for m in _INLINE_MARK.finditer(body)]
    for _round in range(8):
        if _is_balanced(body[start:end]):
            return start, end
        # take in the marks touching the range on either side
        after = next((s for s in marks if s[0] == end), None)
        before = next((s for s in marks if s[1] == start), None)
        if after is None and before is None:
            break
        if after is not None:
            end = after[1]
        if before is not None and not _is_balanced(body[start:end]):
            start = before[0]
    return start, end


def replace_passage(body: str, quote: str, wording: str):
    """``(new body, start, end)``: ``body`` with the passage showing ``quote`` replaced by
    ``wording``, and where the wording now stands; None when the quote is not there."""
    found = locate(body, quote)
    if found is None:
        return None
    start, end = found
    wording = wording.strip()
    return body[:start] + wording + body[end:], start, start + len(wording)


def plain_text(markdown_text: str) -> str:
    """What a reader sees of a Markdown text, in one line (for open data and search)."""
    return _visible(markdown_text or "")[0].strip()
