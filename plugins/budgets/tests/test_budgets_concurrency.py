"""One vote per person and per budget under concurrent checkouts, through a real
waitress server with threads, the real transaction and retry machinery."""
from __future__ import annotations

import http.client
import threading
import urllib.parse

import waitress
from pyramid.interfaces import ISessionFactory
from pyramid.request import Request
from pyramid.response import Response

HOST = "test.localhost"


class LiveServer:
    """waitress serving the platform's app on a free loopback port, 8 threads."""

    def __init__(self, app):
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        self.port = self.server.effective_port
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            self.server.asyncore.loop(timeout=0.05, map=self.server._map, count=1)
        self.server.close()
        self.server.task_dispatcher.shutdown()

    def close(self):
        self.stopping.set()
        self.thread.join(10)


def session_cookie(app, org_id, user_id, sid):
    """A signed session cookie and CSRF token for ``user_id`` and its server-side session
    ``sid``, made by the app's own session factory (what a login writes), without 50
    password hashes."""
    request = Request.blank("/", environ={"HTTP_HOST": HOST})
    request.registry = app.registry
    session = app.registry.getUtility(ISessionFactory)(request)
    session["uid"], session["org"], session["sid"] = user_id, org_id, sid
    token = session.new_csrf_token()
    response = Response()
    request._process_response_callbacks(response)
    return response.headers["Set-Cookie"].split(";", 1)[0], token


def _post_all(port, requests):
    """POST every (path, cookie, token) at the same moment, one thread each."""
    statuses = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def client(i):
        path, cookie, token = requests[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = urllib.parse.urlencode({"csrf_token": token})
        barrier.wait()
        conn.request("POST", path, body=body, headers={
            "Host": HOST, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        statuses[i] = response.status
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    return statuses


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
    requests = [(url + "checkout", *session_cookie(app, org_id, uid, sid)) for uid, sid in ids]
    server = LiveServer(app)
    try:
        statuses = _post_all(server.port, requests)
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
    cookie, token = session_cookie(site.platform.app, org_id, uid, sid)
    server = LiveServer(site.platform.app)
    try:
        statuses = _post_all(server.port, [(url + "checkout", cookie, token)] * 20)
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
    cookie, token = session_cookie(site.platform.app, org_id, uid, sid)
    server = LiveServer(site.platform.app)
    try:
        _post_all(server.port, [(north + "checkout", cookie, token),
                                (south + "checkout", cookie, token)] * 5)
    finally:
        server.close()
    counted = site.read(north, lambda b: b.voters()) + site.read(south, lambda b: b.voters())
    assert counted == 1
