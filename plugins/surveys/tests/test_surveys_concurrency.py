"""One answer per participant holds when one person sends the same questionnaire 20
times at once, through a real waitress server with threads and the real
transaction/retry machinery."""
from __future__ import annotations

import http.client
import threading
import urllib.parse

import waitress

from beffroi.devkit.testing import csrf_of

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


def _post_all(port, path, count, cookie, body):
    statuses = [None] * count
    barrier = threading.Barrier(count)

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        conn.request("POST", path, body=body, headers={
            "Host": HOST, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        statuses[i] = response.status
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def test_twenty_simultaneous_submissions_by_one_person_count_once(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "single", "Couleur", options="Rouge\nVert")
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    user_id = site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    token = csrf_of(ana.get(url))
    cookie = "; ".join(f"{k}={v}" for k, v in ana.cookies.items())
    body = urllib.parse.urlencode({"csrf_token": token, "q1": "0", "q2": "bonjour"})
    server = LiveServer(site.platform.app)
    try:
        statuses = _post_all(server.port, url, 20, cookie, body)
    finally:
        server.close()
    assert all(s == 302 for s in statuses), statuses
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        assert survey.count() == 1 and len(survey.responses) == 1
        assert list(survey.answered.keys()) == [user_id]
        assert survey.tally.get(1 * 4096 + 1) == 1          # "Rouge" counted once
        assert len(survey.texts_of(2)) == 1
    assert "Vous avez répondu à ce questionnaire" in ana.get(url).text
