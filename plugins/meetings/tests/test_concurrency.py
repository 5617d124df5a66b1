"""Fifty people register at the same moment for ten places, through a real waitress
server with threads and the real transaction/retry machinery: ten get a place, forty
wait, nobody is lost or counted twice, and cancellations move the waiting list up."""
from __future__ import annotations

import re

import pytest

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once

pytestmark = pytest.mark.beffroi_modules("meetings")
HOST = "test.localhost"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """The shipped retry count (development.ini and production.ini: 10), not the
    fixture's 3: this test is about what production does under a burst."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


def _post_all(port, path, clients):
    """POST ``path`` for every (cookie, token) at the same moment; the statuses."""
    return post_at_once(port, [(path, {"csrf_token": token, "accept_terms": "1"}, cookie)
                               for cookie, token in clients])


def test_fifty_concurrent_registrations_never_exceed_ten_places(platform, beffroi_space,
                                                                beffroi_browser, mt):
    space = beffroi_space("meetings", slug="quartier")
    platform.login_as(beffroi_browser, role="admin", space=space.slug)
    path = mt.meeting_path(mt.add_meeting(beffroi_browser, space))
    mt.set_registrations(beffroi_browser, path, 10, terms="Conditions")
    import time
    t0 = time.perf_counter()
    from beffroi.accounts.users import create_user
    from beffroi.devkit.testing import PASSWORD
    with platform.tx() as app:                     # one transaction for the 50 accounts
        org = app.organisation_for_host(HOST)
        for i in range(50):
            create_user(org, f"p{i:02d}@example.org", f"P{i:02d}", PASSWORD, confirmed=True)
    t2 = time.perf_counter()
    browsers, clients = [], []
    for i in range(50):
        browser = platform.browser(HOST)
        platform.login(browser, f"p{i:02d}@example.org")
        token = csrf_of(browser.get(path))
        cookie = cookie_header(browser)
        browsers.append(browser)
        clients.append((cookie, token))
    t1 = time.perf_counter()
    server = LiveServer(platform.app)
    try:
        statuses = _post_all(server.port, path + "register", clients)
    finally:
        server.close()
    print(f"accounts {t2 - t0:.1f} s, set-up {t1 - t0:.1f} s, 50 registrations {time.perf_counter() - t1:.1f} s")
    assert statuses == [302] * 50
    with platform.tx() as app:
        meeting = app.organisation_for_host(HOST).spaces[space.slug]["meetings"]["1"]
        confirmed = [r for r in meeting.registrations.values() if r.status == "confirmed"]
        waiting = [r for r in meeting.registrations.values() if r.status == "waiting"]
        assert len(meeting.registrations) == 50
        assert len(confirmed) == 10 and len(waiting) == 40
        assert sorted(r.seat for r in confirmed) == list(range(1, 11))
        assert meeting.confirmed() == 10 and meeting.waiting_count() == 40
        assert len(meeting.waiting) == 40 and len(meeting.codes) == 50
        first_waiting = meeting.registrations[meeting.waiting[meeting.waiting.minKey()]].user_id
        holders = [r.user_id for r in confirmed]
    page = beffroi_browser.get(path)
    assert "10 inscrit·e·s pour 10 places." in page.text
    assert "40 sur la liste d'attente." in page.text
    # two places freed at the same moment go to the first two people waiting
    by_id = {}
    with platform.tx() as app:
        users = app.organisation_for_host(HOST).users
        for i, browser in enumerate(browsers):
            by_id[users.find_by_email(f"p{i:02d}@example.org").id] = i
    leaving = [clients[by_id[uid]] for uid in holders[:2]]
    server = LiveServer(platform.app)
    try:
        assert _post_all(server.port, path + "unregister", leaving) == [302, 302]
    finally:
        server.close()
    with platform.tx() as app:
        meeting = app.organisation_for_host(HOST).spaces[space.slug]["meetings"]["1"]
        assert meeting.confirmed() == 10 and meeting.waiting_count() == 38
        assert len(meeting.seats) == 10
        assert meeting.registrations[first_waiting].status == "confirmed"
    promoted = browsers[by_id[first_waiting]]
    assert "Vous êtes inscrit·e. Présentez ce code" in promoted.get(path).text
    assert re.search("place s'est libérée|Réunion publique", promoted.get("/-/notifications").text)
