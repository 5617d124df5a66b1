"""Supports hold under concurrent requests, through a real waitress server with threads
and the real transaction/retry machinery: 20 people at once are all counted, one person
sending many supports at once is counted once."""
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


def _post_all(port, path, sessions):
    """POST ``path`` once per (cookie, token) of ``sessions``, all at the same moment."""
    statuses = [None] * len(sessions)
    barrier = threading.Barrier(len(sessions))

    def client(i):
        cookie, token = sessions[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = urllib.parse.urlencode({"csrf_token": token})
        barrier.wait()
        conn.request("POST", path, body=body, headers={
            "Host": HOST, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        statuses[i] = response.status
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def _session(site, email, url):
    browser = site.browser(email)
    token = csrf_of(browser.get(url))
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items()), token


def test_twenty_people_supporting_at_once_are_all_counted_and_one_person_once(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org")
    made = site.suggest(site.browser("ana@example.org"), url, "article-2-la-proprete", "",
                        "Des poubelles de tri à chaque coin de rue.")
    path = urllib.parse.urlsplit(made.location).path
    people = []
    for i in range(20):
        email = f"p{i}@example.org"
        site.user(email)
        people.append(_session(site, email, path))
    same = [_session(site, "ana@example.org", path)] * 8
    server = LiveServer(site.platform.app)
    try:
        statuses = _post_all(server.port, path + "support", people)
        repeated = _post_all(server.port, path + "support", same)
    finally:
        server.close()
    assert statuses == [302] * 20
    assert all(s == 302 for s in repeated)          # refusals are messages, not errors
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        suggestion = text.get("s1")
        assert suggestion.supports == 21 == len(suggestion.supporters)
    page = site.browser().get(path)
    assert page.html.select_one(".support-count").text.strip().endswith("21")
