"""Results of a space: a tree (a result names its parent), statuses, progress set by
hand or computed from children, milestones with dates and budget figures.

Results live flat in the module's container (``<space>/results/<name>``), each naming
its parent result by ``parent`` (a name in the same container, or ``""`` at the top):
moving a result in the tree changes one attribute and no path, so its links (kept by
path in ``beffroi.services.links``) stay valid. A space holds tens to hundreds of
results: the tree is built in memory from ``container.values()`` once per page.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from persistent import Persistent
from persistent.list import PersistentList
from pyramid.i18n import TranslationStringFactory

from beffroi.api import Content, index_content, now, sanitise_html, slugify

_ = TranslationStringFactory("beffroi_accountability")
TITLE_MAX = 200
TEXT_MAX = 20_000
TAG_RE = re.compile(r"<[^>]+>")


class Milestone(Persistent):
    """A dated step of a result's timeline (``on`` a ``date``)."""

    def __init__(self, on: date, title: str, description: str = ""):
        self.on = on
        self.title = title
        self.description = description
        self.created = now()


class Result(Content):
    """One result. ``progress`` is the percentage typed by hand (0–100, or None);
    ``weight`` counts in the parent's weighted mean; budget figures are ``Decimal``
    euros (or None); ``reference`` is the identifier a CSV import matches."""

    title = ""
    description = ""
    parent = ""
    status = ""
    progress = None
    weight = 1
    start = None
    end = None
    category = ""
    territory = ""
    budget_planned = None
    budget_spent = None
    reference = ""

    def __init__(self, title, creator=None, **fields):
        super().__init__(creator)
        self.title = title
        self.milestones = PersistentList()
        self.update(**fields)

    def update(self, **fields):
        """Set the fields given (unknown names raise ``TypeError``)."""
        for name, value in fields.items():
            if name not in EDITABLE:
                raise TypeError(f"a result has no field {name!r}")
            if name == "description":
                value = sanitise_html(value or "")
            setattr(self, name, value)
        self.touch()

    def link_summary(self, request):
        """What another module's page says of this result in its ``item_links`` block."""
        from beffroi_accountability.settings import statuses_of
        statuses = statuses_of(request, self.__parent__)
        return _("Progress: ${n} %", mapping={"n": format_percent(result_progress(self, statuses), request)})


EDITABLE = ("title", "description", "parent", "status", "progress", "weight", "start", "end",
            "category", "territory", "budget_planned", "budget_spent", "reference")


def format_percent(value, request=None) -> str:
    """``42`` for 42.0, ``33.3`` for 33.333… (``33,3`` for a French reader of ``request``;
    without a request, the machine form that ``<progress value>`` needs)."""
    value = round(float(value), 1)
    text = str(int(value)) if value == int(value) else str(value)
    if request is not None and getattr(request, "locale_name", "en") == "fr":
        text = text.replace(".", ",")
    return text


def result_text(obj):
    """What the full-text index ``results.text`` reads (None leaves the object out)."""
    if not isinstance(obj, Result):
        return None
    return TAG_RE.sub(" ", f"{obj.title} {obj.description} {obj.category} {obj.territory}")


def results_of(container) -> list:
    return [r for r in container.values() if isinstance(r, Result)]


def children_of(container, result=None, results=None) -> list:
    """Results whose parent is ``result`` (the top level when None), by title."""
    name = result.__name__ if result is not None else ""
    found = [r for r in (results if results is not None else results_of(container))
             if (r.parent or "") == name]
    return sorted(found, key=lambda r: (r.start or date.max, r.title.lower()))


def _children_map(container):
    by_parent = {}
    for r in results_of(container):
        by_parent.setdefault(r.parent or "", []).append(r)
    return by_parent


def result_progress(result, statuses=None, by_parent=None, _seen=None) -> float:
    """The progress of ``result`` in percent (0–100):

    - with children: the mean of their progress weighted by their ``weight``
      (children of weight 0 do not count; all weights 0: the plain mean);
    - else the progress typed by hand, when there is one;
    - else the default progress of its status (``statuses``: key → ``Status``);
    - else 0.
    A loop in the tree (never made by the forms) is cut rather than followed."""
    container = result.__parent__
    if by_parent is None:
        by_parent = _children_map(container) if container is not None else {}
    seen = (_seen or set()) | {result.__name__}
    children = [c for c in by_parent.get(result.__name__, ()) if c.__name__ not in seen]
    if children:
        values = [(result_progress(c, statuses, by_parent, seen), float(c.weight or 0))
                  for c in children]
        total = sum(w for _v, w in values)
        if total > 0:
            return sum(v * w for v, w in values) / total
        return sum(v for v, _w in values) / len(values)
    if result.progress is not None:
        return float(result.progress)
    status = (statuses or {}).get(result.status)
    if status is not None and status.progress is not None:
        return float(status.progress)
    return 0.0


def progress_is_computed(result, by_parent=None) -> bool:
    """Is the progress of ``result`` computed from its children?"""
    if by_parent is None:
        by_parent = _children_map(result.__parent__)
    return bool(by_parent.get(result.__name__))


def ancestors_of(result) -> list:
    """The parents of ``result``, nearest last (a loop is cut)."""
    container, out, seen = result.__parent__, [], {result.__name__}
    name = result.parent
    while name and name not in seen:
        seen.add(name)
        parent = container.get(name)
        if not isinstance(parent, Result):
            break
        out.append(parent)
        name = parent.parent
    return list(reversed(out))


def descendants_names(container, result) -> set:
    """Names of every result under ``result`` (to refuse a parent that makes a loop)."""
    by_parent = _children_map(container)
    out, stack = set(), [result.__name__]
    while stack:
        for child in by_parent.get(stack.pop(), ()):
            if child.__name__ not in out:
                out.add(child.__name__)
                stack.append(child.__name__)
    return out


def add_result(container, title, creator=None, **fields) -> Result:
    """Create a result in ``container`` under a name made from its title, and index it."""
    result = Result(title, creator, **fields)
    container.add(container.unique_name(slugify(title) or "result"), result)
    index_content(result)
    return result


def add_milestone(result, on, title, description="") -> Milestone:
    milestone = Milestone(on, title, description)
    result.milestones.append(milestone)
    result.milestones.sort(key=lambda m: m.on)
    result.touch()
    return milestone


def money(value):
    """``Decimal`` euros as ``1 234,50`` style text without a currency; "" for None."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    whole, _sep, cents = f"{value:,.2f}".partition(".")
    whole = whole.replace(",", "\u202f")
    return whole if cents == "00" else f"{whole},{cents}"
