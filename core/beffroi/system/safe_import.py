"""Reading an organisation export without running anything it holds.

An organisation export (``beffroi org export``) carries a ZODB export file
(``organisation.zexp``, format of ``ZODB/ExportImport.py``): ``b"ZEXP"``, then one
record per object — 8-byte oid, 8-byte big-endian length, that many bytes holding two
pickles (the class, then the state) — a blob's record followed by
``b"\\0BLOBSTART"``, an 8-byte length and the blob's bytes, and finally sixteen
``0xFF`` bytes. ``Connection.importFile`` unpickles every record with plain imports,
so a crafted file could run any callable (``os.system`` through ``__reduce__``) or
import any module: ZODB's import must only ever see records checked here.

``checked_export(source, destination, allowed)`` reads every record of ``source`` with
an unpickler that builds nothing real: each global a pickle names is looked up in the
allow-list (``allowed_globals``) and replaced by an inert stand-in; a name outside it
raises ``UnsafeExport`` naming it, before any import of that name. Only names of the
call allow-list (``CALLABLE``: value types such as ``datetime`` or ``set``, and enums)
may be *called* by a pickle (``REDUCE``); the classes of the core and the plugins are
only ever re-created the way ZODB stores them (``__new__`` then ``__setstate__``).
The records that passed are written to ``destination`` in the same format, so what
ZODB then loads is byte for byte what was checked.
"""
from __future__ import annotations

import enum
import importlib
import inspect
import io
import pickle
import pkgutil
import struct
import sys

#: Modules whose every class may be stored (persistent data structures, blobs, catalog).
STORAGE_PACKAGES = ("persistent", "BTrees", "hypatia")

#: Globals of the standard library a pickle may name (value types) → may it call them?
STANDARD_GLOBALS = {
    ("builtins", "set"): True, ("builtins", "frozenset"): True,
    ("builtins", "bytearray"): True, ("builtins", "complex"): True,
    ("builtins", "object"): False, ("builtins", "list"): False, ("builtins", "dict"): False,
    ("builtins", "tuple"): False,
    ("__builtin__", "set"): True, ("__builtin__", "frozenset"): True,
    ("datetime", "datetime"): True, ("datetime", "date"): True, ("datetime", "time"): True,
    ("datetime", "timedelta"): True, ("datetime", "timezone"): True,
    ("decimal", "Decimal"): True, ("fractions", "Fraction"): True,
    ("collections", "OrderedDict"): True, ("collections", "deque"): True,
    ("uuid", "UUID"): False,
    ("zoneinfo", "ZoneInfo"): False, ("zoneinfo._zoneinfo", "ZoneInfo"): False,
    ("zoneinfo.ZoneInfo", "_unpickle"): True, ("zoneinfo._zoneinfo", "_unpickle"): True,
    ("copyreg", "_reconstructor"): True, ("copy_reg", "_reconstructor"): True,
    ("_codecs", "encode"): True,
    ("ZODB.blob", "Blob"): False,
    ("BTrees", "_family32"): True, ("BTrees", "_family64"): True,   # BTrees.family64 (hypatia)
}

EXPORT_MAGIC = b"ZEXP"
END_MARKER = b"\377" * 16
BLOB_MARKER = b"\000BLOBSTART"


class UnsafeExport(ValueError):
    """The export holds something Beffroi would not store: a callable, a class no
    installed package provides, or a record that is not well formed. Nothing was
    imported; the message names what was refused."""


class AllowList:
    """``(module, name)`` pairs an export may name; ``callable`` the subset a pickle may call.
    ``owner`` maps a top-level package to the plugin providing it (for messages)."""

    def __init__(self, names, callable_names, renamed, owners):
        self.names, self.callable, self.renamed, self.owners = names, callable_names, renamed, owners

    def resolve(self, module, name):
        """``(module, name)`` after the renames of ``beffroi.persistence``, or raise."""
        module = self.renamed.get(module, module)
        if (module, name) not in self.names:
            raise UnsafeExport(_refusal(module, name, self.owners))
        return module, name


def _refusal(module, name, owners):
    top = module.split(".")[0]
    if top.startswith("beffroi_") and top not in owners:
        plugin = top.removeprefix("beffroi_")
        return (f"the export holds objects of {module}.{name}, from the plugin {plugin!r} "
                f"that is not installed here: install it, then import again")
    return (f"the export names {module}.{name}, which is not a class Beffroi stores "
            f"(a crafted or damaged file): refused")


def _classes_of_package(package_name):
    """Every class defined in the modules of ``package_name`` (imported: installed code)."""
    try:
        package = importlib.import_module(package_name)
    except ImportError:
        return
    modules = [package]
    for info in pkgutil.walk_packages(getattr(package, "__path__", []), package_name + "."):
        if ".tests" in info.name or info.name.endswith(("__main__", ".conftest")):
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except Exception:          # an optional module whose dependency is absent
            continue
    for module in modules:
        for name, value in vars(module).items():
            module_name = getattr(value, "__module__", None) if inspect.isclass(value) else None
            qualname = getattr(value, "__qualname__", None)
            if isinstance(module_name, str) and isinstance(qualname, str):
                yield module_name, qualname, value


def allowed_globals(plugins) -> AllowList:
    """The allow-list of this installation: classes of the core (``beffroi``) and of
    every installed plugin's package, the storage packages (``STORAGE_PACKAGES``) and
    ``STANDARD_GLOBALS``. Enums are callable (that is how they are pickled)."""
    from persistent import Persistent

    from beffroi.persistence import RENAMED_MODULES
    owners = {}
    packages = ["beffroi", *STORAGE_PACKAGES]
    for record in plugins.plugins.values():
        module = getattr(record, "module", None)
        top = getattr(module, "__name__", "").split(".")[0]
        if top and top != "beffroi":
            packages.append(top)
            owners[top] = record.name
    names, callables = set(STANDARD_GLOBALS), {k for k, v in STANDARD_GLOBALS.items() if v}
    for package in dict.fromkeys(packages):
        storage = package in STORAGE_PACKAGES
        for module, qualname, cls in _classes_of_package(package):
            if not module.startswith(package) and not (storage and module.startswith("_")):
                continue                   # imported from elsewhere: judged where defined
            names.add((module, qualname))
            if isinstance(cls, enum.EnumMeta):
                callables.add((module, qualname))
    # BTrees' C classes are defined in modules named like BTrees.OOBTree / _OOBTree
    for module in list(sys.modules):
        if module.startswith("BTrees.") or module.startswith("persistent."):
            for name, value in vars(sys.modules[module]).items():
                if inspect.isclass(value) and issubclass(value, Persistent):
                    names.add((module, name))
    return AllowList(frozenset(names), frozenset(callables), RENAMED_MODULES, owners)


# --- the inert unpickler -------------------------------------------------------------------

class _Inert:
    """What a checked global becomes: accepts being built and filled, does nothing."""
    _global = ("", "")
    _callable = False

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):     # reached only when a pickle calls it (REDUCE)
        if not type(self)._callable:
            module, name = type(self)._global
            raise UnsafeExport(f"the export would call {module}.{name} while loading, "
                               f"which Beffroi never stores that way (a crafted file): refused")

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def append(self, value):
        pass

    def extend(self, values):
        pass

    def add(self, value):
        pass


class _Checker(pickle.Unpickler):
    def __init__(self, data, allowed, seen):
        super().__init__(io.BytesIO(data))
        self.allowed, self.seen = allowed, seen

    def find_class(self, module, name):
        module, name = self.allowed.resolve(module, name)
        self.seen.add((module, name))
        return type(name, (_Inert,), {"_global": (module, name),
                                      "_callable": (module, name) in self.allowed.callable})

    def persistent_load(self, pid):
        return object.__new__(_Inert)      # a reference to another record: nothing to build


def _class_of(meta, allowed):
    """The ``(module, name)`` a record's first pickle names (ZODB writes the class, or
    ``(class, args)``, or ``((module, name), args)`` in old files)."""
    if isinstance(meta, tuple) and meta:
        meta = meta[0]
    if isinstance(meta, tuple) and len(meta) == 2 and all(isinstance(p, str) for p in meta):
        return allowed.resolve(*meta)        # ZODB would import these by name
    if isinstance(meta, type) and issubclass(meta, _Inert):
        return meta._global
    raise UnsafeExport("a record of the export does not start with a class: refused")


def _real_class(module_name, name):
    module = importlib.import_module(module_name)     # on the allow-list: installed code
    value = module
    for part in name.split("."):
        value = getattr(value, part)
    return value


def check_record(data, allowed, seen) -> tuple[str, str]:
    """Load the two pickles of one record inertly; return the record's class."""
    checker = _Checker(data, allowed, seen)
    try:
        meta = checker.load()
        cls = _class_of(meta, allowed)
        checker.load()
    except UnsafeExport:
        raise
    except Exception as exc:
        raise UnsafeExport(f"a record of the export cannot be read ({exc.__class__.__name__}): "
                           f"refused") from None
    return cls


def _read(f, size):
    data = f.read(size)
    if len(data) != size:
        raise UnsafeExport("the export file is truncated: refused")
    return data


def checked_export(source, destination, allowed, max_record=256 * 1024 * 1024):
    """Copy the ZODB export ``source`` (a binary file) to ``destination`` record by
    record, each checked by ``check_record``. Returns ``(classes, first class)``:
    every ``(module, name)`` the export names, and the class of its root object.
    Raises ``UnsafeExport`` on the first refusal (``destination`` is then to be thrown
    away: the caller writes it to a temporary file)."""
    from ZODB.blob import Blob
    if source.read(4) != EXPORT_MAGIC:
        raise UnsafeExport("organisation.zexp is not a ZODB export: refused")
    destination.write(EXPORT_MAGIC)
    seen, first = set(), None
    while True:
        header = _read(source, 16)
        if header == END_MARKER:
            break
        length = struct.unpack(">Q", header[8:])[0]
        if length > max_record:
            raise UnsafeExport("a record of the export is larger than any object Beffroi "
                               "stores: refused")
        data = _read(source, length)
        cls = check_record(data, allowed, seen)
        first = first or cls
        destination.write(header + data)
        # the same test as ZODB's import (ExportImport._importDuringCommit)
        if b"blob" in data and issubclass(_real_class(*cls), Blob):
            if _read(source, len(BLOB_MARKER)) != BLOB_MARKER:
                raise UnsafeExport("a blob of the export has no data: refused")
            size_bytes = _read(source, 8)
            size = struct.unpack(">Q", size_bytes)[0]
            destination.write(BLOB_MARKER + size_bytes)
            while size:
                chunk = _read(source, min(size, 1 << 20))
                destination.write(chunk)
                size -= len(chunk)
    destination.write(END_MARKER)
    return seen, first
