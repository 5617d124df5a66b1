"""A search of one organisation for one person: criteria in, a page of results out.

What the person may see is decided in two steps. On the whole set, cheaply, from the
index: documents of spaces they may not view (unpublished, private without being a
member) or of modules disabled there are taken away, and hidden or unpublished content
is kept only in the spaces they moderate (organisation admins see it all). Then each of
the few results shown is checked again against the live object (``view`` permission
and ``beffroi.visibility``), so an index behind the database never shows too much.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from BTrees.LLBTree import LLBucket, intersection

from beffroi.i18n import _
from beffroi.services.search.queue import search_index_of
from beffroi.services.search.sources import describe, find_path, item_state
from beffroi.services.search.text import excerpt, highlight, query_words

PAGE_SIZE = 10
QUERY_MAX = 200
TYPES = {"content": _("Contributions and pages"), "comment": _("Comments"),
         "space": _("Spaces")}
SORTS = {"relevance": _("Relevance"), "newest": _("Newest first")}


@dataclass
class Criteria:
    """What the person asked (as typed, for the form) and the errors found in it."""
    q: str = ""
    space: str = ""
    module: str = ""
    type: str = ""
    start: str = ""            # YYYY-MM-DD as typed
    end: str = ""
    sort: str = "relevance"
    page: int = 1
    errors: dict = field(default_factory=dict)

    @property
    def first_day(self):
        return _day(self.start)

    @property
    def last_day(self):
        return _day(self.end)


def _day(text):
    try:
        return date.fromisoformat(text).toordinal() if text else None
    except ValueError:
        return None


def read_criteria(params, spaces, modules) -> Criteria:
    """Criteria from the query string; an unknown filter value or a bad date is an
    error with a message, the typed value kept for the form."""
    def get(name):
        value = params.get(name, "")
        return value.strip() if isinstance(value, str) else ""
    c = Criteria(q=get("q")[:QUERY_MAX * 2], space=get("space"), module=get("module"),
                 type=get("type"), start=get("from"), end=get("to"),
                 sort=get("sort") or "relevance")
    try:
        c.page = max(1, min(int(get("page") or 1), 10_000))
    except ValueError:
        c.page = 1
    if len(c.q) > QUERY_MAX:
        c.errors["q"] = _("Type at most ${max} characters.", mapping={"max": QUERY_MAX})
    if c.space and c.space not in spaces:
        c.errors["space"] = _("Choose a space from the list.")
    if c.module and c.module not in modules:
        c.errors["module"] = _("Choose a module from the list.")
    if c.type and c.type not in TYPES:
        c.errors["type"] = _("Choose a type from the list.")
    if c.sort not in SORTS:
        c.errors["sort"] = _("Choose an order from the list.")
    for name, text in (("from", c.start), ("to", c.end)):
        if text and _day(text) is None:
            c.errors[name] = _("Type a date as YYYY-MM-DD, for example 2026-03-21.")
    if not c.errors and c.first_day and c.last_day and c.first_day > c.last_day:
        c.errors["to"] = _("The end date comes before the start date.")
    return c


@dataclass
class Hit:
    kind: str
    label: object              # a translation string or text
    title: object              # Markup (escaped, words of the query marked)
    url: str
    excerpt: object            # Markup
    space_title: str
    date: object


@dataclass
class Results:
    total: int
    hits: list
    pages: int
    searched: bool             # False when there was nothing to search for


def access(request, organisation, index):
    """``(blocked sets, moderated space slugs, everything)`` for the person of ``request``."""
    from beffroi.security import module_available
    if request.user is not None and request.has_permission("org.admin", organisation):
        return [], [], True
    blocked, moderated = [], []
    for slug, space in organisation.spaces.items():
        if not request.has_permission("view", space):
            blocked.append(index.space_set(slug))
            continue
        if request.user is not None and request.has_permission("space.moderate", space):
            moderated.append(slug)
        for container in space.modules.values():
            if container.enabled and module_available(request, container):
                continue
            if not request.has_permission("view", container):
                inside, of_module = index.space_set(slug), index.module_set(container.module_name)
                if inside is not None and of_module is not None:
                    blocked.append(intersection(inside, of_module))
    return blocked, moderated, False


def run(request, criteria: Criteria) -> Results:
    """The page of results of ``criteria`` for the person of ``request``."""
    organisation = request.organisation
    index = search_index_of(organisation)
    words = query_words(criteria.q)
    if criteria.errors or not words or index is None:
        return Results(0, [], 0, bool(words) and not criteria.errors)
    found = index.match(words)
    filters = []
    if criteria.space:
        filters.append(index.space_set(criteria.space))
    if criteria.module:
        filters.append(index.module_set(criteria.module))
    if criteria.type:
        filters.append(index.kind_set(criteria.type))
    if criteria.first_day or criteria.last_day:
        filters.append(index.days_between(criteria.first_day, criteria.last_day))
    found = index.restrict(found, filters) if filters else found
    blocked, moderated, everything = access(request, organisation, index)
    found = index.visible(found, blocked, moderated, everything)
    total = len(found)
    pages = max(1, -(-total // PAGE_SIZE))
    start = (min(criteria.page, pages) - 1) * PAGE_SIZE
    docids = index.ranked(found if total else LLBucket(), start, PAGE_SIZE,
                          newest=criteria.sort == "newest")
    wanted = frozenset().union(*words)
    hits = [hit for hit in (_hit(request, organisation, index.record(d), wanted) for d in docids)
            if hit is not None]
    return Results(total, hits, pages, True)


def _hit(request, organisation, record, wanted):
    from beffroi.visibility import is_public_to
    if record is None:
        return None
    obj = find_path(organisation, record[0])
    if obj is None or not request.has_permission("view", obj) or not is_public_to(request, obj):
        return None
    entry = describe(obj)
    if entry is None or entry.state is None:
        return None
    if item_state(obj) != "readable" and not _moderates(request, obj):
        return None             # withdrawn since it was indexed, say
    doc = entry.doc
    space = _space_of(obj)
    space_title = space.title if space is not None and space is not obj else ""
    if entry.kind == "comment":
        commented = obj.commented
        name = getattr(commented, "title", "") or ""
        title = _("Comment on “${title}”", mapping={"title": name})
        return Hit("comment", _("Comment"), request.localizer.translate(title),
                   request.resource_url(commented) + f"#comment-{obj.__name__}",
                   excerpt(doc.text, wanted), space_title, doc.date)
    if entry.kind == "space":
        info = request.registry.beffroi.space_types.get(obj.space_type)
        return Hit("space", info.title if info else _("Space"), highlight(doc.title, wanted),
                   request.resource_url(obj), excerpt(doc.text, wanted), "", doc.date)
    info = request.registry.beffroi.modules.get(entry.module)
    label = doc.label or (info.title if info else entry.module)
    return Hit("content", label, highlight(doc.title, wanted), request.resource_url(obj),
               excerpt(doc.text, wanted), space_title, doc.date)


def _space_of(obj):
    from pyramid.traversal import find_interface

    from beffroi.resources.space import Space
    return find_interface(obj, Space)


def _moderates(request, obj):
    return bool(request.has_permission("space.moderate", obj))
