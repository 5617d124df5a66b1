"""Word-level differences between two versions of a text, section by section.

Accessible without colour: added words are in ``<ins>``, removed ones in ``<del>``,
each run starting with visually hidden text ("added:", "removed:") for screen readers,
and the stylesheet underlines insertions and strikes deletions (WCAG 2.1 SC 1.4.1,
use of colour). Words are runs of non-space characters; spaces are kept as they are,
so line breaks of the Markdown stay visible (``white-space: pre-wrap``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

TOKEN_RE = re.compile(r"\s+|\S+")


def tokens(text: str) -> list[str]:
    """Words and the white space between them, in order."""
    return TOKEN_RE.findall(text or "")


@dataclass(frozen=True)
class SectionDiff:
    """One section compared: ``status`` is ``same``, ``changed``, ``added`` or
    ``removed``; ``title`` the heading in the newer version (older one if removed);
    ``html`` the marked-up words; ``added``/``removed`` how many words."""
    key: str
    title: str
    status: str
    html: Markup
    added: int
    removed: int


def word_diff(old: str, new: str, added_label: str, removed_label: str):
    """``(Markup, words added, words removed)`` of ``old`` → ``new``. The labels are
    the translated hidden texts ("added:", "removed:")."""
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    out, added, removed = [], 0, 0
    ins_open = Markup('<ins><span class="visually-hidden">{} </span>').format(added_label)
    del_open = Markup('<del><span class="visually-hidden">{} </span>').format(removed_label)
    for op, gone, came in _grouped(matcher.get_opcodes(), a, b):
        if op == "equal":
            out.append(escape("".join(gone)))
            continue
        if gone:
            removed += sum(1 for t in gone if not t.isspace())
            out.append(del_open + escape("".join(gone)) + Markup("</del>"))
        if came:
            added += sum(1 for t in came if not t.isspace())
            out.append(ins_open + escape("".join(came)) + Markup("</ins>"))
    return Markup("").join(out), added, removed


def _grouped(opcodes, a, b):
    """``(op, old tokens, new tokens)`` with changes separated only by white space joined
    into one: "Le centre-ville est" → "Un tout autre" reads as one removal and one
    addition, not three interleaved pairs."""
    chunks = [(op, a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in opcodes]
    out = []
    for i, (op, gone, came) in enumerate(chunks):
        between = (op == "equal" and all(t.isspace() for t in gone) and 0 < i < len(chunks) - 1
                   and out and out[-1][0] != "equal" and chunks[i + 1][0] != "equal")
        if op != "equal" or between:
            if out and out[-1][0] != "equal":
                _op, old, new = out.pop()
                out.append(("replace", old + list(gone), new + list(came)))
            else:
                out.append(("replace", list(gone), list(came)))
        else:
            out.append((op, list(gone), list(came)))
    return out


def compare_sections(old_sections, new_sections, added_label, removed_label):
    """``[SectionDiff]`` in the order of the newer version, removed sections where they
    stood. Sections pair by key; a section whose heading changed pairs with the one at
    its place (it shows as changed, heading included)."""
    old_keys = [s.key for s in old_sections]
    new_keys = [s.key for s in new_sections]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    out = []

    def changed(old, new):
        html, plus, minus = word_diff(old.source(), new.source(), added_label, removed_label)
        status = "same" if not plus and not minus else "changed"
        return SectionDiff(new.key, new.title, status, html, plus, minus)

    def only(section, status):
        label = added_label if status == "added" else removed_label
        html, plus, minus = word_diff("" if status == "added" else section.source(),
                                      section.source() if status == "added" else "",
                                      label if status == "added" else added_label,
                                      label if status == "removed" else removed_label)
        return SectionDiff(section.key, section.title, status, html, plus, minus)

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(changed(old_sections[i], new_sections[j])
                       for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        olds, news = list(old_sections[i1:i2]), list(new_sections[j1:j2])
        paired = min(len(olds), len(news)) if op == "replace" else 0
        out.extend(changed(o, n) for o, n in zip(olds[:paired], news[:paired]))
        out.extend(only(o, "removed") for o in olds[paired:])
        out.extend(only(n, "added") for n in news[paired:])
    return out
