"""The search index of one organisation: terms → documents, in BTrees.

Key layout (all 64-bit integer BTrees of the ``LL``/``LO``/``OL`` families, so that
weights combined with dates never overflow):

- ``docs``: docid → ``(path, kind, module, space, day, terms)``, where ``path`` is the
  "/"-joined path from the organisation, ``kind`` is ``content`` (a module's item),
  ``comment`` or ``space``, ``space`` a slug (``""`` outside spaces), ``day`` the
  proleptic ordinal of the document's date, ``terms`` a tuple of ``(term, weight)``;
- ``paths``: path → docid;
- ``postings``: term → ``LLBTree`` docid → weight (title occurrences × 3 + text
  occurrences, at most 255);
- ``readable`` / ``moderated``: ``LLTreeSet`` of documents a visitor may read, and of
  those hidden by moderation or unpublished (only moderators of their space and
  organisation admins see them); deleted content is not indexed at all; whether the
  *space* is published, private, or its module disabled is decided at query time
  (spaces are few), so publishing a space rewrites nothing here;
- ``by_space``, ``by_module``, ``by_kind``: value → ``LLTreeSet``; ``times``: docid →
  seconds since 1970 (orders results); ``by_day``: day → ``LLTreeSet`` (the date
  filter is a range of it).

A query intersects the postings of its words (each word: the union of its terms'
postings), weighted by how rare the word is, then the filter sets, then takes away the
sets of spaces the person may not see, all in C: its cost grows with the matches,
not with the index (100,000 documents: see ``bench/search.py``).

Concurrency: the index is written after the request's commit, in a transaction of its
own retried on conflict (``beffroi.services.search.queue``); two documents sharing a
term touch one ``LLBTree`` whose bucket conflicts resolve when they add different keys.
"""
from __future__ import annotations

import heapq
import math
import random

from BTrees.Length import Length
from BTrees.LLBTree import (
    LLBTree, LLBucket, LLTreeSet, difference, multiunion, weightedIntersection, weightedUnion,
)
from BTrees.LOBTree import LOBTree
from BTrees.OLBTree import OLBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent

TITLE_WEIGHT = 3
MAX_WEIGHT = 255
#: Relevance first, the time (seconds since 1970) breaks ties (see ``ranked``).
TIME_SCALE = 1 << 32
KINDS = ("content", "comment", "space")


class SearchIndex(Persistent):
    """See the module docstring."""

    def __init__(self):
        self.docs = LOBTree()
        self.paths = OLBTree()
        self.postings = OOBTree()
        self.readable = LLTreeSet()
        self.moderated = LLTreeSet()
        self.by_space = OOBTree()
        self.by_module = OOBTree()
        self.by_kind = OOBTree()
        self.times = LLBTree()
        self.by_day = LOBTree()
        self.size = Length()

    # --- writing ---------------------------------------------------------------------------

    def _new_docid(self):
        while True:
            docid = random.randint(1, 2 ** 40)
            if docid not in self.docs:
                return docid

    @staticmethod
    def _set_in(tree, key):
        found = tree.get(key)
        if found is None:
            found = tree[key] = LLTreeSet()
        return found

    def add(self, path, kind, module, space, day, weights, state, time=0):
        """Index (or re-index) the document at ``path``. ``day``: the ordinal of its
        date; ``time``: its date in seconds since 1970; ``weights``: ``{term: weight}``;
        ``state``: ``"readable"`` or ``"moderated"``. Returns the docid."""
        docid = self.paths.get(path)
        terms = tuple(sorted((t, min(MAX_WEIGHT, w)) for t, w in weights.items()))
        if docid is not None:
            old = self.docs[docid]
            if old[1:] == (kind, module, space, day, terms):
                self.set_state(docid, state)
                self.times[docid] = time
                return docid
            self._forget(docid, old)
        else:
            docid = self._new_docid()
            self.paths[path] = docid
            self.size.change(1)
        self.docs[docid] = (path, kind, module, space, day, terms)
        for term, weight in terms:
            postings = self.postings.get(term)
            if postings is None:
                postings = self.postings[term] = LLBTree()
            postings[docid] = weight
        self._set_in(self.by_space, space).add(docid)
        self._set_in(self.by_module, module).add(docid)
        self._set_in(self.by_kind, kind).add(docid)
        self._set_in(self.by_day, day).add(docid)
        self.times[docid] = time
        self.set_state(docid, state)
        return docid

    def set_state(self, docid, state):
        """Move ``docid`` to the ``readable`` or ``moderated`` set."""
        if state == "readable":
            self.moderated.remove(docid) if docid in self.moderated else None
            self.readable.add(docid)
        else:
            self.readable.remove(docid) if docid in self.readable else None
            self.moderated.add(docid)

    def _forget(self, docid, record):
        _path, kind, module, space, day, terms = record
        for term, _weight in terms:
            postings = self.postings.get(term)
            if postings is not None:
                postings.pop(docid, None)
                if not postings:
                    del self.postings[term]
        for tree, key in ((self.by_space, space), (self.by_module, module),
                          (self.by_kind, kind), (self.by_day, day)):
            found = tree.get(key)
            if found is not None and docid in found:
                found.remove(docid)
        self.times.pop(docid, None)
        for found in (self.readable, self.moderated):
            if docid in found:
                found.remove(docid)

    def remove(self, path):
        """Forget the document at ``path`` (nothing when it is not indexed)."""
        docid = self.paths.pop(path, None)
        if docid is None:
            return
        self._forget(docid, self.docs.pop(docid))
        self.size.change(-1)

    def paths_under(self, path):
        """Indexed paths strictly inside ``path`` (a proposal's comments …)."""
        return list(self.paths.keys(min=path + "/", max=path + "/\uffff"))

    def remove_under(self, path):
        for inner in self.paths_under(path):
            self.remove(inner)

    def clear(self):
        self.__init__()

    def bulk_load(self, entries):
        """Fill an empty index from ``entries`` (``(path, kind, module, space, day,
        weights, state, time)``) in one pass: postings are built as dicts and stored once per
        term (``beffroi reindex``, the benchmark's seed)."""
        postings: dict = {}
        sets = {"space": {}, "module": {}, "kind": {}, "day": {}}
        readable, moderated, times = [], [], {}
        count = 0
        for path, kind, module, space, day, weights, state, time in entries:
            if path in self.paths:
                self.remove(path)
            docid = self._new_docid()
            terms = tuple(sorted((t, min(MAX_WEIGHT, w)) for t, w in weights.items()))
            self.paths[path] = docid
            self.docs[docid] = (path, kind, module, space, day, terms)
            for term, weight in terms:
                postings.setdefault(term, {})[docid] = weight
            for name, key in (("space", space), ("module", module), ("kind", kind), ("day", day)):
                sets[name].setdefault(key, []).append(docid)
            times[docid] = time
            (readable if state == "readable" else moderated).append(docid)
            count += 1
        for term, found in postings.items():
            existing = self.postings.get(term)
            if existing is None:
                self.postings[term] = LLBTree(found)
            else:
                existing.update(found)
        for name, tree in (("space", self.by_space), ("module", self.by_module),
                           ("kind", self.by_kind), ("day", self.by_day)):
            for key, ids in sets[name].items():
                self._set_in(tree, key).update(ids)
        self.times.update(times)
        self.readable.update(readable)
        self.moderated.update(moderated)
        self.size.change(count)

    # --- reading ---------------------------------------------------------------------------

    def match(self, words):
        """``LLBucket`` docid → relevance of the documents holding every word of
        ``words`` (a list of term sets, ``text.query_words``); empty when a word is
        nowhere. Rare words weigh more (``idf``)."""
        if not words:
            return LLBucket()
        total = max(self.size(), 1)
        per_word = []
        for terms in words:
            hits = None
            for term in sorted(terms):
                postings = self.postings.get(term)
                if postings is None:
                    continue
                # terms of one word come together (the stems of the same word), so
                # summing their weights keeps the order between documents
                hits = postings if hits is None else weightedUnion(hits, postings)[1]
            if hits is None:
                return LLBucket()
            per_word.append(hits)
        per_word.sort(key=len)              # the rarest first: intersections shrink fast
        result = None
        for hits in per_word:
            idf = 1 + int(10 * math.log(1 + total / max(len(hits), 1)))
            if result is None:
                _w, result = weightedUnion(LLBucket(), hits, 0, idf)
            else:
                _w, result = weightedIntersection(result, hits, 1, idf)
            if not result:
                return LLBucket()
        return result

    def restrict(self, found, sets):
        """``found`` kept within each of ``sets`` (filters)."""
        for allowed in sets:
            if allowed is None:
                return LLBucket()
            _w, found = weightedIntersection(found, allowed, 1, 0)
        return found

    def space_set(self, slug):
        return self.by_space.get(slug)

    def module_set(self, name):
        return self.by_module.get(name)

    def kind_set(self, kind):
        return self.by_kind.get(kind)

    def days_between(self, first=None, last=None):
        """Documents dated from day ``first`` to ``last`` (ordinals, inclusive)."""
        return multiunion(list(self.by_day.values(min=first, max=last)))

    def visible(self, found, blocked=(), moderated_spaces=(), everything=False):
        """``found`` less what the person may not see: documents of ``blocked`` sets
        (spaces or modules they cannot view), and hidden or unpublished documents
        except in ``moderated_spaces`` (slugs) or for ``everything`` (organisation
        admins)."""
        if not everything and len(self.moderated):
            kept_back = self.moderated
            if moderated_spaces:
                mine = multiunion([s for s in (self.by_space.get(slug) for slug in moderated_spaces)
                                   if s is not None])
                kept_back = difference(self.moderated, mine)
            found = difference(found, kept_back)
        for docs in blocked:
            if docs is not None and len(found):
                found = difference(found, docs)
        return found

    def ranked(self, found, start, size, newest=False):
        """Docids of ``found`` from ``start`` (``size`` of them): by relevance, the newest
        first among equals, or by date only with ``newest``.

        The threshold of the ``start + size`` best keys is found over the bare integers
        (``heapq.nlargest``), the documents reaching it are picked in C (``byValue``),
        and only those are sorted: a common word matching 75,000 documents costs a few
        milliseconds, not a sort of 75,000 pairs."""
        if not found:
            return []
        _w, keyed = weightedIntersection(found, self.times, 0 if newest else TIME_SCALE, 1)
        wanted = start + size
        threshold = heapq.nlargest(wanted, keyed.values())[-1] if len(keyed) > wanted else 0
        if threshold > 0:
            candidates = [docid for _n, docid in keyed.byValue(threshold)]
        else:
            candidates = list(keyed.keys())
        best = sorted(((keyed[docid], docid) for docid in candidates), reverse=True)
        return [docid for _key, docid in best[start:start + size]]

    def record(self, docid):
        return self.docs.get(docid)

