"""Throttling of login, registration and reset attempts, per account and per address.

Kept in the ZODB, in the organisation (``organisation.throttle``), not in process
memory: behind a load balancer with N app servers an in-memory counter would grant
N times the attempts, and a restart would reset it. Each counter is a
``BTrees.Length`` under a key ``(window, kind, digest)``: concurrent failures on the
same account merge without ConflictError, and new keys land in distinct BTree slots.
Keys are hashed, so the tree does not keep the addresses people typed.

Counting uses fixed windows (keyed by their start, in seconds) with the previous
window weighted by the part of it still inside the sliding period (the classic
sliding-window approximation).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` attempts of ``kind`` per key in ``window`` seconds."""
    kind: str
    limit: int
    window: int


LOGIN_ACCOUNT = Rule("login-account", 5, 900)       # failed logins per e-mail typed
LOGIN_ADDRESS = Rule("login-address", 30, 900)      # failed logins per client address
REGISTER_ADDRESS = Rule("register-address", 5, 3600)
RESET_ADDRESS = Rule("reset-address", 10, 3600)     # reset requests per client address
RESET_ACCOUNT = Rule("reset-account", 3, 3600)      # reset mails per e-mail: no mail bombing
EMAIL_CHANGE_ACCOUNT = Rule("email-change-account", 3, 3600)   # address changes asked per account


def _digest(value):
    return hashlib.sha256((value or "").strip().lower().encode("utf-8", "replace")).hexdigest()[:32]


def _window(rule, now):
    """Start of the window holding ``now``, in seconds: keys then sort by time whatever
    the rule, which makes pruning a range deletion."""
    return int(now // rule.window) * rule.window


def attempts(organisation, rule, value, now=None) -> float:
    """Attempts of ``rule`` for ``value`` in the last ``rule.window`` seconds (estimated)."""
    tree = organisation.throttle
    if tree is None:
        return 0.0
    now = time.time() if now is None else now
    current = _window(rule, now)
    key = _digest(value)
    this = tree.get((current, rule.kind, key))
    previous = tree.get((current - rule.window, rule.kind, key))
    elapsed = (now % rule.window) / rule.window
    return (this() if this is not None else 0) + \
        (previous() if previous is not None else 0) * (1 - elapsed)


def is_throttled(organisation, rule, value, now=None) -> bool:
    """Has ``value`` used up its attempts? (Reads only.)"""
    return attempts(organisation, rule, value, now) >= rule.limit


def record(organisation, rule, value, now=None):
    """Count one attempt of ``rule`` for ``value``; old windows are pruned as we go."""
    tree = organisation.throttle
    if tree is None:
        tree = organisation.throttle = OOBTree()
    now = time.time() if now is None else now
    current = _window(rule, now)
    key = (current, rule.kind, _digest(value))
    counter = tree.get(key)
    if counter is None:
        counter = tree[key] = Length()
    counter.change(1)
    _prune(tree, now)


def reset(organisation, rule, value, now=None):
    """Forget the attempts of ``value`` (after a successful login)."""
    tree = organisation.throttle
    if tree is None:
        return
    now = time.time() if now is None else now
    current = _window(rule, now)
    for window in (current, current - rule.window):
        counter = tree.get((window, rule.kind, _digest(value)))
        if counter is not None and counter() != 0:
            counter.change(-counter())


def _prune(tree, now, keep_seconds=3 * 3600, batch=50):
    """Delete a few counters older than every rule's sliding period."""
    dead = list(tree.keys(max=(int(now - keep_seconds),), excludemax=True))[:batch]
    for key in dead:
        del tree[key]
