"""The application root kept in the ZODB root mapping, and its bootstrap."""
from __future__ import annotations

import contextlib

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from beffroi.resources.folder import Folder

ROOT_KEY = "beffroi"


class System(Persistent):
    """Platform-wide data that belongs to no organisation: system admins."""

    def __init__(self):
        self.admins = OOBTree()          # e-mail → User (system admins)


class AppRoot(Persistent):
    """Top of the tree. Requests never see it: they start at their organisation."""

    def __init__(self):
        self.organisations = Folder()
        self.hosts = OOBTree()           # host → organisation id
        self.system = System()
        self.evolved = OOTreeSet()       # names of finished evolve steps

    def organisation_for_host(self, host):
        oid = self.hosts.get(host)
        return self.organisations.get(oid) if oid else None


def get_app_root(conn):
    return conn.root()[ROOT_KEY]


@contextlib.contextmanager
def app_root_of(db):
    """The application root of ``db`` inside one transaction of its own (a connection
    and transaction manager apart from any request's), committed on success, aborted
    when the block raises."""
    import transaction
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            yield get_app_root(conn)
    finally:
        conn.close()


def bootstrap(db, evolve_steps=()):
    """Create the application root on a new database, marking every known evolve
    step finished (a new database starts up to date). Idempotent."""
    import transaction
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            root = conn.root()
            if ROOT_KEY not in root:
                app = AppRoot()
                for step in evolve_steps:
                    app.evolved.add(step.name)
                root[ROOT_KEY] = app
    finally:
        conn.close()
