"""Accessible bar charts in SVG, drawn on the server (no script, no external library).

A chart is an image with a text alternative (WCAG 1.1.1): ``role="img"`` and a
``<title>`` naming what it shows; the figures themselves are always given in a table
next to it (the chart repeats them for sighted readers, it is never the only source).
Bars carry their value as text as well, so colour is never the only carrier of
meaning (WCAG 1.4.1).
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 70


def bar_chart(rows, title, max_rows=30) -> Markup:
    """A horizontal bar chart of ``rows`` (``(label, number)`` pairs, numbers ≥ 0) as an
    inline ``<svg>`` element whose text alternative is ``title`` (already translated).

    Shows at most ``max_rows`` rows (the first ones); labels longer than 32 characters
    are shortened with "…" (the full label stays in the table beside the chart).
    Returns ``Markup`` (every label escaped)."""
    rows = [(str(label), max(0, number or 0)) for label, number in rows][:max_rows]
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    top = max((number for _label, number in rows), default=0) or 1
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
             f"<title>{escape(title)}</title>"]
    for index, (label, number) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        short = label if len(label) <= 32 else label[:31] + "…"
        length = round(BAR_WIDTH * number / top)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
            f'class="chart-label">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" '
            f'class="chart-bar"></rect>'
            f'<text x="{LABEL_WIDTH + max(length, 1) + 6}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
            f'class="chart-value">{number}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
