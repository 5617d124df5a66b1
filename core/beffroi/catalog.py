"""One hypatia catalog per organisation, with the indexes modules declare.

Documents are content objects inside the organisation, addressed by their path from
it. Index discriminators are looked up by index name at call time (plugins' functions
are not stored in the database), so a plugin can change how it indexes without a
migration of the stored index objects."""
from __future__ import annotations

import logging
import random
import time

import hypatia.catalog
import hypatia.field
import hypatia.keyword
import hypatia.query
import hypatia.text
from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from persistent import Persistent
from pyramid.location import inside
from pyramid.traversal import find_interface, find_resource, resource_path_tuple
import transaction
from ZODB.POSException import ConflictError

log = logging.getLogger(__name__)

_DISCRIMINATORS: dict = {}
_KINDS = {"field": hypatia.field.FieldIndex, "keyword": hypatia.keyword.KeywordIndex,
          "text": hypatia.text.TextIndex}


class Discriminator:
    """Picklable stand-in calling the plugin's discriminator registered under ``name``."""

    def __init__(self, name):
        self.name = name

    def __call__(self, obj, default):
        entry = _DISCRIMINATORS.get(self.name)
        if entry is None:           # the plugin is not installed any more
            return default
        func = entry[1]
        value = func(obj)
        return default if value is None else value


class OrgCatalog(Persistent):
    def __init__(self):
        self.catalog = hypatia.catalog.Catalog()
        self.docid_to_path = IOBTree()
        self.path_to_docid = OIBTree()

    def _new_docid(self):
        while True:
            docid = random.randint(1, 2**30)
            if docid not in self.docid_to_path:
                return docid

    def index(self, obj):
        path = "/".join(resource_path_tuple(obj)[1:])   # from the organisation (the root)
        docid = self.path_to_docid.get(path)
        if docid is None:
            docid = self._new_docid()
            self.docid_to_path[docid] = path
            self.path_to_docid[path] = docid
            self.catalog.index_doc(docid, obj)
        else:
            self.catalog.reindex_doc(docid, obj)
        return docid

    def unindex(self, obj):
        path = "/".join(resource_path_tuple(obj)[1:])
        docid = self.path_to_docid.pop(path, None)
        if docid is not None:
            del self.docid_to_path[docid]
            self.catalog.unindex_doc(docid)

    def resolve(self, organisation, docids):
        for docid in docids:
            path = self.docid_to_path.get(docid)
            if path is None:
                continue
            try:
                yield find_resource(organisation, path.split("/"))
            except KeyError:
                continue


def register_discriminators(plugins):
    """Remember the indexes installed modules declare (done at start-up)."""
    for info in plugins.modules.values():
        for index in info.indexes:
            _DISCRIMINATORS[index.name] = (index.kind, index.discriminator)
    from beffroi.services.search.queue import register
    register(plugins)                       # the organisation search (/-/search)


def declared_indexes():
    return set(_DISCRIMINATORS)


def ensure_catalog(organisation) -> OrgCatalog:
    """Create the catalog and any declared index that is missing (a write)."""
    cat = getattr(organisation, "catalog", None)
    if cat is None:
        cat = organisation.catalog = OrgCatalog()
    for name, (kind, _func) in _DISCRIMINATORS.items():
        if name not in cat.catalog:
            cat.catalog[name] = _KINDS[kind](Discriminator(name))
    return cat


def get_catalog(organisation) -> OrgCatalog | None:
    return getattr(organisation, "catalog", None)


def index_content(obj):
    """Index (or reindex) ``obj`` in its organisation's catalog, once the current
    transaction has committed, in a short transaction of its own retried on conflict.

    Text indexes share their words between documents (hypatia's lexicon and postings),
    so indexing inside the request made every two concurrent creations conflict and
    retry the whole request; now only the indexing is retried, with a random pause.
    An aborted transaction indexes nothing. Outside a database (no connection yet)
    the object is indexed at once."""
    organisation = _organisation_of(obj)
    from beffroi.services.search import changes
    changes.changed(obj)                    # the organisation search, after commit too
    jar = getattr(organisation, "_p_jar", None)
    if jar is None:
        ensure_catalog(organisation).index(obj)
        return
    txn = jar.transaction_manager.get()
    pending = _pending(txn)
    path = "/".join(resource_path_tuple(obj)[1:])
    if not pending:
        txn.addAfterCommitHook(_index_after_commit, args=(jar.db(), organisation._p_oid, pending))
    pending.add(path)


def _pending(txn):
    try:
        return txn.data(_pending)
    except KeyError:
        paths = set()
        txn.set_data(_pending, paths)
        return paths


def _index_after_commit(committed, db, organisation_oid, paths, attempts=10):
    if not committed or organisation_oid is None:
        return
    for attempt in range(attempts):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            with tm:
                organisation = conn.get(organisation_oid)
                cat = ensure_catalog(organisation)
                for path in sorted(paths):
                    try:
                        cat.index(find_resource(organisation, path.split("/")))
                    except KeyError:        # removed since
                        continue
            return
        except ConflictError:
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
        finally:
            conn.close()
    log.error("could not index %s after %d attempts (conflicts)", sorted(paths), attempts)


def unindex_content(obj):
    from beffroi.services.search import changes
    changes.removed(obj)                    # the organisation search, after commit
    cat = get_catalog(_organisation_of(obj))
    if cat is not None:
        cat.unindex(obj)


def _text_matches(organisation, index_name, text):
    """(catalog, matching docids) of a text query, or (None, ()) when nothing can match."""
    cat = get_catalog(organisation)
    if cat is None or index_name not in cat.catalog or not text.strip():
        return None, ()
    try:
        return cat, hypatia.query.Contains(cat.catalog[index_name], text).execute().ids
    except Exception:       # a query the text parser refuses finds nothing
        return None, ()


def text_search(organisation, index_name, text, within=None):
    """Objects whose ``index_name`` text matches ``text``, optionally inside ``within``."""
    cat, ids = _text_matches(organisation, index_name, text)
    if cat is None:
        return []
    found = cat.resolve(organisation, ids)
    if within is not None:
        found = (o for o in found if inside(o, within))
    return list(found)


def text_search_paths(organisation, index_name, text):
    """Paths (from the organisation, "/"-joined, e.g. ``"spaces/budget/proposals/12"``)
    of the documents whose ``index_name`` text matches ``text``, without loading them:
    a listing keeps the ones of its container and loads only those it shows."""
    cat, ids = _text_matches(organisation, index_name, text)
    if cat is None:
        return []
    paths = cat.docid_to_path
    return [path for path in (paths.get(docid) for docid in ids) if path is not None]


def _organisation_of(obj):
    from beffroi.resources.organisation import Organisation
    obj = find_interface(obj, Organisation)
    if obj is None:
        raise ValueError("content must be inside an organisation to be indexed")
    return obj
