"""The support limit holds when one participant sends many supports at once, through a
real waitress server with threads and the real transaction/retry machinery."""
from __future__ import annotations

import http.client
import threading
import urllib.parse

import pytest
import waitress

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
BASE = "/budget/proposals/"


class LiveServer:
    """waitress serving the platform's app on a free loopback port, 8 threads."""

    def __init__(self, app):
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        self.port = self.server.effective_port
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        # loop in short rounds so that the socket is closed by this thread, not under it
        while not self.stopping.is_set():
            self.server.asyncore.loop(timeout=0.05, map=self.server._map, count=1)
        self.server.close()
        self.server.task_dispatcher.shutdown()

    def close(self):
        self.stopping.set()
        self.thread.join(10)


def _post_all(port, paths, cookie, token):
    """POST every path at the same moment, one thread each; return the statuses."""
    statuses = [None] * len(paths)
    barrier = threading.Barrier(len(paths))

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = urllib.parse.urlencode({"csrf_token": token})
        barrier.wait()
        conn.request("POST", paths[i], body=body, headers={
            "Host": HOST, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        statuses[i] = response.status
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


@pytest.mark.parametrize("requests", [8, 50])
def test_one_participant_sending_supports_at_once_gets_at_most_the_limit(site, requests):
    site.settings(support_limit=2)
    site.user("ana@example.org")
    bob_id = site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    urls = [site.create(ana, title=f"Proposition numéro {i}").location for i in range(8)]
    bob = site.browser("bob@example.org")
    page = bob.get(urls[0])
    token = csrf_of(page)
    cookie = "; ".join(f"{k}={v}" for k, v in bob.cookies.items())
    paths = [urllib.parse.urlsplit(urls[i % 8]).path + "support" for i in range(requests)]
    server = LiveServer(site.platform.app)
    try:
        statuses = _post_all(server.port, paths, cookie, token)
    finally:
        server.close()
    assert all(s is not None for s in statuses)
    with site.platform.tx() as app:
        container = site.container(app)
        supported = [p.number for p in container.values() if bob_id in p.supporters]
        total = sum(p.supports for p in container.values())
    assert 1 <= len(supported) <= 2
    assert total == len(supported)
    assert statuses.count(302) >= len(supported)
