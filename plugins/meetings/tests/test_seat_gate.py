"""The concurrency contract of ``beffroi_meetings.registrations``, on two database
connections of a real FileStorage: people joining the waiting list at once do not
collide, but joining while someone else frees a seat does (the retry then takes the
seat instead of waiting beside it)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import transaction
from ZODB.POSException import ConflictError

from beffroi_meetings.models import add_meeting
from beffroi_meetings.registrations import cancel, register, registration_of

pytestmark = pytest.mark.beffroi_modules("meetings")


@pytest.fixture
def full_meeting(platform, beffroi_space):
    """A meeting with one place, taken by ``holder``; returns the path to it."""
    space = beffroi_space("meetings", slug="quartier")
    start = datetime.now(timezone.utc) + timedelta(days=3)
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces[space.slug]["meetings"]
        meeting = add_meeting(container, "Réunion", "Texte", "online", start,
                              start + timedelta(hours=1), online_url="https://example.org/v")
        meeting.registrations_enabled, meeting.capacity = True, 1
        register(meeting, "holder")
    return space.slug


def _meeting(connection, slug):
    from beffroi.resources.root import get_app_root
    org = get_app_root(connection).organisation_for_host("test.localhost")
    return org.spaces[slug]["meetings"]["1"]


def _two_connections(platform):
    managers = [transaction.TransactionManager() for _ in range(2)]
    return [(m, platform.db.open(transaction_manager=m)) for m in managers]


def test_two_people_joining_the_waiting_list_at_once_both_wait(platform, full_meeting):
    (tm1, c1), (tm2, c2) = _two_connections(platform)
    try:
        register(_meeting(c1, full_meeting), "ana")
        register(_meeting(c2, full_meeting), "bob")
        tm1.commit()
        tm2.commit()                         # merged: different keys, joins added up
    finally:
        c1.close(), c2.close()
    with platform.tx() as app:
        meeting = _meeting(app._p_jar, full_meeting)
        assert [registration_of(meeting, u).status for u in ("ana", "bob")] == ["waiting"] * 2
        assert meeting.waiting_count() == 2 and meeting.gate.joins == 2


def test_joining_while_a_seat_frees_up_conflicts_and_the_retry_takes_the_seat(
        platform, full_meeting):
    (tm1, c1), (tm2, c2) = _two_connections(platform)
    try:
        register(_meeting(c1, full_meeting), "ana")     # sees the meeting full: waits
        promoted = cancel(_meeting(c2, full_meeting), "holder")
        assert promoted == []                           # nobody was waiting in its view
        tm2.commit()
        with pytest.raises(ConflictError):
            tm1.commit()
        tm1.abort()
        # the retry reads the freed seat
        registration = register(_meeting(c1, full_meeting), "ana")
        assert registration.status == "confirmed"
        tm1.commit()
    finally:
        c1.close(), c2.close()
    with platform.tx() as app:
        meeting = _meeting(app._p_jar, full_meeting)
        assert meeting.confirmed() == 1 and meeting.waiting_count() == 0
        assert dict(meeting.seats) == {1: "ana"}
