"""CSV files people open in a spreadsheet, safe from formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by Excel, LibreOffice and Google Sheets (OWASP "CSV Injection"):
such a cell is written with a leading apostrophe, which spreadsheets show as text.
Every other cell, empty ones included, is written as it is. Modules build their
exports with ``csv_text`` or ``csv_response`` rather than the ``csv`` module, so the
guard is never forgotten.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Mapping, Sequence

from pyramid.i18n import TranslationString
from pyramid.response import Response

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value):
    """``value`` made safe for a spreadsheet: a string starting with one of
    ``FORMULA_STARTS`` gets a leading ``'``; anything else (numbers, booleans, empty
    strings, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Mapping], fields: Sequence[str], headers: Sequence[str] | None = None,
             translate=None) -> str:
    """The CSV text (RFC 4180, header line first) of ``rows``, dicts keyed by ``fields``.

    ``headers`` (default: the field names) are the column titles; keys of a row that
    are not in ``fields`` are left out, missing ones are empty. ``translate`` (e.g.
    ``request.localizer.translate``) turns cells and headers that are gettext
    ``TranslationString``s (a state's label, "Deleted participant") into the reader's
    language; without ``translate`` such a cell raises ``TypeError`` naming it, so a
    module's tests catch an export that would show English to a French reader. Every
    cell goes through ``guard_cell``."""
    def cell(value):
        if isinstance(value, TranslationString):
            if translate is None:
                raise TypeError(f"untranslated message {str(value)!r} in a CSV export: "
                                f"pass translate= (or request= to csv_response)")
            value = translate(value)
        return guard_cell(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(h) for h in (headers or fields)])
    for row in rows:
        writer.writerow([cell(row.get(field, "")) for field in fields])
    return buffer.getvalue()


def csv_response(rows: Iterable[Mapping], fields: Sequence[str], filename: str,
                 headers: Sequence[str] | None = None, request=None) -> Response:
    """A ``text/csv; charset=utf-8`` download of ``csv_text(rows, fields, headers)``
    named ``filename`` (ASCII, e.g. ``budget-proposals.csv``), translated for the
    person of ``request`` when given."""
    translate = request.localizer.translate if request is not None else None
    response = Response(csv_text(rows, fields, headers, translate), content_type="text/csv",
                        charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    return response
