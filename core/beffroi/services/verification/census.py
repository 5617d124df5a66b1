"""Census verification: an organisation admin uploads the residents' identifiers (a CSV
of document number + birth date, optional postal code and district); each line is kept
only as HMAC-SHA256 under the organisation's secret (``model.keyed_hash``) with its
metadata. The uploaded file is read in memory and never stored. A re-upload replaces
the whole census at once (a new ``OOBTree`` swapped in one transaction); a file with
any bad line replaces nothing.

A participant who types a document number and birth date whose hash is in the census
is verified, with the line's postal code and district.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from BTrees.OOBTree import OOBTree

from beffroi.i18n import _
from beffroi.resources.folder import now
from beffroi.services.verification import model

METHOD = "census"
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 50
#: column → accepted header names (lower case, spaces and dashes read as _)
COLUMNS = {
    "document_number": ("document_number", "document", "numero_document", "numero_piece",
                        "id_number"),
    "birth_date": ("birth_date", "birthdate", "date_naissance", "date_de_naissance"),
    "postal_code": ("postal_code", "postcode", "zip", "code_postal"),
    "district": ("district", "quartier", "territoire", "territory"),
}
DOCUMENT_RE = re.compile(r"^[A-Z0-9]{4,30}$")


class CensusError(ValueError):
    """A file refused; ``messages`` lists what is wrong, one translatable message a line."""

    def __init__(self, messages):
        self.messages = messages
        super().__init__(f"{len(messages)} problems")


def normalise_document(value) -> str:
    """A document number as compared: upper case, without spaces, dots and dashes."""
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def parse_date(value) -> date | None:
    """A birth date written ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (French), or None."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if date(1900, 1, 1) <= parsed <= date.today():
            return parsed
    return None


def identity_hash(organisation, document, birth: date) -> str:
    return model.keyed_hash(organisation, METHOD, normalise_document(document), birth.isoformat())


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CensusError([_("The file is not text (save it as CSV, UTF-8).")])


def _columns(header):
    names = [re.sub(r"[\s\-]+", "_", (h or "").strip().lower()) for h in header]
    found = {}
    for column, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[column] = i
                break
    missing = [c for c in ("document_number", "birth_date") if c not in found]
    if missing:
        raise CensusError([_("Line 1: the header must name the columns document_number and "
                             "birth_date (optional: postal_code, district); found: ${found}.",
                             mapping={"found": ", ".join(h for h in header if h) or "-"})])
    return found


def parse(organisation, data: bytes) -> dict:
    """``{hash: (postal code, district)}`` of the CSV ``data``, or ``CensusError``
    naming each bad line (its number, the column and the value)."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CensusError([_("The file is empty.")]) from None
    columns = _columns(header)
    rows, errors, seen = {}, [], {}

    def cell(row, column):
        i = columns.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        document = normalise_document(cell(row, "document_number"))
        birth_text = cell(row, "birth_date")
        birth = parse_date(birth_text)
        if not DOCUMENT_RE.match(document):
            errors.append(_("Line ${n}: the document number \"${value}\" is not valid "
                            "(4 to 30 letters and digits).",
                            mapping={"n": number, "value": cell(row, "document_number")[:40]}))
        elif birth is None:
            errors.append(_("Line ${n}: the birth date \"${value}\" is not a date "
                            "(write YYYY-MM-DD or DD/MM/YYYY).",
                            mapping={"n": number, "value": birth_text[:40]}))
        else:
            key = identity_hash(organisation, document, birth)
            if key in rows:
                errors.append(_("Line ${n}: the same person as line ${other}.",
                                mapping={"n": number, "other": seen[key]}))
            else:
                postal = cell(row, "postal_code").upper()[:20]
                rows[key] = (postal, " ".join(cell(row, "district").split())[:100])
                seen[key] = number
        if len(errors) >= MAX_ERRORS:
            errors.append(_("The file was not read further."))
            break
    if errors:
        raise CensusError(errors)
    if not rows:
        raise CensusError([_("The file holds no line of residents.")])
    return rows


def replace_census(request, data: bytes) -> int:
    """Replace the organisation's census by the lines of ``data``; returns their number.
    Raises ``CensusError`` (nothing replaced) on a bad file. Logged."""
    organisation = request.organisation
    rows = parse(organisation, data)
    store = model.store_of(organisation, create=True)
    census = OOBTree()
    census.update(rows)
    store.census = census
    user = request.user
    store.census_info = {"uploaded": now(), "rows": len(rows), "by": user.name if user else ""}
    model.log(request, "census_uploaded", "", METHOD, rows=len(rows))
    return len(rows)


def verify(request, document, birth: date):
    """Grant the census verification to the logged-in participant when ``document`` and
    ``birth`` match a census line; else ``VerificationRefused``."""
    organisation = request.organisation
    store = model.store_of(organisation, create=True)
    key = identity_hash(organisation, document, birth)
    line = store.census.get(key)
    if line is None:
        model.log(request, "census_no_match", request.user.id, METHOD)
        raise model.VerificationRefused(_(
            "These details are not in the census of the organisation. Check the document "
            "number and the birth date, or ask the town hall to verify you another way."))
    postal, district = line
    metadata = model.person_metadata(birth, postal, district)
    return model.grant(request, request.user.id, METHOD, metadata, unique_id=key)
