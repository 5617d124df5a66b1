"""One vote per person and per budget under concurrent checkouts, through a real
waitress server with threads, the real transaction and retry machinery."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import LiveServer, post_at_once, signed_session

HOST = "test.localhost"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """Concurrent requests run with the shipped retry count (development.ini and
    production.ini: 10), not the test fixture's 3."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


def _checkouts(app, org_id, paths_and_sessions):
    """The checkout POSTs of ``(path, user id, session id)``, each with the signed cookie
    and CSRF token a login would give (no 50 password hashes)."""
    requests = []
    for path, uid, sid in paths_and_sessions:
        cookie, token = signed_session(app, org_id, uid, sid)
        requests.append((path, {"csrf_token": token}, cookie))
    return requests


def _voters(site, url, count):
    """``count`` participants, each with project 1 in their (unconfirmed) vote and a
    session opened as a login opens it: [(user id, session id)]."""
    from beffroi.accounts.sessions import open_session
    from beffroi.resources.user import User
    from beffroi_budgets.voting import add_to_vote
    with site.platform.tx() as app:
        org = app.organisation_for_host(HOST)
        budget = site.container(app)[url.rstrip("/").rsplit("/", 1)[-1]]
        ids = []
        for i in range(count):
            user = User(f"voter{i}@example.org", f"Voter {i}")     # no password: signed cookies
            user.confirmed = True
            org.users.add_user(user)
            add_to_vote(budget, user.id, budget.project(1))
            ids.append((user.id, open_session(user, "test")))
        return org.id, ids


def _outbox_count(site):
    from beffroi.services.mail.queue import get_outbox
    conn = site.platform.db.open()
    try:
        outbox = get_outbox(conn, create=False)
        return len(outbox.pending) if outbox is not None else 0
    finally:
        conn.close()


def test_fifty_people_checking_out_at_once_are_all_counted(site):
    url = site.budget(projects=(("Bancs", 10_000), ("Jardin", 20_000)))
    org_id, ids = _voters(site, url, 50)
    app = site.platform.app
    requests = _checkouts(app, org_id, [(url + "checkout", uid, sid) for uid, sid in ids])
    server = LiveServer(app)
    try:
        statuses = post_at_once(server.port, requests)
    finally:
        server.close()
    assert statuses == [302] * 50
    confirmed = site.read(url, lambda b: sum(1 for v in b.ballots.values() if v.checked_out))
    assert confirmed == 50
    assert site.read(url, lambda b: (b.voters(), b.votes.get(1), b.votes.get(2))) == (50, 50, 0)
    assert _outbox_count(site) == 50                      # one confirmation each


def test_twenty_checkouts_of_one_person_at_once_count_once(site):
    url = site.budget(projects=(("Bancs", 10_000),))
    org_id, [(uid, sid)] = _voters(site, url, 1)
    requests = _checkouts(site.platform.app, org_id, [(url + "checkout", uid, sid)])
    server = LiveServer(site.platform.app)
    try:
        statuses = post_at_once(server.port, requests * 20)
    finally:
        server.close()
    assert all(s == 302 for s in statuses), statuses
    assert site.read(url, lambda b: (b.voters(), b.votes.get(1))) == (1, 1)
    assert _outbox_count(site) == 1                       # one confirmation


def test_one_person_checking_out_in_two_budgets_at_once_under_the_one_budget_rule(site):
    site.settings(who_votes="one")
    north = site.budget("Nord", projects=(("Bancs", 10_000),))
    south = site.budget("Sud", projects=(("Bancs", 10_000),))
    org_id, [(uid, sid)] = _voters(site, north, 1)
    from beffroi_budgets.voting import add_to_vote
    site.read(south, lambda b: add_to_vote(b, uid, b.project(1)))
    cookie, token = signed_session(site.platform.app, org_id, uid, sid)
    fields = {"csrf_token": token}
    server = LiveServer(site.platform.app)
    try:
        post_at_once(server.port, [(north + "checkout", fields, cookie),
                                   (south + "checkout", fields, cookie)] * 5)
    finally:
        server.close()
    counted = site.read(north, lambda b: b.voters()) + site.read(south, lambda b: b.voters())
    assert counted == 1
