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

import contextlib
import importlib
import sys

from ZODB import DB

#: old dotted module → new dotted module, for every module whose classes moved
RENAMED_MODULES: dict[str, str] = {}


class Database(DB):
    """A ``ZODB.DB`` whose class factory follows ``RENAMED_MODULES``."""

    def classFactory(self, connection, modulename, globalname):
        return super().classFactory(connection, RENAMED_MODULES.get(modulename, modulename),
                                    globalname)


@contextlib.contextmanager
def old_module_names():
    """While inside, the old names of ``RENAMED_MODULES`` import as their new modules.

    ZODB's ``Connection.importFile`` unpickles with plain imports (no class factory):
    wrapped in this, an organisation export made before a class moved imports, and its
    objects are written under the new names."""
    added = []
    for old, new in RENAMED_MODULES.items():
        if old in sys.modules:
            continue
        try:
            sys.modules[old] = importlib.import_module(new)
        except ImportError:      # a module since removed holds no class to read
            continue
        added.append(old)
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)
