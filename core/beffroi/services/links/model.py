"""Links between items of one organisation, and the « issu de la participation » label.

Any module records that an item came from, or led to, another item of the same
organisation: ``link_items(source, target, relation)``. A link has a direction in
time: its **origin** came first (the meeting, the proposal) and its **outcome** came
from it (the proposal born there, the project, the result). The relation says which
side is which (``RELATIONS``):

=================  ==================================  ===================
relation           reads                               origin → outcome
=================  ==================================  ===================
``born_at``        a proposal was born at a meeting    target → source
``came_from``      a budget project came from a         target → source
                   proposal
``led_to``         an item led to another item          source → target
``led_to_result``  an item led to a result (accounta-   source → target
                   bility); the target is a result
=================  ==================================  ===================

Storage, one ``LinkStore`` per organisation (``organisation._beffroi_links``, made on
the first link, never on a read). Items are keyed by their **catalog path** — the path
from the organisation, ``"/"``-joined, as in ``OrgCatalog.path_to_docid``
(``"budget/proposals/12"``) — so a key is known before the catalog indexes the item
(it does so after the commit) and survives an export and import of the organisation:

- ``outcomes``: origin key → ``OOTreeSet`` of ``(relation, outcome key)``;
- ``origins``: outcome key → ``OOTreeSet`` of ``(relation, origin key)`` (the reverse);
- ``participation``: ``OOTreeSet`` of the keys that carry the label.

Concurrency: linking different items adds distinct keys to these trees, which
BTrees merge, so two people linking different items at once do not conflict; two
requests linking the same item conflict and pyramid_retry replays one of them.

The label: ``from_participation(item)`` is True when the item led to a result, itself or
through what came from it (a proposal → the budget project that came from it → a
result), or when the item is a result that came from participation (it has an origin).
It is one lookup in ``participation``, kept up to date by every link and unlink: a
listing card costs one tree lookup and loads no linked object.

Hidden and deleted items: the reading functions (``origins_of``, ``outcomes_of``,
``item_links``) resolve keys to objects and leave out what is gone, deleted, hidden or
not visible to the reader; a module that deletes an item for good calls
``forget_item(item)``. Items that move: keys are paths, so whoever moves or renames an
item (or a space) calls ``move_links(organisation, old_path, new_path)`` in the same
transaction; an evolve step that changes paths does the same for each moved prefix.
Nothing personal is stored (paths and relation names only): the store goes with the
organisation's export and adds nothing to "download my data".
"""
from __future__ import annotations

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.traversal import find_interface, find_resource

STORE_ATTR = "_beffroi_links"
#: relation → True when its *target* is the origin (the source came from the target)
RELATIONS = {"born_at": True, "came_from": True, "led_to": False, "led_to_result": False}
RESULT_RELATION = "led_to_result"
DIRECTIONS = ("origins", "outcomes", "both")


class LinkRefused(ValueError):
    """A link that cannot be recorded: items of two organisations, an item outside an
    organisation, an item linked to itself or an unknown relation."""


class LinkStore(Persistent):
    """The links of one organisation (see the module docstring for the key layout)."""

    def __init__(self):
        self.outcomes = OOBTree()       # origin key → OOTreeSet((relation, outcome key))
        self.origins = OOBTree()        # outcome key → OOTreeSet((relation, origin key))
        self.participation = OOTreeSet()  # keys carrying the « from participation » label


def _organisation_of(obj):
    from beffroi.resources.organisation import Organisation
    return find_interface(obj, Organisation) if obj is not None else None


def item_key(item) -> str:
    """The catalog path of ``item`` from its organisation (``"budget/proposals/12"``),
    computed from ``__name__``/``__parent__`` without loading anything else. A string is
    returned unchanged (already a key). Raises ``LinkRefused`` when ``item`` is not
    inside an organisation."""
    if isinstance(item, str):
        return item.strip("/")
    from beffroi.resources.organisation import Organisation
    names, obj = [], item
    while obj is not None and not isinstance(obj, Organisation):
        name = getattr(obj, "__name__", None)
        if not name:
            raise LinkRefused(f"{item!r} is not inside an organisation")
        names.append(name)
        obj = getattr(obj, "__parent__", None)
    if obj is None or not names:
        raise LinkRefused(f"{item!r} is not inside an organisation")
    return "/".join(reversed(names))


def _store(organisation, create=False):
    return organisation.part(STORE_ATTR, LinkStore, create)


def _oriented(source, target, relation):
    """(origin, outcome) of a link named from ``source`` to ``target``."""
    if relation not in RELATIONS:
        raise LinkRefused(f"unknown relation {relation!r}; use one of {', '.join(RELATIONS)}")
    return (target, source) if RELATIONS[relation] else (source, target)


def _same_organisation(source, target):
    org = _organisation_of(source)
    if org is None or _organisation_of(target) is not org:
        raise LinkRefused("items of different organisations cannot be linked")
    return org


def link_items(source, target, relation: str) -> bool:
    """Record that ``source`` and ``target`` (content objects of one organisation) are
    linked by ``relation`` (a key of ``RELATIONS``: ``"born_at"``, ``"came_from"``,
    ``"led_to"``, ``"led_to_result"``). Returns True when the link is new, False when it
    was already there. Raises ``LinkRefused`` (a ``ValueError``) for items of different
    organisations, an item linked to itself or an unknown relation. A write: call it in
    the request that makes the link."""
    org = _same_organisation(source, target)
    origin, outcome = _oriented(item_key(source), item_key(target), relation)
    if origin == outcome:
        raise LinkRefused("an item cannot be linked to itself")
    store = _store(org, create=True)
    outs = store.outcomes.get(origin)
    if outs is None:
        outs = store.outcomes[origin] = OOTreeSet()
    ins = store.origins.get(outcome)
    if ins is None:
        ins = store.origins[outcome] = OOTreeSet()
    new = bool(outs.add((relation, outcome)))
    ins.add((relation, origin))
    if new:
        _refresh(store, (outcome, origin))
    return new


def unlink_items(source, target, relation: str, organisation=None) -> bool:
    """Remove the link ``link_items(source, target, relation)`` recorded; True when it
    existed. Either side may be a key (the catalog path of an item deleted since), the
    organisation then being the other side's (or ``organisation``). Raises
    ``LinkRefused`` like ``link_items``."""
    objects = [x for x in (source, target) if not isinstance(x, str)]
    if len(objects) == 2:
        org = _same_organisation(source, target)
    else:
        org = organisation if organisation is not None else (
            _organisation_of(objects[0]) if objects else None)
        if org is None or any(_organisation_of(o) is not org for o in objects):
            raise LinkRefused("items of different organisations cannot be linked")
    origin, outcome = _oriented(item_key(source), item_key(target), relation)
    store = _store(org)
    if store is None:
        return False
    found = _discard(store.outcomes, origin, (relation, outcome))
    _discard(store.origins, outcome, (relation, origin))
    if found:
        _refresh(store, (outcome, origin))
    return found


def _discard(tree, key, entry) -> bool:
    entries = tree.get(key)
    if entries is None or entry not in entries:
        return False
    entries.remove(entry)
    if not entries:
        del tree[key]
    return True


def linked_keys(organisation, item, relation=None, direction="both") -> list[tuple[str, str, str]]:
    """``(direction, relation, key)`` of the links of ``item`` (an object or a key),
    without loading any linked object: ``direction`` is ``"origins"`` (what the item
    came from), ``"outcomes"`` (what it led to) or ``"both"``; ``relation`` filters.
    Raises ``ValueError`` on another direction."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    store = _store(organisation)
    if store is None:
        return []
    key = item_key(item)
    out = []
    for side, tree in (("origins", store.origins), ("outcomes", store.outcomes)):
        if direction in (side, "both"):
            out.extend((side, rel, other) for rel, other in tree.get(key, ())
                       if relation is None or rel == relation)
    return out


def linked_items(item, relation=None, direction="both", request=None) -> list:
    """The objects linked to ``item``: what it came from (``direction="origins"``), what it
    led to (``"outcomes"``) or both, optionally of one ``relation``; in key order.
    Items that no longer exist are left out; so are deleted or hidden ones
    (``beffroi.visibility.is_public``), or with a ``request``, those its visitor may not
    see (``is_public_to`` and the ``view`` permission: moderators see hidden items)."""
    org = _organisation_of(item)
    if org is None:
        return []
    found = []
    for _side, _rel, key in linked_keys(org, item, relation, direction):
        obj = resolve(org, key)
        if obj is not None and _visible(obj, request):
            found.append(obj)
    return found


def resolve(organisation, key):
    """The object at catalog path ``key`` in ``organisation``, or None when it is gone."""
    try:
        return find_resource(organisation, key.split("/"))
    except (KeyError, TypeError, ValueError):
        return None


def _visible(obj, request):
    from beffroi.visibility import is_public, is_public_to
    if request is None:
        return is_public(obj)
    return is_public_to(request, obj) and bool(request.has_permission("view", obj))


def origins_of(item, request=None) -> list:
    """What ``item`` came from (visible objects), as ``linked_items(direction="origins")``."""
    return linked_items(item, direction="origins", request=request)


def outcomes_of(item, request=None) -> list:
    """What ``item`` led to (visible objects), as ``linked_items(direction="outcomes")``."""
    return linked_items(item, direction="outcomes", request=request)


def from_participation(item) -> bool:
    """Does ``item`` carry the « issu de la participation » / "from participation" label?
    True when it led to a result (itself, or through items that came from it), or when
    it is a result with an origin. One lookup, nothing else loaded; False outside an
    organisation or when nothing was ever linked."""
    org = _organisation_of(item)
    if org is None:
        return False
    store = _store(org)
    if store is None:
        return False
    try:
        return item_key(item) in store.participation
    except LinkRefused:
        return False


def participation_keys(organisation):
    """The keys (catalog paths) of every labelled item of ``organisation``: a listing
    that holds only paths tests membership without loading items (empty when none)."""
    store = _store(organisation)
    return store.participation if store is not None else frozenset()


def _is_result(store, key) -> bool:
    return any(rel == RESULT_RELATION for rel, _o in store.origins.get(key, ()))


def _reaches_result(store, key) -> bool:
    seen, stack = set(), [key]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if _is_result(store, current):
            return True
        stack.extend(other for _rel, other in store.outcomes.get(current, ()))
    return False


def _refresh(store, keys):
    """Bring the label of ``keys`` (both ends of the links that changed) up to date, and
    of what they came from when theirs changed: a link costs the items whose label
    changes, not the size of the graph above them."""
    queue, done = list(keys), set()
    while queue:
        key = queue.pop()
        if key in done:
            continue
        done.add(key)
        want, have = _reaches_result(store, key), key in store.participation
        if want == have:
            continue        # unchanged: what it came from is unchanged too
        if want:
            store.participation.add(key)
        else:
            store.participation.remove(key)
        queue.extend(other for _rel, other in store.origins.get(key, ()))


def forget_item(item, organisation=None) -> int:
    """Remove every link of ``item`` (an object, or a key with ``organisation``): call it
    when the item is deleted for good. Returns how many links were removed."""
    org = organisation if organisation is not None else _organisation_of(item)
    store = _store(org) if org is not None else None
    if store is None:
        return 0
    key = item_key(item)
    touched, count = [key], 0
    for rel, other in list(store.outcomes.get(key, ())):
        _discard(store.origins, other, (rel, key))
        touched.append(other)
        count += 1
    for rel, other in list(store.origins.get(key, ())):
        _discard(store.outcomes, other, (rel, key))
        touched.append(other)
        count += 1
    store.outcomes.pop(key, None)
    store.origins.pop(key, None)
    if key in store.participation:
        store.participation.remove(key)
    _refresh(store, touched)
    return count


def move_links(organisation, old_path: str, new_path: str) -> int:
    """Re-key the links of the item at ``old_path`` and of everything under it (a moved
    space or container) to ``new_path``, in the current transaction. Call it from the
    code or evolve step that moves the items. Returns how many keys moved."""
    store = _store(organisation)
    if store is None:
        return 0
    old, new = old_path.strip("/"), new_path.strip("/")

    def moved(key):
        if key == old:
            return new
        if key.startswith(old + "/"):
            return new + key[len(old):]
        return key

    keys = set()
    for tree in (store.outcomes, store.origins):
        keys.update(k for k in tree.keys(min=old, max=old + "/\uffff") if moved(k) != k)
    for tree in (store.outcomes, store.origins):
        # rewrite every entry that names a moved key, then the moved keys themselves
        for key in list(tree.keys()):
            entries = tree[key]
            stale = [(rel, other) for rel, other in entries if moved(other) != other]
            for rel, other in stale:
                entries.remove((rel, other))
                entries.add((rel, moved(other)))
        for key in [k for k in list(tree.keys()) if moved(k) != k]:
            entries = tree.pop(key)
            target = tree.get(moved(key))
            if target is None:
                tree[moved(key)] = entries
            else:
                target.update(entries)
    for key in [k for k in store.participation if moved(k) != k]:
        store.participation.remove(key)
        store.participation.add(moved(key))
    return len(keys)
