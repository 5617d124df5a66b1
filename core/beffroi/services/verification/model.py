"""Verified participants: one authorisation record per (participant, method) in one
organisation, granted with optional metadata.

Key layout (``VerificationStore``, ``organisation.verifications``, made on first write):

- ``records``: ``OOBTree`` ``(user id, method name)`` → ``VerificationRecord``. Two
  people verifying at once insert different keys (BTree conflict resolution merges
  them) and each rewrites only their own record: no write conflict between people.
- ``claims``: ``OOBTree`` unique id → ``(user id, method)``: an identity (a census
  line, an identity document, an OpenID subject) verifies one account only. Two accounts
  claiming the same identity at once write the same key: one conflicts, is retried, and
  then sees the claim.
- ``pending``: ``OOTreeSet`` of the keys of pending records, so that staff pages list
  what waits for them without reading every record (keys are random user ids: people
  asking at once land in different places of the set).
- ``secret``: 32 random bytes made with the store, the key of every HMAC-SHA256 of
  identifiers (census lines, document numbers, OpenID subjects). Never shown on a page
  nor in a participant's data download.

Statuses: ``pending`` (a letter to send, a document to check), ``granted``, ``revoked``.
Every step is written to the action log (``beffroi.services.actionlog``).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pyramid.i18n import TranslationString

from beffroi.i18n import _
from beffroi.resources.folder import now
from beffroi.services.actionlog import model as actionlog

STATUSES = ("pending", "granted", "revoked")
#: Age brackets shown for a birth date (lower bounds, in years).
AGE_BRACKETS = ((0, "under-16"), (16, "16-17"), (18, "18-24"), (25, "25-34"), (35, "35-49"),
                (50, "50-64"), (65, "65+"))
AGE_BRACKET_TITLES = {"under-16": _("under 16"), "16-17": _("16 to 17"),
                      "18-24": _("18 to 24"), "25-34": _("25 to 34"), "35-49": _("35 to 49"),
                      "50-64": _("50 to 64"), "65+": _("65 and over")}
METADATA_TITLES = {"postal_code": _("Postal code"), "district": _("District"),
                   "birth_date": _("Birth date"), "age_bracket": _("Age bracket")}


class VerificationRefused(ValueError):
    """A verification step refused; ``message`` (translatable) says why to the person."""

    def __init__(self, message):
        self.message = message
        text = message.interpolate() if isinstance(message, TranslationString) else str(message)
        super().__init__(text)


class VerificationRecord(Persistent):
    """The authorisation of one participant by one method.

    ``metadata``: what the method vouches for (``postal_code``, ``district``,
    ``birth_date`` as ISO text, ``age_bracket``). ``data``: the method's working data
    (an address, a letter code, a document to check), never shown to the participant's
    peers; emptied of what is no longer needed once decided."""

    def __init__(self, user_id, method):
        self.user_id = user_id
        self.method = method
        self.status = "pending"
        self.created = self.updated = now()
        self.granted = None
        self.revoked = None
        self.metadata = {}
        self.unique_id = None
        self.data = PersistentMapping()

    @property
    def is_granted(self) -> bool:
        return self.status == "granted"


class VerificationStore(Persistent):
    """Every verification of one organisation (see the module docstring)."""
    pending = None

    def __init__(self):
        self.pending = OOTreeSet()
        self.secret = secrets.token_bytes(32)
        self.records = OOBTree()
        self.claims = OOBTree()
        self.census = OOBTree()          # HMAC hex → (postal code, district)
        self.census_info = None          # {"uploaded": datetime, "rows": int, "by": name}
        self.offered = OOTreeSet()       # method names the organisation offers
        self.oidc = None                 # beffroi.services.verification.oidc settings dict


def set_pending(store, record, pending: bool):
    """Keep ``store.pending`` in step with ``record``'s status (writes only on change)."""
    key = (record.user_id, record.method)
    if pending and key not in (store.pending or ()):
        if store.pending is None:
            store.pending = OOTreeSet()
        store.pending.add(key)
    elif not pending and store.pending is not None and key in store.pending:
        store.pending.remove(key)


def pending_records(organisation, method):
    """``[(record, user)]`` of the pending records of ``method``, oldest first."""
    store = store_of(organisation)
    if store is None or store.pending is None:
        return []
    out = []
    for key in store.pending:
        record = store.records.get(key)
        user = organisation.users.get(key[0])
        if key[1] == method and record is not None and record.status == "pending" \
                and user is not None and not user.deleted:
            out.append((record, user))
    return sorted(out, key=lambda pair: pair[0].created)


def close_pending(organisation, record):
    """End a pending ``record`` without granting it (a rejected document): revoked."""
    store = store_of(organisation, create=True)
    record.status, record.revoked = "revoked", now()
    record.updated = record.revoked
    record.data.clear()
    set_pending(store, record, False)


def store_of(organisation, create=False):
    """The organisation's ``VerificationStore``; None before the first write unless ``create``."""
    return organisation.part("verifications", VerificationStore, create)


def keyed_hash(organisation, *parts) -> str:
    """HMAC-SHA256 (RFC 2104) of ``parts`` joined by ``|`` under the organisation's
    secret, as hex: how identifiers are kept (never in clear)."""
    store = store_of(organisation, create=True)
    message = "|".join(parts).encode("utf-8")
    return hmac.new(store.secret, message, hashlib.sha256).hexdigest()


def record_of(organisation, user_id, method):
    """The record of ``user_id`` for ``method``, or None (a read never writes)."""
    store = store_of(organisation)
    return store.records.get((user_id, method)) if store is not None else None


def records_of_user(organisation, user_id) -> dict:
    """``{method: VerificationRecord}`` of one participant."""
    store = store_of(organisation)
    if store is None:
        return {}
    return {method: rec for (uid, method), rec in
            store.records.items(min=(user_id, ""), max=(user_id, "\uffff"))}


def granted_verifications(organisation, user_id) -> dict:
    """``{method name: metadata dict}`` of the verifications granted to ``user_id`` in
    ``organisation`` (empty for None): what an action condition is tested against.
    Another organisation's verifications never count (each has its own store)."""
    if user_id is None:
        return {}
    return {m: dict(r.metadata) for m, r in records_of_user(organisation, user_id).items()
            if r.is_granted}


def verified_count(organisation) -> int:
    """How many participants of ``organisation`` (accounts not deleted) hold at least one
    granted verification (for the statistics). Reads every record: O(records)."""
    store = store_of(organisation)
    if store is None:
        return 0
    users = organisation.users
    verified = set()
    for (user_id, _method), record in store.records.items():
        if record.is_granted and user_id not in verified:
            user = users.get(user_id)
            if user is not None and not user.deleted:
                verified.add(user_id)
    return len(verified)


def open_record(organisation, user_id, method):
    """The record of ``user_id`` for ``method``, made pending when there is none or the
    previous one was revoked; raises ``VerificationRefused`` when already granted."""
    store = store_of(organisation, create=True)
    record = store.records.get((user_id, method))
    if record is not None and record.is_granted:
        raise VerificationRefused(_("You are already verified by this method."))
    if record is None or record.status == "revoked":
        record = VerificationRecord(user_id, method)
        store.records[(user_id, method)] = record
    set_pending(store, record, True)
    return record


def age_bracket(birth: date, today: date | None = None) -> str:
    """The bracket (``AGE_BRACKETS``) of someone born on ``birth``, on ``today``."""
    years = age_on(birth, today)
    label = AGE_BRACKETS[0][1]
    for low, name in AGE_BRACKETS:
        if years >= low:
            label = name
    return label


def age_on(birth: date, today: date | None = None) -> int:
    """Full years of age of someone born on ``birth`` on ``today`` (default: today)."""
    today = today or date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def person_metadata(birth: date | None = None, postal_code="", district="") -> dict:
    """The metadata a method grants: non-empty values only, the age bracket computed."""
    out = {}
    if birth is not None:
        out["birth_date"] = birth.isoformat()
        out["age_bracket"] = age_bracket(birth)
    if postal_code:
        out["postal_code"] = postal_code.strip().upper()
    if district:
        out["district"] = " ".join(district.split())
    return out


def _user_label(organisation, user_id):
    user = organisation.users.get(user_id)
    if user is None or user.deleted:
        return user_id
    return f"{user.name} <{user.email}>"


def log(request, action, user_id, method, organisation=None, **details):
    """Write ``verification.<action>`` about ``user_id`` and ``method`` to the action log."""
    organisation = organisation if organisation is not None else request.organisation
    actionlog.record(request, f"verification.{action}", _user_label(organisation, user_id),
                     organisation=organisation, method=method, **details)


def grant(request, user_id, method, metadata=None, unique_id=None, organisation=None):
    """Grant ``method`` to ``user_id`` with ``metadata`` and log it.

    ``unique_id`` (a keyed hash, see ``keyed_hash``) names the identity behind it: an
    identity already verifying another account raises ``VerificationRefused``, so one
    person is one verified participant. Returns the ``VerificationRecord``."""
    organisation = organisation if organisation is not None else request.organisation
    store = store_of(organisation, create=True)
    if unique_id is not None:
        holder = store.claims.get(unique_id)
        if holder is not None and holder[0] != user_id and _still_holds(organisation, holder):
            log(request, "refused_duplicate", user_id, method, organisation)
            raise VerificationRefused(_(
                "These details already verify another account of this organisation. "
                "If it is yours, use that account; otherwise contact the organisation."))
    record = store.records.get((user_id, method))
    if record is None or record.status == "revoked":
        record = VerificationRecord(user_id, method)
        store.records[(user_id, method)] = record
    if unique_id is not None:
        store.claims[unique_id] = (user_id, method)
    record.status, record.unique_id = "granted", unique_id
    record.metadata = dict(metadata or {})
    record.granted = record.updated = now()
    set_pending(store, record, False)
    log(request, "granted", user_id, method, organisation,
        **{k: v for k, v in record.metadata.items() if k != "birth_date"})
    return record


def _still_holds(organisation, holder):
    user_id, method = holder
    user = organisation.users.get(user_id)
    record = record_of(organisation, user_id, method)
    return user is not None and not user.deleted and record is not None and record.is_granted


def revoke(request, user_id, method, organisation=None):
    """Revoke the authorisation (granted or pending) of ``user_id`` by ``method``, free
    its identity for another account, drop its working data; log it. False when there
    was nothing to revoke."""
    organisation = organisation if organisation is not None else request.organisation
    store = store_of(organisation)
    record = store.records.get((user_id, method)) if store is not None else None
    if record is None or record.status == "revoked":
        return False
    if record.unique_id is not None and store.claims.get(record.unique_id, (None,))[0] == user_id:
        del store.claims[record.unique_id]
    record.status, record.revoked = "revoked", now()
    record.updated = record.revoked
    record.data.clear()
    set_pending(store, record, False)
    log(request, "revoked", user_id, method, organisation)
    return True


def forget_user(organisation, user_id):
    """Remove every record and claim of a deleted account."""
    store = store_of(organisation)
    if store is None:
        return
    for method, record in list(records_of_user(organisation, user_id).items()):
        if record.unique_id is not None and store.claims.get(record.unique_id, (None,))[0] == user_id:
            del store.claims[record.unique_id]
        set_pending(store, record, False)
        del store.records[(user_id, method)]


def portable(organisation, user_id) -> list:
    """A participant's own verifications for "download my data" (no hash, no secret)."""
    out = []
    for method, record in sorted(records_of_user(organisation, user_id).items()):
        out.append({"method": method, "status": record.status,
                    "created": record.created.isoformat(),
                    "granted": record.granted.isoformat() if record.granted else None,
                    "revoked": record.revoked.isoformat() if record.revoked else None,
                    "metadata": dict(record.metadata)})
    return out


def verification_done(request, message=None, came_from=None):
    """The redirect a method's page answers once a participant is verified: a flash
    (``message``, default "You are verified."), then back to ``came_from`` (a local path,
    checked by the core's redirect rules; default the request's ``came_from`` parameter)
    or to the participant's verifications page. Returns an ``HTTPFound``."""
    from pyramid.httpexceptions import HTTPFound

    from beffroi.views.site import safe_came_from
    request.session.flash(request.localizer.translate(message or _("You are verified.")))
    came_from = came_from if came_from is not None else request.params.get("came_from", "")
    if not came_from:
        came_from = "/-/account/verifications"
    return HTTPFound(location=safe_came_from(request, came_from))
