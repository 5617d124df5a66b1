"""The stored open-data archive of each organisation, and when it is rebuilt.

One ``StoredArchive`` per organisation (attribute ``open_data_archive``, made at the
first build) keeps the ZIP in a blob, its README and when it was built. It is rebuilt
when older than the setting ``beffroi.open_data.max_age`` (minutes, default 60):
by the periodic job ``opendata.refresh`` (every ``max_age`` minutes, all
organisations) and by ``beffroi open-data``. A visitor who finds none, or a stale
one, gets one built from their request's snapshot and kept in that process's memory
for ``max_age`` (``views.current_archive``): a GET never writes to the database.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import transaction
from persistent import Persistent
from ZODB.blob import Blob

from beffroi.services.opendata.archive import build

ATTRIBUTE = "open_data_archive"
DEFAULT_MAX_AGE = 60          # minutes


class StoredArchive(Persistent):
    built = None              # aware datetime (UTC)
    readme = ""
    size = 0
    files = ()                # ((stem, rows), …)

    def __init__(self):
        self.blob = Blob()

    def store(self, data: bytes, readme: str, files, built):
        with self.blob.open("w") as out:
            out.write(data)
        self.readme, self.size, self.files, self.built = readme, len(data), tuple(files), built

    def read(self) -> bytes:
        with self.blob.open("r") as source:
            return source.read()


def max_age(settings) -> timedelta:
    """``beffroi.open_data.max_age`` (minutes; at least 1) as a ``timedelta``."""
    try:
        minutes = int(settings.get("beffroi.open_data.max_age", DEFAULT_MAX_AGE))
    except (TypeError, ValueError):
        minutes = DEFAULT_MAX_AGE
    return timedelta(minutes=max(1, minutes))


def stored(organisation) -> StoredArchive | None:
    return getattr(organisation, ATTRIBUTE, None)


def is_fresh(archive, settings, now=None) -> bool:
    now = now or datetime.now(timezone.utc)
    return archive is not None and archive.built is not None \
        and now - archive.built < max_age(settings)


def anonymous_request(registry, organisation, base_url):
    """A request of nobody in particular on ``organisation`` (its default language):
    what an anonymous visitor may read is what the archive holds."""
    from pyramid.request import Request, apply_request_extensions
    request = Request.blank("/", base_url=base_url)
    request.registry = registry
    apply_request_extensions(request)
    request.organisation = organisation
    request.user = None
    return request


def build_for(registry, organisation, base_url, now=None):
    """Build (not store) the archive of ``organisation``: ``archive.Built``."""
    from pyramid.threadlocal import manager
    request = anonymous_request(registry, organisation, base_url)
    manager.push({"registry": registry, "request": request})
    try:
        return build(request, organisation, now or datetime.now(timezone.utc))
    finally:
        manager.pop()


def save(organisation, built, now) -> StoredArchive:
    """Store ``built`` on ``organisation`` (a write in the caller's transaction)."""
    archive = organisation.part(ATTRIBUTE, StoredArchive, create=True)
    archive.store(built.data, built.readme, built.files, now)
    return archive


def refresh_all(db, registry, settings, force=False, only=None, out=lambda line: None) -> int:
    """Rebuild the archive of every organisation (or of ``only``, an id) that is stale
    (all with ``force``), one transaction each; returns how many were built."""
    from beffroi.resources.root import get_app_root
    from beffroi.urls import public_base
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    count = 0
    try:
        with tm:
            ids = list(get_app_root(conn).organisations.keys())
        for oid in ids:
            if only is not None and oid != only:
                continue
            with tm:
                organisation = get_app_root(conn).organisations.get(oid)
                if organisation is None or (not force and is_fresh(stored(organisation), settings)):
                    continue
                now = datetime.now(timezone.utc)
                built = build_for(registry, organisation, public_base(settings, organisation.host), now)
                save(organisation, built, now)
                out(f"{organisation.host}: open data archive rebuilt ({len(built.files)} tables, "
                    f"{len(built.data)} bytes)")
                for stem, columns in built.undocumented.items():
                    out(f"warning: {stem}: fields without documentation: {', '.join(columns)}")
            count += 1
    finally:
        conn.close()
    return count
