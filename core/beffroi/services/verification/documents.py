"""Identity documents checked by staff.

Online: the participant gives the document's type and number and uploads a picture of
it (checked and re-encoded by ``beffroi.uploads``, kept as a private blob, served only
to verification staff). A first staff member checks it; a second, different one
confirms; the verification is then granted. The picture is deleted at the decision,
granted or rejected.

In person: at the town hall, staff look at the document and record the check for the
participant; granted at once.

The document number typed by the participant is shown to the staff beside the picture,
to compare, until the decision; then only its HMAC-SHA256 under the organisation's secret
stays: one document verifies one account.
"""
from __future__ import annotations

from ZODB.blob import Blob

from beffroi.i18n import _
from beffroi.resources.folder import now
from beffroi.services.verification import model

METHOD = "id_document"
DOCUMENT_TYPES = {"identity_card": _("Identity card"), "passport": _("Passport"),
                  "residence_permit": _("Residence permit")}
IMAGE_MAX_BYTES = 8 * 1024 * 1024


def document_hash(organisation, document_type, number):
    from beffroi.services.verification.census import normalise_document
    return model.keyed_hash(organisation, METHOD, document_type, normalise_document(number))


def submit_online(request, document_type, number, image: bytes, media_type: str,
                  postal_code=""):
    """The participant's upload: a pending record waiting for two staff members."""
    record = model.open_record(request.organisation, request.user.id, METHOD)
    blob = Blob()
    with blob.open("w") as f:
        f.write(image)
    record.data.clear()
    record.data.update({"mode": "online", "document_type": document_type,
                        "number_hash": document_hash(request.organisation, document_type, number),
                        "number": " ".join(number.split()).upper()[:40],
                        "image": blob, "image_type": media_type, "postal_code": postal_code})
    record.updated = now()
    model.log(request, "document_submitted", request.user.id, METHOD, document_type=document_type)
    return record


def pending_documents(organisation) -> list:
    """Online submissions waiting for a check: (record, user), oldest first."""
    return [(record, user) for record, user in model.pending_records(organisation, METHOD)
            if record.data.get("mode") == "online"]


def _pending(request, user_id):
    record = model.record_of(request.organisation, user_id, METHOD)
    if record is None or record.status != "pending" or record.data.get("mode") != "online":
        raise model.VerificationRefused(_("There is no document waiting for a check."))
    return record


def check(request, user_id, accept: bool):
    """A staff member's decision on an online submission.

    The first acceptance is recorded and waits for a second, different staff member,
    whose acceptance grants the verification. A rejection ends it. The picture is
    deleted once decided. Returns ``"first"``, ``"granted"`` or ``"rejected"``."""
    record = _pending(request, user_id)
    staff = request.user.id
    if not accept:
        model.close_pending(request.organisation, record)
        model.log(request, "document_rejected", user_id, METHOD)
        return "rejected"
    first = record.data.get("first_check")
    if first is None:
        record.data["first_check"] = staff
        record.updated = now()
        model.log(request, "document_first_check", user_id, METHOD)
        return "first"
    if first == staff:
        raise model.VerificationRefused(_(
            "You made the first check: a second staff member must confirm it."))
    metadata = model.person_metadata(postal_code=record.data.get("postal_code", ""))
    unique = record.data["number_hash"]
    model.log(request, "document_second_check", user_id, METHOD, first_check=first)
    try:
        model.grant(request, user_id, METHOD, metadata, unique_id=unique)
    finally:
        record.data.clear()            # the picture goes with the decision
        if record.status == "pending":     # refused: this document verifies someone else
            model.close_pending(request.organisation, record)
    return "granted"


def record_in_person(request, user, document_type, number, postal_code="", district=""):
    """Staff saw the document at the town hall: granted at once for ``user``."""
    record = model.record_of(request.organisation, user.id, METHOD)
    if record is not None and record.is_granted:
        raise model.VerificationRefused(_("This participant is already verified by this method."))
    if record is not None and record.status == "pending":
        record.data.clear()            # a picture sent online is no longer needed
    metadata = model.person_metadata(postal_code=postal_code, district=district)
    unique = document_hash(request.organisation, document_type, number)
    model.log(request, "document_in_person", user.id, METHOD, document_type=document_type)
    return model.grant(request, user.id, METHOD, metadata, unique_id=unique)
