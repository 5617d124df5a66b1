"""The ZODB database class of Beffroi: it reads databases and organisation exports made
before a persistent class moved.

A pickle names its class by module and name. When a class moves to another module
(the core regrouped by feature in 2026-11, for instance), its old module goes in
``RENAMED_MODULES`` for good: ``Database.classFactory`` reads it, so a database, a
backup or an organisation export made before the move keeps loading, and objects are
written back under the new name as they change. A plugin that moves one of its
persistent classes does the same with an evolve step (or ``zodbupdate``).
"""
from __future__ import annotations

from ZODB import DB

#: old dotted module → new dotted module, for every module whose classes moved
RENAMED_MODULES: dict[str, str] = {}


class Database(DB):
    """A ``ZODB.DB`` whose class factory follows ``RENAMED_MODULES``."""

    def classFactory(self, connection, modulename, globalname):
        return super().classFactory(connection, RENAMED_MODULES.get(modulename, modulename),
                                    globalname)
