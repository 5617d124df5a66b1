"""What ``/-/health`` tells: ok or not to anyone, details to those allowed.

Details (``health_details``) go to system admins and to the client addresses of
``beffroi.health_details_from`` (addresses or networks, space-separated, e.g.
``127.0.0.1 ::1 10.0.0.0/8``). Behind a reverse proxy, let waitress take the
client address from it (``trusted_proxy``), or every client looks local.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime, timezone


def parse_networks(value) -> tuple:
    """The networks of ``beffroi.health_details_from``; raises ValueError on a bad one."""
    networks = []
    for item in (value or "").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"beffroi.health_details_from: {item!r} is not an address or a "
                             f"network (write e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return tuple(networks)


def address_in(address: str | None, networks) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    return any(ip in net for net in networks)


def storage_kind(storage) -> str:
    name = type(storage).__name__
    if name == "ClientStorage":
        return "ZEO"
    if name == "BlobStorage":
        return "FileStorage"
    return name


def _relstorage_objects(storage) -> int:
    adapter = storage._adapter
    table = "current_object" if adapter.keep_history else "object_state"
    conn, cursor = adapter.connmanager.open()
    try:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])
    finally:
        adapter.connmanager.close(conn, cursor)


def object_count(storage) -> int | None:
    """Objects in the database, counted now (not an estimate)."""
    kind = type(storage).__name__
    if kind == "RelStorage":
        return _relstorage_objects(storage)
    if kind == "ClientStorage":
        return storage._call("get_info")["length"]     # the server's count, now
    try:
        return len(storage)
    except TypeError:
        return None


def database_facts(conn) -> dict:
    """Storage kind, last transaction (as this request sees it) and object count."""
    db = conn.db()
    storage = db.storage
    instance = getattr(conn, "_storage", None)      # polled at the start of the request
    last = instance.lastTransaction() if hasattr(instance, "lastTransaction") else db.lastTransaction()
    return {"storage": storage_kind(storage), "last_transaction": last.hex(),
            "last_commit": _tid_time(last), "objects": object_count(storage)}


def _tid_time(tid: bytes) -> str | None:
    from persistent.timestamp import TimeStamp
    if tid == b"\0" * 8:
        return None
    return datetime.fromtimestamp(TimeStamp(tid).timeTime(), timezone.utc).isoformat()


def mail_facts(conn, now=None) -> dict:
    """Messages waiting in the outbox, the age of the oldest in seconds, failures, and
    notification jobs waiting for their fan-out (``beffroi.services.notifications.queue``)."""
    from beffroi.services.mail.queue import get_outbox
    outbox = get_outbox(conn, create=False)
    if outbox is None:
        return {"pending": 0, "oldest_pending_seconds": None, "failed": 0,
                "notifications_waiting": 0}
    now = now or datetime.now(timezone.utc)
    oldest = None
    if len(outbox.pending):
        oldest = round((now - outbox.pending[outbox.pending.minKey()].created).total_seconds(), 1)
    from beffroi.services.notifications.queue import waiting_in
    return {"pending": len(outbox.pending), "oldest_pending_seconds": oldest,
            "failed": len(outbox.failed), "notifications_waiting": waiting_in(outbox)}


def health_details(conn) -> dict:
    """Everything an operator looks at: database, mail queue, periodic jobs."""
    from beffroi.ops.jobs import last_runs
    from beffroi.resources.root import ROOT_KEY
    app = conn.root()[ROOT_KEY]
    facts = database_facts(conn)
    facts["organisations"] = len(app.organisations)
    return {"database": facts, "mail": mail_facts(conn), "jobs": last_runs(conn)}
