"""BTree folders with a conflict-free length, and the base of every content object."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
RESERVED = {"-", "static"}


class NameError_(ValueError):
    """A name (slug) that cannot be used in a URL or is already taken."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED:
        raise NameError_(name)
    return name


def now():
    return datetime.now(timezone.utc)


class Folder(Persistent):
    """A container of named children kept in a BTree.

    ``__parent__`` and ``__name__`` of a child are set once, when it is added, so
    that reading never writes."""
    __parent__ = None
    __name__ = None

    def __init__(self, owner=None):
        self._items = OOBTree()
        self._count = Length()
        # children of a folder held as an attribute (org.spaces) have the owner as parent,
        # so URLs read /<space>/ and not /spaces/<space>/
        self._owner = owner

    def __getitem__(self, name):
        return self._items[name]

    def get(self, name, default=None):
        return self._items.get(name, default)

    def __contains__(self, name):
        return name in self._items

    def __len__(self):
        return self._count()

    def __iter__(self):
        return iter(self._items.keys())

    def keys(self):
        return self._items.keys()

    def values(self):
        return self._items.values()

    def items(self):
        return self._items.items()

    def add(self, name, obj, validate=True):
        if validate:
            check_name(name)
        if name in self._items:
            raise NameError_(name)
        obj.__parent__ = self._owner if self._owner is not None else self
        obj.__name__ = name
        self._items[name] = obj
        self._count.change(1)
        return obj

    def remove(self, name):
        obj = self._items.pop(name)
        self._count.change(-1)
        return obj

    def unique_name(self, base: str) -> str:
        """A free child name derived from ``base`` (already slugified)."""
        base = (base or "item")[:70].strip("-") or "item"
        name, i = base, 1
        while name in self._items or name in RESERVED:
            i += 1
            name = f"{base}-{i}"
        return name


class Content(Persistent):
    """Base of content objects (pages, proposals …): creator and timestamps."""
    __parent__ = None
    __name__ = None

    def __init__(self, creator=None):
        self.creator = creator
        self.created = self.modified = now()

    def touch(self):
        self.modified = now()


_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    import unicodedata
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _SLUG_STRIP.sub("-", text.lower()).strip("-")[:60]
