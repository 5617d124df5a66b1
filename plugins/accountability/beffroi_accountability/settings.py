"""Settings of the results module: the statuses an admin defines, with a default
progress each, and the page's introduction."""
from __future__ import annotations

from typing import NamedTuple

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi.api import module_settings, slugify

_ = TranslationStringFactory("beffroi_accountability")


class Status(NamedTuple):
    """A status results can have: ``progress`` is the default percentage (or None)."""
    key: str
    label: object          # text typed by an admin, or a translation string
    progress: float | None


#: Used while an admin has defined no status of their own.
DEFAULT_STATUSES = (
    Status("not-started", _("Not started"), 0.0),
    Status("in-progress", _("In progress"), 50.0),
    Status("done", _("Done"), 100.0),
)


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _parse_line(line):
    """(label, progress or None) of ``Label`` or ``Label | 40``; raises ValueError."""
    label, sep, progress = line.rpartition("|")
    if not sep:
        label, progress = line, ""
    label, progress = label.strip(), progress.strip().rstrip("%").strip()
    if not label or not slugify(label):
        raise ValueError(line)
    if progress == "":
        return label, None
    value = float(progress.replace(",", "."))
    if not 0 <= value <= 100:
        raise ValueError(line)
    return label, value


def _check_statuses(node, value):
    keys = set()
    for line in lines(value):
        try:
            label, _progress = _parse_line(line)
        except ValueError:
            raise colander.Invalid(node, _(
                "Write one status per line as “Label | default progress from 0 to 100”, for "
                "example “Works started | 40”. This line is not valid: ${line}",
                mapping={"line": line}))
        if slugify(label) in keys:
            raise colander.Invalid(node, _("The status “${label}” is written twice.",
                                           mapping={"label": label}))
        keys.add(slugify(label))


def statuses_from(settings) -> dict:
    """``{key: Status}`` in the admin's order; the defaults while none is defined."""
    out = {}
    for line in lines(settings.get("statuses", "")):
        try:
            label, progress = _parse_line(line)
        except ValueError:
            continue
        out.setdefault(slugify(label), Status(slugify(label), label, progress))
    if not out:
        out = {s.key: s for s in DEFAULT_STATUSES}
    return out


def statuses_of(request, container) -> dict:
    return statuses_from(module_settings(request, container))


class ResultsSettings(colander.MappingSchema):
    intro = colander.SchemaNode(
        colander.String(), title=_("Introduction shown above the results"), default="",
        missing="", validator=colander.Length(max=2000),
        widget=deform.widget.TextAreaWidget(rows=3))
    statuses = colander.SchemaNode(
        colander.String(), title=_("Statuses of the results"), default="", missing="",
        description=_("One per line: “Label | default progress from 0 to 100”. Empty: Not "
                      "started (0), In progress (50), Done (100)."),
        validator=_check_statuses, widget=deform.widget.TextAreaWidget(rows=6))
