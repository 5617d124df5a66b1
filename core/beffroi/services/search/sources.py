"""What the search indexes: spaces, comments and every module's items (through
``ModuleInfo.search``), described as ``Entry`` values; the walk of a whole organisation
for ``beffroi reindex``; and the path → object lookup (comments hang off an attribute,
not an item, of what they comment)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from pyramid.traversal import find_interface, resource_path_tuple

from beffroi.infos import SearchDoc
from beffroi.resources.folder import Folder
from beffroi.resources.module import ModuleContainer
from beffroi.resources.space import Space
from beffroi.services.search.text import plain_text, text_terms

#: module name → its ``ModuleInfo.search`` declaration, set at start-up (like the
#: catalog's discriminators: indexing happens after commit, outside any request).
_DECLARATIONS: dict = {}


def register_declarations(plugins) -> None:
    """Remember which installed modules declare ``search`` (called at start-up)."""
    _DECLARATIONS.clear()
    for name, info in plugins.modules.items():
        if info.search is not None:
            _DECLARATIONS[name] = info.search


def searchable_modules() -> list:
    return sorted(_DECLARATIONS)


@dataclass(frozen=True)
class Entry:
    """One document: where it is, what kind, its text, its date and state."""
    path: str
    kind: str
    module: str
    space: str
    doc: SearchDoc
    state: str | None          # "readable", "moderated", or None (deleted: not indexed)

    def weights(self) -> dict:
        weights = text_terms(self.doc.text)
        for term, count in text_terms(self.doc.title).items():
            weights[term] = weights.get(term, 0) + 3 * count
        return weights

    def day(self) -> int:
        date = self.doc.date
        return date.toordinal() if date is not None else 1

    def time(self) -> int:
        date = self.doc.date
        return int(date.timestamp()) if date is not None and hasattr(date, "timestamp") else 0

    def values(self):
        """The arguments of ``SearchIndex.add`` (and of ``bulk_load``'s entries)."""
        return (self.path, self.kind, self.module, self.space, self.day(), self.weights(),
                self.state, self.time())


def path_of(obj) -> str:
    return "/".join(resource_path_tuple(obj)[1:])


def find_path(organisation, path: str):
    """The object at ``path`` (from the organisation), or None. Comments are reached
    through the ``comments`` attribute of what they comment."""
    node = organisation
    for name in path.split("/"):
        child = None
        try:
            child = node[name]
        except (KeyError, TypeError, AttributeError):
            if name == "comments":
                child = getattr(node, "comments", None)
        if child is None:
            return None
        node = child
    return node


def item_state(obj) -> str | None:
    """``readable``, ``moderated`` (hidden by moderation or unpublished: for the
    moderators of its space and organisation admins), or None (deleted or withdrawn:
    left out of the search for everyone), read from ``obj`` and its ancestors below its
    space (the space's own state is read at query time)."""
    from pyramid.location import lineage
    hidden = False
    for node in lineage(obj):
        if isinstance(node, Space):
            break
        if getattr(node, "deleted", False) is True or getattr(node, "withdrawn", False) is True:
            return None
        if getattr(node, "hidden_by_moderation", False) or getattr(node, "published", True) is False:
            hidden = True
    return "moderated" if hidden else "readable"


def _declared_doc(declaration, obj) -> SearchDoc | None:
    if callable(declaration):
        return declaration(obj)
    names = tuple(declaration)
    title = getattr(obj, names[0], None) if names else None
    if not isinstance(title, str):
        return None
    text = " ".join(plain_text(str(getattr(obj, n, "") or "")) for n in names[1:])
    return SearchDoc(title=title, text=text)


def _with_date(doc: SearchDoc, obj) -> SearchDoc:
    if doc.date is None and getattr(obj, "created", None) is not None:
        from dataclasses import replace
        return replace(doc, date=obj.created)
    return doc


def describe(obj) -> Entry | None:
    """The search entry of ``obj``, or None when nothing of it is searched."""
    from beffroi.services.comments.model import Comment
    space = find_interface(obj, Space)
    slug = space.__name__ if space is not None else ""
    if isinstance(obj, Space):
        doc = SearchDoc(obj.title or "", plain_text(obj.description), obj.created)
        return Entry(path_of(obj), "space", "", slug, doc, "readable")
    container = find_interface(obj, ModuleContainer)
    module = container.module_name if container is not None else ""
    if isinstance(obj, Comment):
        if obj.deleted:
            return Entry(path_of(obj), "comment", module, slug, SearchDoc(""), None)
        # the commented item's title is shown with the result, not searched: a word
        # of a proposal's title does not bring back every comment of the proposal
        doc = SearchDoc("", plain_text(obj.html or ""), obj.created)
        return Entry(path_of(obj), "comment", module, slug, doc, item_state(obj))
    if container is None or obj is container:
        return None
    declaration = _DECLARATIONS.get(module)
    if declaration is None:
        return None
    doc = _declared_doc(declaration, obj)
    if doc is None:
        return None
    return Entry(path_of(obj), "content", module, slug, _with_date(doc, obj), item_state(obj))


def walk(organisation) -> Iterator[Any]:
    """Every object of ``organisation`` the search may index: spaces, the items of
    their modules (and of folders among them), and the comments of each."""
    from beffroi.services.comments.model import comment_folder
    for space in organisation.spaces.values():
        yield space
        for container in space.modules.values():
            stack = list(container.values())
            while stack:
                obj = stack.pop()
                yield obj
                folder = comment_folder(obj)
                if folder is not None:
                    yield from folder.values()
                if isinstance(obj, Folder):
                    stack.extend(obj.values())


def entries_of(organisation) -> Iterator[Entry]:
    for obj in walk(organisation):
        entry = describe(obj)
        if entry is not None and entry.state is not None:
            yield entry
