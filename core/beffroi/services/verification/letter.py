"""Postal letter verification: the participant gives a postal address; staff print a
letter carrying a code and post it; the participant types the code (``MAX_ATTEMPTS``
tries, then the request is closed and staff must be asked again). The postal code of
the address becomes metadata.

Working data of the pending record: ``address`` (dict), ``code`` (kept so that a
letter can be printed again), ``sent`` (datetime, by whom), ``attempts``.
"""
from __future__ import annotations

import hmac
import secrets

from beffroi.i18n import _
from beffroi.resources.folder import now
from beffroi.services.verification import model

METHOD = "postal_letter"
MAX_ATTEMPTS = 5
#: letters and digits nobody misreads on paper (no 0/O, 1/I/L)
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))


def request_letter(request, address: dict):
    """Open (or renew) the participant's pending request with ``address``; logged."""
    record = model.open_record(request.organisation, request.user.id, METHOD)
    if record.data.get("sent"):
        raise model.VerificationRefused(_("Your letter has already been sent: type its code."))
    record.data["address"] = dict(address)
    record.data.setdefault("code", new_code())
    record.data["attempts"] = 0
    record.updated = now()
    model.log(request, "letter_requested", request.user.id, METHOD,
              postal_code=address.get("postal_code", ""))
    return record


def mark_sent(request, user_id):
    """Staff record that the letter to ``user_id`` went out; its code is then usable."""
    record = model.record_of(request.organisation, user_id, METHOD)
    if record is None or record.status != "pending" or "address" not in record.data:
        raise model.VerificationRefused(_("There is no letter to send for this participant."))
    record.data["sent"] = now()
    record.data["sent_by"] = request.user.id if request.user else ""
    record.updated = now()
    model.log(request, "letter_sent", user_id, METHOD)
    return record


def enter_code(request, code: str):
    """Grant the verification when ``code`` is the letter's; each wrong code counts, and
    after ``MAX_ATTEMPTS`` the request is closed. Raises ``VerificationRefused``."""
    user_id = request.user.id
    record = model.record_of(request.organisation, user_id, METHOD)
    if record is None or record.status != "pending" or not record.data.get("sent"):
        raise model.VerificationRefused(_("No letter has been sent to you yet."))
    attempts = record.data.get("attempts", 0)
    if attempts >= MAX_ATTEMPTS:
        raise model.VerificationRefused(_(
            "Too many wrong codes: ask the town hall to send you a new letter."))
    typed = "".join((code or "").split()).upper()
    if not hmac.compare_digest(typed.encode(), record.data["code"].encode()):
        record.data["attempts"] = attempts + 1
        left = MAX_ATTEMPTS - attempts - 1
        model.log(request, "letter_wrong_code", user_id, METHOD, attempts_left=left)
        if left <= 0:
            raise model.VerificationRefused(_(
                "Too many wrong codes: ask the town hall to send you a new letter."))
        raise model.VerificationRefused(_("This is not the code of your letter. "
                                          "Attempts left: ${n}.", mapping={"n": left}))
    address = record.data["address"]
    metadata = model.person_metadata(postal_code=address.get("postal_code", ""))
    return model.grant(request, user_id, METHOD, metadata)


def resend(request, user_id):
    """Staff start again a request closed after too many wrong codes: a new code, to print."""
    record = model.record_of(request.organisation, user_id, METHOD)
    if record is None or record.status != "pending":
        raise model.VerificationRefused(_("There is no letter request for this participant."))
    record.data["code"] = new_code()
    record.data["attempts"] = 0
    record.data.pop("sent", None)
    record.updated = now()
    model.log(request, "letter_reset", user_id, METHOD)
    return record


def pending_letters(organisation) -> list:
    """Pending letter requests, oldest first: (record, user)."""
    return [(record, user) for record, user in model.pending_records(organisation, METHOD)
            if "address" in record.data]
