"""Registrations to a meeting: capacity that holds under concurrent requests, a waiting
list that moves up by itself, and a code per registration checked at the door.

Concurrency contract (ZODB conflicts + ``pyramid_retry``):

- a person's registration is one key of ``meeting.registrations`` (user id →
  ``Registration``): two requests of the same person insert the same key and conflict;
  the retried one sees the first registration. Different people insert different keys,
  which ``BTrees`` merge;
- a confirmed registration holds one *seat*, a key ``1..capacity`` of ``meeting.seats``
  (seat → user id). A registrant takes a free seat chosen at random: two people taking
  different seats merge, two taking the same seat conflict and the retry chooses among
  the seats still free. There are only ``capacity`` keys, so the count can never pass
  the capacity, whatever runs at once;
- when no seat is free the person joins ``meeting.waiting`` (``(time_ns, user id)`` →
  user id, oldest first). Joining and freeing a seat both change ``meeting.gate``, a
  ``SeatGate`` whose conflict resolution merges joins with joins but refuses a join
  concurrent with a freed seat: the joiner is retried and takes the seat instead of
  waiting beside an empty one;
- a cancellation frees the seat and gives it to the first person waiting (``promote``),
  who is told through ``publish``. Two cancellations promoting the same person both
  change that person's ``Registration`` and conflict.

Counts shown on pages (``confirmed``, ``waiting_count``, ``attended``) are
``BTrees.Length`` objects: concurrent changes add up.
"""
from __future__ import annotations

import random
import secrets
import time

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

from beffroi.api import now

#: Letters and digits that cannot be mistaken for one another when read aloud or typed.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 8


class RegistrationRefused(Exception):
    """A registration or cancellation that cannot be done; ``message`` says why
    (a translation string)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SeatGate(Persistent):
    """Changed by every join of the waiting list and every freed seat; concurrent joins
    merge, a join concurrent with a freed seat conflicts (see the module docstring)."""

    def __init__(self):
        self.joins = 0
        self.frees = 0

    def _p_resolveConflict(self, old, committed, new):
        if committed.get("frees", 0) != old.get("frees", 0) or \
                new.get("frees", 0) != old.get("frees", 0):
            raise ConflictError("a seat was freed while someone joined the waiting list")
        merged = dict(new)
        merged["joins"] = committed.get("joins", 0) + new.get("joins", 0) - old.get("joins", 0)
        return merged


class Registration(Persistent):
    """One person's registration: ``code`` (shown to them, checked at the door),
    ``status`` ``"confirmed"`` (holding ``seat``, None without a capacity) or
    ``"waiting"``; ``attended`` is when it was checked at the door."""
    __parent__ = None
    __name__ = None
    seat = None
    attended = None
    promoted = None
    waiting_key = None

    def __init__(self, user_id, code):
        self.user_id = user_id
        self.code = code
        self.created = now()
        self.status = "confirmed"

    @property
    def title(self):
        return getattr(self.__parent__, "title", "")


def _ensure(meeting):
    """The registration trees of ``meeting``, made by the first write."""
    if getattr(meeting, "registrations", None) is None:
        meeting.registrations = OOBTree()
        meeting.seats = IOBTree()
        meeting.waiting = OOBTree()
        meeting.codes = OOBTree()
        meeting.confirmed = Length()
        meeting.waiting_count = Length()
        meeting.attended = Length()
        meeting.gate = SeatGate()


def registration_of(meeting, user_id):
    """``user_id``'s ``Registration`` for ``meeting``, or None (reads only)."""
    tree = getattr(meeting, "registrations", None)
    return tree.get(user_id) if tree is not None and user_id else None


def counts(meeting) -> dict:
    """``{"confirmed", "waiting", "attended", "left"}``: seats taken, people waiting,
    people checked at the door, seats still free (None without a capacity)."""
    if getattr(meeting, "registrations", None) is None:
        return {"confirmed": 0, "waiting": 0, "attended": 0,
                "left": meeting.capacity or None}
    confirmed = meeting.confirmed()
    left = max(0, meeting.capacity - len(meeting.seats)) if meeting.capacity else None
    return {"confirmed": confirmed, "waiting": meeting.waiting_count(),
            "attended": meeting.attended(), "left": left}


def _free_seats(meeting) -> list[int]:
    return [s for s in range(1, meeting.capacity + 1) if s not in meeting.seats]


def _new_code(meeting) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in meeting.codes:
            return code


def normalise_code(text: str) -> str:
    """A typed code as stored: upper case, only letters and digits kept (spaces and
    dashes dropped), at most 40 characters: ``"acde-fg hj"`` → ``"ACDEFGHJ"``."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def _seat(meeting, registration):
    """Give ``registration`` a free seat (chosen at random), or return False."""
    if not meeting.capacity:
        registration.seat = None
        return True
    free = _free_seats(meeting)
    if not free:
        return False
    seat = random.choice(free)
    meeting.seats[seat] = registration.user_id
    registration.seat = seat
    return True


def register(meeting, user_id) -> Registration:
    """Register ``user_id`` to ``meeting``: a seat when one is free, else the waiting
    list. Returns the (new or existing) ``Registration``. Checks nothing about who may
    register (the view does); must run in the request's transaction."""
    _ensure(meeting)
    existing = meeting.registrations.get(user_id)
    if existing is not None:
        return existing
    registration = Registration(user_id, _new_code(meeting))
    # a name of its own (not the door code): the target of the notification telling
    # this person that a place freed up for them (``Meeting.__getitem__`` finds it)
    registration.__parent__ = meeting
    registration.__name__ = f"registration-{user_id}-{secrets.token_hex(12)}"
    meeting.registrations[user_id] = registration
    meeting.codes[registration.code] = user_id
    if _seat(meeting, registration):
        meeting.confirmed.change(1)
    else:
        registration.status = "waiting"
        registration.waiting_key = (time.time_ns(), user_id)
        meeting.waiting[registration.waiting_key] = user_id
        meeting.waiting_count.change(1)
        meeting.gate.joins += 1
    return registration


def cancel(meeting, user_id) -> list[Registration]:
    """Cancel ``user_id``'s registration (confirmed or waiting). Returns the
    registrations promoted from the waiting list to the freed seat (to be told).
    Raises ``RegistrationRefused`` when there is none."""
    from pyramid.i18n import TranslationStringFactory
    _ = TranslationStringFactory("beffroi_meetings")
    registration = registration_of(meeting, user_id)
    if registration is None:
        raise RegistrationRefused(_("You are not registered to this meeting."))
    del meeting.registrations[user_id]
    meeting.codes.pop(registration.code, None)
    if registration.status == "waiting":
        meeting.waiting.pop(registration.waiting_key, None)
        meeting.waiting_count.change(-1)
        return []
    meeting.confirmed.change(-1)
    if registration.attended is not None:
        meeting.attended.change(-1)
    if registration.seat is not None:
        meeting.seats.pop(registration.seat, None)
        meeting.gate.frees += 1
    return promote(meeting)


def promote(meeting) -> list[Registration]:
    """Give free seats to the people waiting, oldest first; returns the promoted
    registrations. Called after a cancellation and when the capacity grows."""
    promoted = []
    if getattr(meeting, "registrations", None) is None:
        return promoted
    while len(meeting.waiting):
        if meeting.capacity and not _free_seats(meeting):
            break
        key = meeting.waiting.minKey()
        user_id = meeting.waiting.pop(key)
        registration = meeting.registrations.get(user_id)
        meeting.waiting_count.change(-1)
        if registration is None:
            continue
        _seat(meeting, registration)
        registration.status = "confirmed"
        registration.waiting_key = None
        registration.promoted = now()
        meeting.confirmed.change(1)
        promoted.append(registration)
    if promoted:
        meeting.gate.frees += 1
    return promoted


def set_capacity(meeting, capacity: int) -> list[Registration]:
    """Change the capacity (0: no limit). Returns the registrations promoted into new
    seats. Raises ``RegistrationRefused`` when fewer seats than confirmed people remain."""
    from pyramid.i18n import TranslationStringFactory
    _ = TranslationStringFactory("beffroi_meetings")
    if getattr(meeting, "registrations", None) is None:
        meeting.capacity = capacity
        return []
    confirmed = meeting.confirmed()
    if capacity and capacity < confirmed:
        raise RegistrationRefused(_(
            "People already registered: ${count}. The capacity cannot be lower.",
            mapping={"count": confirmed}))
    if capacity == meeting.capacity:
        return []
    old = meeting.capacity
    # seats are renumbered 1..n so that every confirmed person holds one below the capacity
    taken = [uid for uid in meeting.seats.values()]
    if not old and capacity:
        taken = [r.user_id for r in meeting.registrations.values() if r.status == "confirmed"]
    meeting.seats.clear()
    meeting.capacity = capacity
    if capacity:
        for seat, uid in enumerate(taken, start=1):
            meeting.seats[seat] = uid
            meeting.registrations[uid].seat = seat
    else:
        for uid in taken:
            meeting.registrations[uid].seat = None
    meeting.gate.frees += 1
    return promote(meeting)


class CheckResult:
    """What the door check found: ``outcome`` is ``"checked"``, ``"unknown"``,
    ``"used"`` (``registration.attended`` tells when) or ``"waiting"``."""

    def __init__(self, outcome, registration=None):
        self.outcome, self.registration = outcome, registration


def check_in(meeting, code: str) -> CheckResult:
    """Mark the registration of ``code`` as attended (once)."""
    code = normalise_code(code)
    user_id = getattr(meeting, "codes", {}).get(code) if code else None
    registration = registration_of(meeting, user_id) if user_id else None
    if registration is None:
        return CheckResult("unknown")
    if registration.status != "confirmed":
        return CheckResult("waiting", registration)
    if registration.attended is not None:
        return CheckResult("used", registration)
    registration.attended = now()
    meeting.attended.change(1)
    return CheckResult("checked", registration)


def registrations_in_order(meeting):
    """Confirmed registrations in registration order, then the waiting list in order."""
    tree = getattr(meeting, "registrations", None)
    if tree is None:
        return [], []
    confirmed = sorted((r for r in tree.values() if r.status == "confirmed"),
                       key=lambda r: r.created)
    waiting = [tree[uid] for uid in meeting.waiting.values() if uid in tree]
    return confirmed, waiting


def forget(meeting, user_id) -> list[Registration]:
    """Account deletion: remove ``user_id``'s registration; returns who moved up."""
    if registration_of(meeting, user_id) is None:
        return []
    return cancel(meeting, user_id)
