"""The public dashboard of a space's results: progress and budget per category and per
territory, as a table and as an SVG bar chart whose text alternative gives every figure
(WCAG 2.1, 1.1.1 non-text content; the table is the long description)."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from pyramid.i18n import TranslationStringFactory

from beffroi_accountability.content import format_percent, money
from beffroi_accountability.views import Tree, _weighted_mean

_ = TranslationStringFactory("beffroi_accountability")
BAR_HEIGHT = 28
LABEL_WIDTH = 220
CHART_WIDTH = 640


class Group(NamedTuple):
    """One line of the dashboard: ``progress`` is the weighted mean of the progress of
    the group's results (each result counted once, with its own progress)."""
    name: str
    count: int
    done: int
    progress: float
    planned: Decimal
    spent: Decimal


def figures(tree, attribute) -> list[Group]:
    """Groups of ``tree``'s results by ``attribute`` (``"category"`` or ``"territory"``),
    biggest first; results without a value form the group ``""``."""
    groups = {}
    for result in tree.results:
        groups.setdefault((getattr(result, attribute, "") or "").strip(), []).append(result)
    out = []
    for name, results in groups.items():
        progress = [tree.progress(r) for r in results]
        out.append(Group(
            name, len(results), sum(1 for p in progress if p >= 100),
            _weighted_mean([(p, float(r.weight or 0)) for p, r in zip(progress, results)]),
            sum((Decimal(r.budget_planned) for r in results if r.budget_planned is not None),
                Decimal(0)),
            sum((Decimal(r.budget_spent) for r in results if r.budget_spent is not None),
                Decimal(0))))
    return sorted(out, key=lambda g: (g.name == "", -g.count, g.name.lower()))


class Bar(NamedTuple):
    label: str
    percent: str
    y: int
    width: float
    text_x: float


def bars(groups, unnamed, request=None) -> list[Bar]:
    """Geometry of the chart: one bar per group, its length the progress."""
    scale = (CHART_WIDTH - LABEL_WIDTH - 60) / 100
    out = []
    for i, group in enumerate(groups):
        width = round(group.progress * scale, 1)
        out.append(Bar(group.name or unnamed, format_percent(group.progress, request),
                       i * (BAR_HEIGHT + 8), width, LABEL_WIDTH + width + 6))
    return out


def dashboard_view(context, request):
    tree = Tree(request, context)
    t = request.localizer.translate
    top = tree.children()
    sections = []
    for attribute, title, unnamed in (
            ("category", _("Progress per category"), _("Without category")),
            ("territory", _("Progress per territory"), _("Without territory"))):
        groups = figures(tree, attribute)
        if not groups:
            continue
        chart = bars(groups, t(unnamed), request)
        sections.append({
            "id": attribute, "title": title, "groups": groups, "unnamed": unnamed,
            "bars": chart, "height": len(chart) * (BAR_HEIGHT + 8),
            "alt": "; ".join(f"{b.label}: {b.percent} %" for b in chart)})
    return {"page_title": _("Dashboard of the results"), "sections": sections,
            "count": len(tree.results),
            "done": sum(1 for r in tree.results if tree.progress(r) >= 100),
            "overall": format_percent(_weighted_mean(
                [(tree.progress(r), float(r.weight or 0)) for r in top]), request) if top else None,
            "percent": lambda value: format_percent(value, request), "money": money, "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT, "chart_width": CHART_WIDTH}


def includeme(config):
    from beffroi.api import ModuleContainer
    config.add_view(dashboard_view, context=ModuleContainer, module="results", name="dashboard",
                    permission="view", request_method="GET",
                    renderer="beffroi_accountability:templates/dashboard.pt")
