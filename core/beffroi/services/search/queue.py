"""Keeping the search index true: what changed in a transaction is indexed once it
has committed, in a short transaction of its own retried on conflict (as the catalog
does), so that concurrent requests never conflict on the shared term postings and an
aborted request indexes nothing.

Called by ``beffroi.catalog.index_content`` / ``unindex_content`` (which every module
already calls), by the comments service (add, edit, delete, moderation) and by
moderation (hide, restore) and space edits. Re-indexing an object also re-reads the
state of what is indexed inside it (hiding a proposal hides its comments)."""
from __future__ import annotations

import logging
import random
import time

import transaction
from pyramid.traversal import find_interface
from ZODB.POSException import ConflictError

from beffroi.services.search.index import SearchIndex
from beffroi.services.search.sources import describe, entries_of, find_path, item_state, path_of

log = logging.getLogger(__name__)
ATTRIBUTE = "search_index"


def register(plugins) -> None:
    """At start-up: remember the modules' ``search`` declarations and listen to the
    core's changes (``beffroi.services.search.changes``)."""
    from beffroi.services.search import changes
    from beffroi.services.search.sources import register_declarations
    register_declarations(plugins)
    changes.listen(schedule, schedule_removal)


def search_index_of(organisation, create=False) -> SearchIndex | None:
    """The organisation's search index; made on the first write only."""
    return organisation.part(ATTRIBUTE, SearchIndex, create)


def _organisation_of(obj):
    from beffroi.resources.organisation import Organisation
    return find_interface(obj, Organisation)


def schedule(obj) -> None:
    """(Re-)index ``obj`` and re-read the state of what is indexed inside it, after the
    current transaction commits. Outside a database, at once. Never raises for an
    object outside an organisation (nothing to index)."""
    _schedule(obj, "index")


def schedule_removal(obj) -> None:
    """Forget ``obj`` and everything indexed inside it, after the commit."""
    _schedule(obj, "remove")


def _schedule(obj, action):
    organisation = _organisation_of(obj)
    if organisation is None:
        return
    path = path_of(obj)
    jar = getattr(organisation, "_p_jar", None)
    if jar is None:
        apply(organisation, [(path, action)])
        return
    txn = jar.transaction_manager.get()
    try:
        pending = txn.data(_schedule)
    except KeyError:
        pending = {}
        txn.set_data(_schedule, pending)
    key = organisation._p_oid
    if key not in pending:
        pending[key] = []
        txn.addAfterCommitHook(_after_commit, args=(jar.db(), key, pending[key]))
    pending[key].append((path, action))


def apply(organisation, changes) -> None:
    """Apply ``[(path, "index" | "remove")]`` to the organisation's index (a write)."""
    index = search_index_of(organisation, create=True)
    for path, action in changes:
        obj = find_path(organisation, path) if action == "index" else None
        if obj is None:
            index.remove(path)
            index.remove_under(path)
            continue
        entry = describe(obj)
        if entry is None or entry.state is None:
            index.remove(path)
        else:
            index.add(*entry.values())
        for inner in index.paths_under(path):
            node = find_path(organisation, inner)
            state = item_state(node) if node is not None else None
            if state is None:
                index.remove(inner)
            else:
                index.set_state(index.paths[inner], state)


def _after_commit(committed, db, organisation_oid, changes, attempts=10):
    if not committed or organisation_oid is None:
        return
    for attempt in range(attempts):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            with tm:
                apply(conn.get(organisation_oid), changes)
            return
        except ConflictError:
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
        except Exception:             # the request succeeded; the index catches up at reindex
            log.exception("search: could not index %s", changes)
            return
        finally:
            conn.close()
    log.error("search: could not index %s after %d attempts (conflicts)", changes, attempts)


def reindex(organisation) -> int:
    """Rebuild the organisation's index from its content; returns how many documents
    it holds (``beffroi reindex``)."""
    index = search_index_of(organisation, create=True)
    index.clear()
    index.bulk_load(e.values() for e in entries_of(organisation))
    return index.size()


def reindex_all(app_root) -> None:
    """Rebuild the search index of every organisation (evolve step
    ``beffroi.0001_search_index``)."""
    for organisation in app_root.organisations.values():
        reindex(organisation)
