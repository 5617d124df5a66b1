"""CSV import of results: every row is checked first, and the file is written only when
all rows are right (all or nothing); otherwise the page lists each bad line with what
to fix and nothing is stored.

Columns (the header line names them, in any order; ``title`` is required; the open-data
export ``export.csv`` has the same columns, so an export can be edited and imported
back): ``reference`` (your identifier: a row whose reference matches a result updates
it), ``title``, ``description``, ``parent_reference``, ``status`` (a status's label or
key), ``progress`` (0–100), ``weight``, ``start`` and ``end`` (2027-03-31 or 31/03/2027),
``category``, ``territory``, ``budget_planned``, ``budget_spent`` (euros, ``12500.50`` or
``12 500,50``), ``linked_items`` (addresses or paths of items the result came from,
separated by spaces). Comma, semicolon or tab separated; UTF-8 (with or without a BOM)
or Windows-1252.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    UploadError, flash, has_control_characters, index_content, is_public, link_items, make_form,
    publish, read_upload, slugify, upload_node, validate,
)
from beffroi_accountability.content import TITLE_MAX, TEXT_MAX, Result, add_result, results_of
from beffroi_accountability.forms import MONEY_MAX
from beffroi_accountability.settings import statuses_of

_ = TranslationStringFactory("beffroi_accountability")
COLUMNS = ("reference", "title", "description", "parent_reference", "status", "progress",
           "weight", "start", "end", "category", "territory", "budget_planned", "budget_spent",
           "linked_items")
#: columns of the open-data export that an import reads past (computed, not typed)
EXPORT_ONLY = ("id", "progress_computed", "from_participation")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_GUARD = ("'=", "'+", "'-", "'@")


class RowError(Exception):
    def __init__(self, message):
        self.message = message


class ImportSchema(colander.MappingSchema):
    pass


def import_schema():
    schema = ImportSchema()
    schema.add(upload_node("file", _("CSV file"), accept=".csv,text/csv",
                           description=_("At most 2 MB and 5,000 rows."),
                           missing=colander.required))
    return schema


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _cell(value):
    value = (value or "").strip()
    # our own export guards formulas with an apostrophe: an export imported back is unchanged
    return value[1:] if value.startswith(FORMULA_GUARD) else value


def _decimal(text, low, high, message):
    if not text:
        return None
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(message)
    if not value.is_finite() or not low <= value <= high:
        raise RowError(message)
    return value


def _date(text, column):
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(_("the ${column} “${value}” is not a date: write 2027-03-31 or 31/03/2027",
                     mapping={"column": column, "value": text}))


def parse(request, container, text):
    """``(rows, errors)``: rows are dicts of checked values with ``line`` (the line of
    the file); errors are ``(line, message)``. Nothing is written."""
    statuses = statuses_of(request, container)
    by_label = {request.localizer.translate(s.label).strip().lower(): s.key
                for s in statuses.values()}
    by_label.update({k: k for k in statuses})
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        return [], [(1, _("The file is empty."))]
    unknown = [h for h in header if h and h not in COLUMNS + EXPORT_ONLY]
    if unknown or "title" not in header:
        return [], [(1, _("The first line must name the columns; “title” is required and the "
                          "columns are: ${columns}. Unknown: ${unknown}.",
                          mapping={"columns": ", ".join(COLUMNS),
                                   "unknown": ", ".join(unknown) or "—"}))]
    rows, errors = [], []
    existing = existing_references(container)
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append((line, _("Too many rows: at most 5,000 per file.")))
            break
        raw = {h: _cell(v) for h, v in zip(header, values) if h in COLUMNS}
        try:
            rows.append(_check_row(request, raw, by_label, line))
        except RowError as error:
            errors.append((line, error.message))
    # references: unique in the file, parents known, no loop
    references = {}
    for row in rows:
        ref = row["reference"]
        if ref and ref in references:
            errors.append((row["line"], _("the reference “${ref}” is also on line ${other}",
                                          mapping={"ref": ref, "other": references[ref]})))
        elif ref:
            references[ref] = row["line"]
    # the tree after the import: stored results' parents, changed by the file's rows
    parents = {ref: _reference_of(container, r.parent) for ref, r in existing.items()}
    parents.update({row["reference"]: row["parent_reference"] for row in rows if row["reference"]})
    for row in rows:
        parent = row["parent_reference"]
        if not parent:
            continue
        if parent not in references and parent not in existing:
            errors.append((row["line"], _("no result has the parent reference “${ref}”",
                                          mapping={"ref": parent})))
            continue
        seen, current = {row["reference"]} if row["reference"] else set(), parent
        while current:
            if current in seen:
                errors.append((row["line"], _("the parent references make a loop")))
                break
            seen.add(current)
            current = parents.get(current)
    return rows, sorted(errors, key=lambda e: e[0] or 0)


def _reference_of(container, name):
    result = container.get(name) if name else None
    return reference_of(result) if isinstance(result, Result) else None


def reference_of(result) -> str:
    """The reference of ``result`` in CSV files: its own, or its name when it has none."""
    return result.reference or result.__name__


def existing_references(container) -> dict:
    """``{reference: result}``: a row matches a result by its reference, or by its name
    when it has none (what the export writes)."""
    found = {}
    for result in results_of(container):
        found.setdefault(reference_of(result), result)
    return found


def _check_row(request, raw, by_label, line):
    for column, value in raw.items():
        if has_control_characters(value):
            raise RowError(_("the ${column} holds control characters", mapping={"column": column}))
    title = raw.get("title", "")
    if not 3 <= len(title) <= TITLE_MAX:
        raise RowError(_("the title must have 3 to ${max} characters", mapping={"max": TITLE_MAX}))
    if len(raw.get("description", "")) > TEXT_MAX:
        raise RowError(_("the description is too long"))
    for column in ("reference", "parent_reference", "category", "territory"):
        if len(raw.get(column, "")) > 100:
            raise RowError(_("the ${column} is too long (100 characters at most)",
                             mapping={"column": column}))
    status = raw.get("status", "")
    if status:
        key = by_label.get(status.lower()) or by_label.get(slugify(status))
        if key is None:
            raise RowError(_("the status “${value}” is not one of this space's statuses",
                             mapping={"value": status}))
        status = key
    progress = _decimal(raw.get("progress", "").rstrip("%").strip(), 0, 100,
                        _("the progress must be a number from 0 to 100"))
    weight = _decimal(raw.get("weight", ""), 0, 1000, _("the weight must be a number from 0 to 1000"))
    start, end = _date(raw.get("start", ""), "start"), _date(raw.get("end", ""), "end")
    if start and end and end < start:
        raise RowError(_("the end comes before the start"))
    planned = _decimal(raw.get("budget_planned", ""), 0, MONEY_MAX,
                       _("the planned budget must be an amount of 0 or more"))
    spent = _decimal(raw.get("budget_spent", ""), 0, MONEY_MAX,
                     _("the budget spent must be an amount of 0 or more"))
    return {"line": line, "reference": raw.get("reference", ""), "title": title,
            "description": raw.get("description", ""),
            "parent_reference": raw.get("parent_reference", ""), "status": status,
            "progress": progress, "weight": weight if weight is not None else Decimal(1),
            "start": start, "end": end, "category": raw.get("category", ""),
            "territory": raw.get("territory", ""), "budget_planned": planned,
            "budget_spent": spent, "linked_items": raw.get("linked_items", "").split()}


def resolve_links(request, container, rows):
    """``(items per row line, errors)``: the objects of every ``linked_items`` cell."""
    from beffroi_accountability.views_links import _at, path_of_address
    found, errors = {}, []
    for row in rows:
        objects = []
        for address in row["linked_items"]:
            path = path_of_address(request, address)
            obj = _at(request.organisation, path) if path is not None else None
            if obj is None or isinstance(obj, Result) or not getattr(obj, "title", "") \
                    or not request.has_permission("view", obj):
                errors.append((row["line"], _("no item to link at “${path}” (items of this "
                                              "organisation only)", mapping={"path": address})))
                continue
            objects.append(obj)
        found[row["line"]] = objects
    return found, errors


def write(request, container, rows, links) -> tuple[int, int]:
    """Create or update the results of ``rows`` (already checked); (created, updated)."""
    existing = existing_references(container)
    made, created, updated = {}, 0, 0
    for row in rows:
        fields = {k: row[k] for k in ("description", "status", "progress", "weight", "start",
                                       "end", "category", "territory", "budget_planned",
                                       "budget_spent", "reference")}
        result = existing.get(row["reference"]) if row["reference"] else None
        if result is None:
            result = add_result(container, row["title"], creator=request.user.id, **fields)
            created += 1
        else:
            result.update(title=row["title"], **fields)
            index_content(result)
            updated += 1
        made[row["line"]] = result
        if row["reference"]:
            existing[row["reference"]] = result
    for row in rows:
        result = made[row["line"]]
        parent = existing.get(row["parent_reference"]) if row["parent_reference"] else None
        result.parent = parent.__name__ if parent is not None else ""
        for obj in links.get(row["line"], ()):
            if link_items(obj, result, "led_to_result") and is_public(obj):
                publish(request, "results.linked", obj, title=result.title,
                        url=request.resource_url(result))
    return created, updated


def import_view(context, request):
    form = make_form(request, import_schema(), buttons=("send",), action=request.url)
    errors = []
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            try:
                text = decode(read_upload(data["file"]["fp"], MAX_BYTES))
            except UploadError as error:
                errors = [(None, error.message)]
            else:
                rows, errors = parse(request, context, text)
                if not errors:
                    links, errors = resolve_links(request, context, rows)
                if not errors and not rows:
                    errors = [(None, _("The file holds no result."))]
                if not errors:
                    created, updated = write(request, context, rows, links)
                    flash(request, _("Import done. Results created: ${created}; updated: "
                                     "${updated}.", mapping={"created": created, "updated": updated}))
                    return HTTPFound(location=request.resource_url(context))
            html = form.render()
    else:
        html = form.render()
    return {"page_title": _("Import results from a CSV file"), "form": html,
            "errors": errors, "columns": COLUMNS}


def includeme(config):
    from beffroi.api import ModuleContainer
    config.add_view(import_view, context=ModuleContainer, module="results", name="import",
                    permission="results.manage", request_method=("GET", "POST"),
                    renderer="beffroi_accountability:templates/import.pt")
