"""Where the core says "this content changed" or "this content is gone" to the
organisation search, without importing it (the search reads comments and moderation,
which call here: a direct import would be a loop). The search listens at start-up
(``beffroi.services.search.queue.register``); before that, calls do nothing."""
from __future__ import annotations

_listeners: list = []


def listen(on_change, on_removal) -> None:
    """Route ``changed(obj)`` to ``on_change(obj)`` and ``removed(obj)`` to ``on_removal(obj)``."""
    _listeners[:] = [(on_change, on_removal)]


def changed(obj) -> None:
    """``obj`` was created, edited, hidden, restored, withdrawn or deleted: re-index it
    (and re-read the state of what is inside it) once the transaction commits."""
    for on_change, _on_removal in _listeners:
        on_change(obj)


def removed(obj) -> None:
    """``obj`` leaves the tree: forget it and everything inside it, after the commit."""
    for _on_change, on_removal in _listeners:
        on_removal(obj)
