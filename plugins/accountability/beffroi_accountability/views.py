"""Views of the results module: the tree of results, a result's page, the add, edit and
delete forms, milestones."""
from __future__ import annotations

from datetime import date

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from markupsafe import Markup, escape

from beffroi.api import (
    ModuleContainer, flash, forget_item_links, form_view, from_participation, index_content,
    linked_keys, module_settings, participation_label_html, unindex_content,
)
from beffroi_accountability.content import (
    EDITABLE, Result, add_milestone, add_result, ancestors_of, children_of, descendants_names,
    format_percent, money, progress_is_computed, result_progress, results_of, _children_map,
)
from beffroi_accountability.forms import MilestoneSchema, result_schema
from beffroi_accountability.settings import statuses_of

_ = TranslationStringFactory("beffroi_accountability")
TEMPLATES = "beffroi_accountability:templates/"


def status_label(request, statuses, key):
    status = statuses.get(key)
    return request.localizer.translate(status.label) if status is not None else ""


class Tree:
    """The results of a container with their progress, computed once per page."""

    def __init__(self, request, container):
        self.request = request
        self.container = container
        self.statuses = statuses_of(request, container)
        self.results = results_of(container)
        self.by_parent = _children_map(container)
        self._progress = {}

    def progress(self, result) -> float:
        if result.__name__ not in self._progress:
            self._progress[result.__name__] = result_progress(result, self.statuses,
                                                              self.by_parent)
        return self._progress[result.__name__]

    def children(self, result=None):
        """Sub-results of ``result`` (the first level when None), by start date and title."""
        found = self.by_parent.get(result.__name__ if result is not None else "", [])
        return sorted(found, key=lambda r: (r.start or date.max, r.title.lower()))

    def html(self, parent=None, depth=0, only=None) -> Markup:
        """Nested lists of results: title, label, status, progress bar, dates; with
        ``only`` (a list of results), one flat list of those."""
        children = only if only is not None else self.children(parent)
        if not children or depth > 20:
            return Markup("")
        t = self.request.localizer.translate
        items = []
        for result in children:
            percent = format_percent(self.progress(result), self.request)
            status = status_label(self.request, self.statuses, result.status)
            uid = f"progress-{escape(result.__name__)}"
            label = participation_label_html(self.request) if from_participation(result) else ""
            dates = ""
            if result.start or result.end:
                dates = Markup('<span class="muted">{}</span>').format(
                    " – ".join(d.strftime("%d/%m/%Y") if self.request.locale_name == "fr"
                               else d.isoformat() for d in (result.start, result.end) if d))
            items.append(Markup(
                '<li class="result-node"><div class="card result-card">'
                '<h{h}><a href="{url}">{title}</a></h{h}>'
                '{badges}'
                '<p><label for="{uid}">{progress_label}</label> '
                '<progress id="{uid}" max="100" value="{value}">{percent} %</progress> '
                '<span>{percent} %</span> {dates}</p></div>{sub}</li>').format(
                h=min(depth + 2, 6), url=self.request.resource_url(result), title=result.title,
                badges=Markup('<p>{}{}</p>').format(
                    Markup('<span class="badge result-status">{}</span> ').format(status)
                    if status else "", label) if status or label else "",
                uid=uid, progress_label=t(_("Progress")),
                value=format_percent(self.progress(result)), percent=percent, dates=dates,
                sub=self.html(result, depth + 1) if only is None else ""))
        return Markup('<ul class="results-tree">{}</ul>').format(Markup("").join(items))


def can_manage(request, context) -> bool:
    return bool(request.has_permission("results.manage", context))


FILTERS = ("status", "category", "territory")


def listing_filters(request, tree):
    """(choices, chosen): the values each filter offers (those the results have) and the
    ones the request picked among them."""
    choices = {
        "status": [(s.key, request.localizer.translate(s.label)) for s in tree.statuses.values()
                   if any(r.status == s.key for r in tree.results)],
        "category": [(v, v) for v in sorted({r.category for r in tree.results if r.category},
                                             key=str.lower)],
        "territory": [(v, v) for v in sorted({r.territory for r in tree.results if r.territory},
                                              key=str.lower)],
    }
    chosen = {}
    for name in FILTERS:
        value = request.params.get(name, "")
        if value and value in {k for k, _label in choices[name]}:
            chosen[name] = value
    return choices, chosen


def listing(context, request):
    tree = Tree(request, context)
    top = tree.children()
    overall = _weighted_mean([(tree.progress(r), float(r.weight or 0)) for r in top])
    choices, chosen = listing_filters(request, tree)
    if chosen:
        matching = sorted((r for r in tree.results
                           if all(getattr(r, k) == v for k, v in chosen.items())),
                          key=lambda r: r.title.lower())
        shown = tree.html(only=matching)
    else:
        matching, shown = None, tree.html()
    return {"page_title": context.title or _("Results"), "tree": shown,
            "choices": choices, "chosen": chosen,
            "matching": len(matching) if matching is not None else None,
            "count": len(tree.results), "overall": format_percent(overall, request) if top else None,
            "settings": module_settings(request, context),
            "can_manage": can_manage(request, context)}


def _weighted_mean(values) -> float:
    total = sum(w for _v, w in values)
    if total > 0:
        return sum(v * w for v, w in values) / total
    return sum(v for v, _w in values) / len(values) if values else 0.0


def result_view(context, request):
    container = context.__parent__
    tree = Tree(request, container)
    admin = can_manage(request, context)
    return {"page_title": context.title, "result": context,
            "ancestors": ancestors_of(context),
            "status": status_label(request, tree.statuses, context.status),
            "progress": format_percent(tree.progress(context), request),
            "progress_value": format_percent(tree.progress(context)),
            "computed": progress_is_computed(context, tree.by_parent),
            "children": [(c, format_percent(tree.progress(c), request))
                         for c in tree.children(context)],
            "milestones": sorted(context.milestones, key=lambda m: m.on),
            "money": money, "can_manage": admin,
            "links": _admin_links(request, context) if admin else []}


def _admin_links(request, result):
    """(key, title or key, url or None, public?) of what ``result`` came from, for the
    unlink buttons: admins see every link, even to a hidden or deleted item."""
    from beffroi.api import is_public
    out = []
    org = request.organisation
    for _side, _relation, key in linked_keys(org, result, direction="origins"):
        obj = _resolve(org, key)
        out.append((key, getattr(obj, "title", None) or key,
                    request.resource_url(obj) if obj is not None else None,
                    obj is not None and is_public(obj)))
    return out


def _resolve(org, key):
    from pyramid.traversal import find_resource
    try:
        return find_resource(org, key.split("/"))
    except (KeyError, ValueError, TypeError):
        return None


def _parents(container, result=None):
    """(name, title) of the results that may hold ``result`` (not itself nor below it)."""
    excluded = set()
    if result is not None:
        excluded = descendants_names(container, result) | {result.__name__}
    found = [r for r in results_of(container) if r.__name__ not in excluded]
    titles = {r.__name__: r.title for r in found}

    def label(r):
        chain = [a.title for a in ancestors_of(r) if a.__name__ in titles] + [r.title]
        return " › ".join(chain)
    return sorted(((r.__name__, label(r)) for r in found), key=lambda p: p[1].lower())


def _statuses(request, container):
    return [(s.key, request.localizer.translate(s.label))
            for s in statuses_of(request, container).values()]


def add_view(context, request):
    schema = result_schema(_parents(context), _statuses(request, context))

    def apply(data):
        result = add_result(context, data.pop("title"), creator=request.user.id, **data)
        return result
    parent = request.params.get("parent", "")
    appstruct = {"parent": parent} if parent in context else {}
    return form_view(request, schema, title=_("New result"), buttons=("create",),
                     appstruct=appstruct, apply=apply, message=_("The result is saved."))


def edit_view(context, request):
    container = context.__parent__
    schema = result_schema(_parents(container, context), _statuses(request, container))
    before = context.status

    def apply(data):
        context.update(**data)
        index_content(context)
        if data.get("status") != before and data.get("status"):
            _announce_progress(request, context)
        return context
    stored = {name: getattr(context, name) for name in EDITABLE}
    stored = {k: v for k, v in stored.items() if v not in (None, "")}
    return form_view(request, schema, title=_("Edit the result"), appstruct=stored,
                     apply=apply, message=_("The result is saved."))


def _announce_progress(request, result):
    from beffroi.api import publish
    publish(request, "results.updated", result)


def delete_view(context, request):
    """POST: delete the result; its sub-results move up to its parent."""
    container = context.__parent__
    for child in children_of(container, context):
        child.parent = context.parent
    forget_item_links(context)
    unindex_content(context)
    container.remove(context.__name__)
    flash(request, _("The result is deleted."))
    return HTTPFound(location=request.resource_url(container))


def milestone_view(context, request):
    def apply(data):
        add_milestone(context, data["on"], data["title"], data["description"])
        return context
    return form_view(request, MilestoneSchema(), title=_("New milestone"), buttons=("create",),
                     apply=apply, message=_("The milestone is added."))


def delete_milestone_view(context, request):
    try:
        index = int(request.POST.get("milestone", ""))
        milestone = sorted(context.milestones, key=lambda m: m.on)[index]
    except (ValueError, IndexError):
        raise HTTPNotFound()
    context.milestones.remove(milestone)
    context.touch()
    flash(request, _("The milestone is deleted."))
    return HTTPFound(location=request.resource_url(context, anchor="milestones"))


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="results", permission="view",
                    request_method="GET", renderer=TEMPLATES + "listing.pt")
    config.add_view(add_view, context=ModuleContainer, module="results", name="add",
                    permission="results.manage", request_method=("GET", "POST"),
                    renderer=TEMPLATES + "form.pt")
    config.add_view(result_view, context=Result, permission="view", request_method="GET",
                    renderer=TEMPLATES + "result.pt")
    config.add_view(edit_view, context=Result, name="edit", permission="results.manage",
                    request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    config.add_view(delete_view, context=Result, name="delete", permission="results.manage",
                    request_method="POST")
    config.add_view(milestone_view, context=Result, name="milestone",
                    permission="results.manage", request_method=("GET", "POST"),
                    renderer=TEMPLATES + "form.pt")
    config.add_view(delete_milestone_view, context=Result, name="delete-milestone",
                    permission="results.manage", request_method="POST")
    config.include("beffroi_accountability.views_links")
    config.include("beffroi_accountability.importing")
    config.include("beffroi_accountability.dashboard")
