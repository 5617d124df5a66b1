"""Requests per client and window for the JSON API, with the limits in every response.

A window of ``window`` seconds, opened by a client's first request, allows ``limit``
requests per client: a token, or the client address for requests without a token
(and for guesses of tokens). Every API
response carries the state of its client's window, in the headers of the IETF draft
"RateLimit header fields for HTTP" and the older ``X-RateLimit-*`` ones clients know:

- ``RateLimit-Limit`` / ``X-RateLimit-Limit``: requests allowed per window;
- ``RateLimit-Remaining`` / ``X-RateLimit-Remaining``: left in this window;
- ``RateLimit-Reset`` / ``X-RateLimit-Reset``: seconds until the window ends
  (``X-RateLimit-Reset`` is the Unix time of that moment, as GitHub sends it);

and a request beyond the limit gets 429 with ``Retry-After``.

The counts live in the memory of each app process (a dict of windows, pruned as
windows end): nothing to set up and no database write per request, which keeps the
embedded set-up working; behind N app processes a client gets at most N × ``limit``
per window. Settings: ``beffroi.api.rate_limit`` (default 300) and
``beffroi.api.rate_window`` (seconds, default 60).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    """The state of one client's window after a request."""
    limit: int
    remaining: int
    reset: int            # seconds until the window ends
    allowed: bool

    def headers(self) -> dict:
        values = {"Limit": str(self.limit), "Remaining": str(self.remaining),
                  "Reset": str(self.reset)}
        out = {f"RateLimit-{k}": v for k, v in values.items()}
        out.update({f"X-RateLimit-{k}": v for k, v in values.items()})
        out["X-RateLimit-Reset"] = str(int(time.time()) + self.reset)
        if not self.allowed:
            out["Retry-After"] = str(self.reset)
        return out


class RateLimiter:
    """``limit`` requests per ``window`` seconds per key, in this process; thread-safe."""

    def __init__(self, limit=300, window=60, clock=time.monotonic):
        self.limit, self.window, self.clock = int(limit), int(window), clock
        self._counts: dict = {}
        self._lock = threading.Lock()

    def hit(self, key) -> Quota:
        """Count one request of ``key``; return its ``Quota`` (``allowed`` False when
        this request is beyond the limit: it is then not counted). A client's window
        opens with its first request and lasts ``window`` seconds."""
        moment = self.clock()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items()
                                if v[0] + self.window > moment}
            start, count = self._counts.get(key, (moment, 0))
            if start + self.window <= moment:
                start, count = moment, 0
            reset = max(1, int(start + self.window - moment + 0.999))
            if count >= self.limit:
                return Quota(self.limit, 0, reset, False)
            count += 1
            self._counts[key] = (start, count)
        return Quota(self.limit, self.limit - count, reset, True)


def limiter_from_settings(settings) -> RateLimiter:
    return RateLimiter(int(settings.get("beffroi.api.rate_limit", 300)),
                       int(settings.get("beffroi.api.rate_window", 60)))
