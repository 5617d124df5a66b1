"""The action log: every administrative act of an organisation, append-only.

Entries live in one ``OOBTree`` per organisation keyed by ``"<ISO time>-<random id>"``:
keys sort by time, two admins acting at once insert different keys (BTree conflict
resolution merges them), and nothing ever rewrites an entry.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.resources.folder import now


@dataclass(frozen=True)
class LogEntry:
    """One administrative act: who (id, name, kind), what, when, on what, details."""
    when: datetime
    actor_id: str
    actor_name: str
    actor_kind: str          # "participant" or "system"
    action: str              # dotted code, e.g. "moderation.hide", "space.publish"
    target: str              # human-readable object acted upon (title, e-mail …)
    space: str = ""          # slug of the space concerned, "" for organisation-wide acts
    details: dict = field(default_factory=dict)


class ActionLog(Persistent):
    """Entries of one organisation, oldest first by key."""

    def __init__(self):
        self.entries = OOBTree()

    def append(self, entry: LogEntry) -> str:
        key = f"{entry.when.isoformat()}-{uuid.uuid4().hex[:8]}"
        self.entries[key] = entry
        return key

    def newest(self, actor_id=None, action=None, space=None, limit=200):
        """Entries newest first, filtered by actor id, action (prefix) and space slug."""
        out = []
        for entry in self._newest_first():
            if actor_id and entry.actor_id != actor_id:
                continue
            if action and not (entry.action == action or entry.action.startswith(action + ".")):
                continue
            if space is not None and space != "" and entry.space != space:
                continue
            out.append(entry)
            if len(out) >= limit:
                break
        return out


    def _newest_first(self):
        """Entries newest first, one day of keys at a time: a BTree has no reverse
        iterator, and reversing the whole tree would load every bucket of years of log
        to show the latest page."""
        if not self.entries:
            return
        day = date.fromisoformat(self.entries.maxKey()[:10])
        first = date.fromisoformat(self.entries.minKey()[:10])
        while day >= first:
            prefix = day.isoformat()
            yield from reversed(list(self.entries.values(min=prefix, max=prefix + "\uffff")))
            day -= timedelta(days=1)


def log_of(organisation, create=False):
    """The organisation's log; created on first write only (a read never writes)."""
    return organisation.part("action_log", ActionLog, create)


def actor_of(request):
    """(id, name, kind) of whoever acts in ``request``: a system admin or a participant."""
    from beffroi.security import current_system_admin
    route = getattr(request, "matched_route", None)
    system_admin = current_system_admin(request) if route is not None and \
        route.name == "system" else None
    if system_admin is not None:
        return f"system:{system_admin.email}", system_admin.name, "system"
    user = request.user
    if user is not None:
        return user.id, user.name, "participant"
    return "", "", "anonymous"


def record(request, action, target="", space="", organisation=None, **details):
    """Append an entry for the act ``action`` done in ``request`` on ``target``."""
    organisation = organisation if organisation is not None else request.organisation
    actor_id, actor_name, kind = actor_of(request)
    entry = LogEntry(now(), actor_id, actor_name, kind, action, str(target or ""),
                     space or "", {k: str(v) for k, v in details.items()})
    return log_of(organisation, create=True).append(entry)
