"""Schema changes as small named steps, one transaction each, recorded in the database."""
from __future__ import annotations

import logging

import transaction

from beffroi.resources.root import get_app_root

log = logging.getLogger(__name__)


def pending(app_root, steps):
    return [s for s in steps if s.name not in app_root.evolved]


def evolve(db, steps, out=print) -> list[str]:
    """Run every pending step of the core and the plugins; return the names run."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    done = []
    try:
        for step in steps:
            with tm:
                app = get_app_root(conn)
                if step.name in app.evolved:
                    continue
                out(f"evolving: {step.name} {step.description}".rstrip())
                step.run(app)
                app.evolved.add(step.name)
            done.append(step.name)
    finally:
        conn.close()
    return done


def sync_indexes(db):
    """At start-up: add catalog indexes that newly installed modules declare (one
    transaction, only when something is missing)."""
    from beffroi.catalog import declared_indexes, ensure_catalog
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            app = get_app_root(conn)
            wanted = declared_indexes()
            for org in app.organisations.values():
                cat = getattr(org, "catalog", None)
                if cat is None or not wanted <= set(cat.catalog.keys()):
                    ensure_catalog(org)
    finally:
        conn.close()
