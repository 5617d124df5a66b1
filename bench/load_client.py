"""Browser-like HTTP clients for the load benchmark (``bench/load.py``).

Each client is one participant: it keeps its session cookie up to date from
``Set-Cookie``, follows redirects with a GET like a browser (which also reads the
flash message), and records what the server acknowledged, so that the benchmark can
count lost and doubled writes afterwards. No client retries a failed request: a
failure is counted as one.
"""
from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTR = re.compile(r'(name|value)="([^"]*)"')


@dataclass
class Tally:
    """What one client did and what the server acknowledged."""
    requests: int = 0
    writes: int = 0
    failures: int = 0                  # writes answered 5xx or not at all
    statuses: dict = field(default_factory=dict)
    supports: dict = field(default_factory=dict)      # proposal path → True/False/None
    comments: list = field(default_factory=list)      # tokens acknowledged
    proposals: list = field(default_factory=list)     # titles acknowledged
    seconds: list = field(default_factory=list)


class Browser:
    """One participant on one server: a keep-alive connection and a cookie."""

    def __init__(self, port, host, cookie, token):
        self.port, self.host = port, host
        self.cookie, self.token = cookie, token
        self.conn = None

    def request(self, method, path, body=None):
        headers = {"Host": self.host, "Cookie": self.cookie}
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _attempt in range(2):      # a keep-alive connection the server closed: reopen
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
        else:
            raise ConnectionError(f"{method} {path}: no answer")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("beffroi="):
                self.cookie = value.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Location"), text

    def write(self, path, data, tally):
        """POST like a form, then follow the redirect; True when acknowledged (302)."""
        tally.writes += 1
        start = time.perf_counter()
        try:
            status, location, _text = self.request("POST", path, {"csrf_token": self.token, **data})
        except (OSError, ConnectionError):
            status, location = 0, None
        tally.seconds.append(time.perf_counter() - start)
        tally.requests += 1
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status >= 500 or status == 0:
            tally.failures += 1
            return None if status == 0 else False
        if status == 302 and location:
            self.read(urllib.parse.urlsplit(location).path, tally)
            return True
        return False

    def read(self, path, tally):
        try:
            status, _location, text = self.request("GET", path)
        except (OSError, ConnectionError):
            status, text = 0, ""
        tally.requests += 1
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        return text


def form_fields(html):
    """The hidden inputs of a page (deform's ``__formid__``, ``_charset_`` …)."""
    out = {}
    for tag in HIDDEN_INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs["name"] != "csrf_token":
            out[attrs["name"]] = attrs.get("value", "")
    return out


def participant(browser, base, proposals, seconds, tally, rng, label):
    """The realistic mix, for ``seconds``: 30% support or withdraw a support, 20%
    comment, 5% create a proposal, 45% read (listing or a proposal page). Writes go
    to the first ten proposals most of the time (the hot ones)."""
    deadline = time.monotonic() + seconds
    serial = 0
    while time.monotonic() < deadline:
        serial += 1
        pick = rng.random()
        hot = proposals[:10] if rng.random() < 0.8 else proposals
        path = rng.choice(hot)
        if pick < 0.30:
            state = tally.supports.get(path, False)
            if state is None:
                continue                           # unknown after a lost answer: leave it
            action = "unsupport" if state else "support"
            ok = browser.write(path + action, {}, tally)
            if ok:
                tally.supports[path] = not state
            elif ok is None:
                tally.supports[path] = None
        elif pick < 0.50:
            token = f"{label}-{serial}"
            ok = browser.write(path + "comment", {"body": f"Avis {token} : d'accord.",
                                                  "alignment": "0", "reply_to": ""}, tally)
            if ok:
                tally.comments.append(token)
        elif pick < 0.55:
            page = browser.read(base + "add", tally)
            title = f"Proposition {label}-{serial}"
            data = {**form_fields(page), "title": title, "create": "create",
                    "body": "Une proposition écrite pendant le banc d'essai de charge."}
            if browser.write(base + "add", data, tally):
                tally.proposals.append(title)
        elif pick < 0.75:
            browser.read(base + rng.choice(("", "?order=supported", "?order=commented")), tally)
        else:
            browser.read(path, tally)


def run_participants(browsers, base, proposals, seconds, seed=1):
    """Run one thread per browser; return their tallies."""
    tallies = [Tally() for _b in browsers]
    threads = [threading.Thread(target=participant, args=(
        b, base, proposals, seconds, tallies[i], random.Random(seed * 1000 + i), f"c{i}"))
        for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tallies
