"""Results follow-up (accountability): a tree of results per space with statuses,
progress (typed or computed from sub-results), milestones and budget figures, linked to
the proposals, budget projects and meetings they came from through the core's links
(``beffroi.api.link_items``), so that those carry the « issu de la participation »
label. CSV import, a public dashboard per space, open data. Built only on the public
plugin contract; the module is called ``results`` (its pages are at
``<space>/results/``).
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, NotificationInfo, PermissionInfo, hookimpl
from beffroi.api import ApiInfo
from beffroi.api import containers_of, from_participation, index_content, item_key, linked_items
from beffroi_accountability.content import Result, result_progress, result_text, results_of
from beffroi_accountability.settings import ResultsSettings, statuses_from

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_accountability")

OPEN_DATA_COLUMNS = ("id", "reference", "title", "description", "parent_reference", "status",
                     "progress", "progress_computed", "weight", "start", "end", "category",
                     "territory", "budget_planned", "budget_spent", "linked_items",
                     "from_participation")


def _rows(container, statuses):
    """Results as open data: no personal data (who typed them is not said); the items
    they came from as paths of public items."""
    from beffroi_accountability.importing import reference_of
    results = results_of(container)
    by_name = {r.__name__: r for r in results}
    rows = []
    for r in sorted(results, key=lambda r: (r.parent or "", r.title.lower())):
        status = statuses.get(r.status)
        origins = [item_key(o) for o in linked_items(r, direction="origins")]
        parent = by_name.get(r.parent)
        rows.append({
            "id": r.__name__, "reference": reference_of(r), "title": r.title,
            "description": r.description,
            "parent_reference": reference_of(parent) if parent is not None else "",
            "status": status.label if status is not None else "",
            "progress": "" if r.progress is None else str(r.progress),
            "progress_computed": round(result_progress(r, statuses), 1),
            "weight": str(r.weight), "start": r.start.isoformat() if r.start else "",
            "end": r.end.isoformat() if r.end else "", "category": r.category,
            "territory": r.territory,
            "budget_planned": "" if r.budget_planned is None else str(r.budget_planned),
            "budget_spent": "" if r.budget_spent is None else str(r.budget_spent),
            "linked_items": " ".join(origins),
            "from_participation": from_participation(r)})
    return rows


_TEXT = {"type": "string"}
_NULLABLE_NUMBER = {"type": ["number", "null"]}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
API_ROW_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "title", "description", "parent", "status", "progress", "start",
                 "end", "category", "territory", "budget_planned", "budget_spent",
                 "origins", "from_participation", "url"],
    "properties": {
        "id": _TEXT, "title": _TEXT, "description": _TEXT,
        "parent": {"type": ["string", "null"]}, "status": _TEXT,
        "progress": {"type": "number", "minimum": 0, "maximum": 100},
        "start": _NULLABLE_DATE, "end": _NULLABLE_DATE, "category": _TEXT, "territory": _TEXT,
        "budget_planned": _NULLABLE_NUMBER, "budget_spent": _NULLABLE_NUMBER,
        "origins": {"type": "array", "items": _TEXT},
        "from_participation": {"type": "boolean"}, "url": _TEXT,
    },
}


def _api_row(request, result):
    """A result in the JSON API: what its page shows, with the paths of the public items
    it came from (« issu de la participation »)."""
    if not isinstance(result, Result):
        return None
    from beffroi_accountability.settings import statuses_of
    statuses = statuses_of(request, result.__parent__)
    status = statuses.get(result.status)
    number = lambda value: None if value is None else float(value)  # noqa: E731
    return {"id": result.__name__, "title": result.title, "description": result.description or "",
            "parent": result.parent or None,
            "status": str(request.localizer.translate(status.label)) if status is not None else "",
            "progress": round(float(result_progress(result, statuses)), 1),
            "start": result.start.isoformat() if result.start else None,
            "end": result.end.isoformat() if result.end else None,
            "category": result.category or "", "territory": result.territory or "",
            "budget_planned": number(result.budget_planned),
            "budget_spent": number(result.budget_spent),
            "origins": [item_key(o) for o in linked_items(result, direction="origins",
                                                            request=request)],
            "from_participation": from_participation(result),
            "url": request.resource_url(result)}


def _open_data_fields():
    """What each column of the results' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "id": FieldDoc("text", _("Identifier of the result in its space, as in its address")),
        "reference": FieldDoc("text", _("Reference of the result (for imports and links)")),
        "title": FieldDoc("text", _("Title of the result")),
        "description": FieldDoc("text", _("Description of the result")),
        "parent_reference": FieldDoc("text", _("Reference of the result it belongs to (empty: none)")),
        "status": FieldDoc("text", _("Status of the result (planned, in progress, done …)")),
        "progress": FieldDoc("decimal", _("Progress entered for the result (empty: computed)"), _("percent")),
        "progress_computed": FieldDoc("decimal", _("Progress shown: entered, or computed from its status or its sub-results"), _("percent")),
        "weight": FieldDoc("decimal", _("Weight of the result in its parent's progress")),
        "start": FieldDoc("date", _("Start date (empty: none)")),
        "end": FieldDoc("date", _("End date (empty: none)")),
        "category": FieldDoc("text", _("Category of the result")),
        "territory": FieldDoc("text", _("Territory the result concerns")),
        "budget_planned": FieldDoc("decimal", _("Budget planned (empty: not given)"), _("euros")),
        "budget_spent": FieldDoc("decimal", _("Budget spent so far (empty: not given)"), _("euros")),
        "linked_items": FieldDoc("list", _("Public items the result comes from (proposals, projects …), separated by spaces")),
        "from_participation": FieldDoc("boolean", _("Comes from the participation (linked to a participant's contribution)")),
    }


def _open_data(request, container):
    from beffroi_accountability.settings import statuses_of
    return _rows(container, statuses_of(request, container))


def _organisation_export(container):
    settings = dict(getattr(container, "settings", {}) or {})
    return [{k: (str(v) if not isinstance(v, (str, int, float, bool)) else v)
             for k, v in row.items()} for row in _rows(container, statuses_from(settings))]


def _demo_content(container):
    from beffroi_accountability.demo import fill
    fill(container)


def _reindex(app_root):
    """Index every result (the text index ``results.text``)."""
    for container in containers_of(app_root, "results"):
        for result in results_of(container):
            index_content(result)


@hookimpl
def register_modules():
    return [ModuleInfo(
        api=ApiInfo(row=_api_row, schema=API_ROW_SCHEMA),
        name="results",
        title=_("Results follow-up"),
        description=_("What became of participation: results with their progress, "
                      "milestones and budget, linked to the proposals, projects and "
                      "meetings they came from."),
        icon="📈",
        permissions=(
            PermissionInfo("results.manage", _("Manage the results, import them and link them "
                                               "to where they came from"), ("admin",)),
        ),
        settings_schema=ResultsSettings,
        indexes=(IndexInfo("results.text", "text", result_text),),
        evolve_steps=(EvolveStep("results.0001_reindex_results", _reindex,
                                 "index every result"),),
        open_data=_open_data,
        open_data_columns=OPEN_DATA_COLUMNS,
        open_data_fields=_open_data_fields(),
        search=("title", "description"),
        organisation_export=_organisation_export,
        demo_content=_demo_content,
    )]


@hookimpl
def register_notifications():
    return [NotificationInfo("results.linked", _("Something you follow led to a result")),
            NotificationInfo("results.updated", _("A result changed status"))]


@hookimpl
def on_configure(config):
    config.include("beffroi_accountability.views")
