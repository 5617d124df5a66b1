"""The open-data archive of an organisation: what an anonymous visitor may read, as
files a spreadsheet or a program opens, with a README documenting every field.

Layout of the ZIP (UTF-8; CSV with a byte-order mark and the formula guard of
``beffroi.kit.spreadsheet_safe``):

- ``README.md``: what the archive holds, its licence line, the date, and for every
  file its fields (name, type, meaning, unit);
- ``spaces.csv`` / ``spaces.json``: the public spaces;
- ``<module>/<space>.csv`` / ``.json``: the rows of each module's ``ModuleInfo.open_data``
  in each public space where it is enabled, fields documented by
  ``ModuleInfo.open_data_fields``;
- ``comments/<space>.csv`` / ``.json``: the readable comments on public content of each
  space, without their authors.

Built from an anonymous request (never the person asking: an administrator's download
must not put private content into the public archive), so every module applies its own
public rules. No account data goes in: no author, no e-mail, no name.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

from beffroi.i18n import _, pluralize
from beffroi.infos import FieldDoc
from beffroi.kit import spreadsheet_safe, translated_rows

SPACE_FIELDS = {
    "slug": FieldDoc("text", _("Identifier of the space, as in its address")),
    "title": FieldDoc("text", _("Title of the space")),
    "type": FieldDoc("text", _("Kind of space (participatory_process, assembly …)")),
    "description": FieldDoc("text", _("Description of the space, without formatting")),
    "scope": FieldDoc("text", _("Territory the space concerns (empty: the whole organisation)")),
    "parent": FieldDoc("text", _("Slug of the space it belongs to (empty: none)")),
    "current_phase": FieldDoc("text", _("Title of the phase in progress (empty: none)")),
    "modules": FieldDoc("list", _("Modules enabled in the space, separated by spaces")),
    "url": FieldDoc("url", _("Address of the space's page")),
    "created": FieldDoc("date-time", _("When the space was created (ISO 8601, UTC)")),
}
SPACE_COLUMNS = tuple(SPACE_FIELDS)
COMMENT_FIELDS = {
    "id": FieldDoc("text", _("Identifier of the comment, unique within the commented item")),
    "module": FieldDoc("text", _("Module of the commented item")),
    "item_url": FieldDoc("url", _("Address of the commented item")),
    "item_title": FieldDoc("text", _("Title of the commented item")),
    "reply_to": FieldDoc("text", _("Identifier of the comment answered (empty: a first-level comment)")),
    "depth": FieldDoc("integer", _("Level in the thread: 0 for a comment, 1 for a reply, 2 for a reply to a reply"), _("levels")),
    "alignment": FieldDoc("integer", _("Position of the comment: 1 in favour, 0 neutral, -1 against")),
    "text": FieldDoc("text", _("Text of the comment, without formatting")),
    "votes_up": FieldDoc("integer", _("Votes saying the comment is useful"), _("votes")),
    "votes_down": FieldDoc("integer", _("Votes saying the comment is not useful"), _("votes")),
    "created": FieldDoc("date-time", _("When the comment was written (ISO 8601, UTC)")),
}
COMMENT_COLUMNS = tuple(COMMENT_FIELDS)


@dataclass
class Table:
    """One CSV + JSON pair of the archive."""
    stem: str                  # "spaces", "proposals/budget", "comments/budget"
    rows: list
    columns: tuple
    fields: dict               # column → FieldDoc
    title: str                 # heading in the README (translated)


@dataclass
class Built:
    data: bytes
    readme: str
    files: list = field(default_factory=list)        # [(name, rows)]
    undocumented: dict = field(default_factory=dict)  # stem → [columns without a FieldDoc]


def public_spaces(request, organisation):
    """Spaces an anonymous visitor may see (``request`` is anonymous), by slug."""
    return [s for _slug, s in organisation.spaces.items() if request.has_permission("view", s)]


def _space_row(request, space):
    from beffroi.services.search.text import plain_text
    phase = space.active_phase
    modules = [c.module_name for c in space.modules.values()
               if request.has_permission("view", c) and c.enabled]
    return {"slug": space.__name__, "title": space.title, "type": space.space_type,
            "description": plain_text(space.description), "scope": space.scope or "",
            "parent": space.parent or "", "current_phase": phase.title if phase else "",
            "modules": " ".join(modules), "url": request.resource_url(space),
            "created": space.created.isoformat()}


def _comment_rows(request, container):
    from beffroi.services.comments.model import comment_folder, is_readable
    from beffroi.services.search.text import plain_text
    from beffroi.visibility import is_public
    rows = []
    for item in container.values():
        folder = comment_folder(item)
        if folder is None or not is_public(item):
            continue
        title = getattr(item, "title", "")
        for name, comment in folder.items():
            if not is_readable(comment) or not is_public(comment):
                continue
            rows.append({"id": name, "module": container.module_name,
                         "item_url": request.resource_url(item),
                         "item_title": title if isinstance(title, str) else "",
                         "reply_to": comment.reply_to or "", "depth": comment.depth,
                         "alignment": comment.alignment, "text": plain_text(comment.html),
                         "votes_up": comment.up(), "votes_down": comment.down(),
                         "created": comment.created.isoformat()})
    rows.sort(key=lambda r: (r["item_url"], r["created"]))
    return rows


def tables(request, organisation) -> list:
    """Every table of the archive, for the anonymous ``request``."""
    plugins = request.registry.beffroi
    t = request.localizer.translate
    spaces = public_spaces(request, organisation)
    out = [Table("spaces", [_space_row(request, s) for s in spaces], SPACE_COLUMNS,
                 SPACE_FIELDS, t(_("Spaces")))]
    comments = {}
    for space in spaces:
        for container in space.modules.values():
            info = plugins.modules.get(container.module_name)
            if info is None or not container.enabled or not request.has_permission("view", container):
                continue
            if info.open_data is not None:
                rows = translated_rows(list(info.open_data(request, container)), request)
                columns = tuple(info.open_data_columns) or _columns(rows)
                columns += tuple(c for c in _columns(rows) if c not in columns)
                title = t(_("${module} in “${space}”",
                            mapping={"module": t(info.title), "space": space.title}))
                out.append(Table(f"{container.module_name}/{space.__name__}", rows, columns,
                                 dict(info.open_data_fields), title))
            comments.setdefault(space, []).extend(_comment_rows(request, container))
    for space, rows in comments.items():
        if rows:
            out.append(Table(f"comments/{space.__name__}", rows, COMMENT_COLUMNS, COMMENT_FIELDS,
                             t(_("Comments in “${space}”", mapping={"space": space.title}))))
    return out


def _columns(rows):
    seen = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return tuple(seen)


def _csv(table):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([spreadsheet_safe(row.get(c)) for c in table.columns])
    return buffer.getvalue().encode("utf-8")


def _json(table):
    return json.dumps(table.rows, ensure_ascii=False, indent=1,
                      default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)
                      ).encode("utf-8")


def readme(request, organisation, all_tables, built_at) -> str:
    """The README (Markdown) documenting the archive, in the organisation's language."""
    t = request.localizer.translate
    lines = [
        "# " + t(_("Open data of ${name}", mapping={"name": organisation.name})), "",
        t(_("Everything in this archive is public on ${url}: what any visitor can read, "
            "without personal data (no participant's name, e-mail or address).",
            mapping={"url": request.application_url + "/"})), "",
        t(_("Generated on ${date} (UTC).", mapping={"date": built_at.strftime("%Y-%m-%d %H:%M")})), "",
        t(_("Each table comes twice: a CSV file (UTF-8, comma-separated, first line = "
            "column names; a cell starting with = + - @ is prefixed with an apostrophe so "
            "spreadsheets do not run it) and a JSON file (a list of objects with the same "
            "fields). Dates are ISO 8601 with their time zone offset.")), "",
    ]
    for table in all_tables:
        lines += [f"## {table.title}", "",
                  f"`{table.stem}.csv`, `{table.stem}.json` — " +
                  pluralize(request, "${n} row", "${n} rows", len(table.rows)), "",
                  "| " + " | ".join((t(_("Field")), t(_("Type")), t(_("Meaning")), t(_("Unit"))))
                  + " |", "| --- | --- | --- | --- |"]
        for column in table.columns:
            doc = table.fields.get(column)
            if doc is None:
                lines.append(f"| `{column}` | ? | {t(_('Not documented'))} | |")
            else:
                lines.append(f"| `{column}` | {doc.type} | {_cell(t(doc.meaning))} | "
                             f"{_cell(t(doc.unit)) if doc.unit else ''} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def build(request, organisation, built_at) -> Built:
    """The ZIP archive of ``organisation`` for the anonymous ``request``."""
    all_tables = tables(request, organisation)
    text = readme(request, organisation, all_tables, built_at)
    buffer = io.BytesIO()
    result = Built(b"", text)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", text.encode("utf-8"))
        for table in all_tables:
            archive.writestr(f"{table.stem}.csv", _csv(table))
            archive.writestr(f"{table.stem}.json", _json(table))
            result.files.append((table.stem, len(table.rows)))
            missing = [c for c in table.columns if c not in table.fields]
            if missing:
                result.undocumented[table.stem] = missing
    result.data = buffer.getvalue()
    return result
