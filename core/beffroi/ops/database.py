"""Opening the database named by ``zodbconn.uri``, so that commands work while the app runs.

A FileStorage (``file://…/Data.fs``) can be opened by one process only: it holds
``Data.fs.lock``. So the app process that opens it (``pserve development.ini``)
also serves it to other processes through an embedded ZEO server listening on a
unix socket beside it (``Data.fs.zeo``, mode 0600: only the same system user), and
uses it itself as a ZEO client of that server, so that the invalidations of every
writer reach every process. A command (``beffroi send-mail``, ``org list``…) opens
the FileStorage directly when it is free, and through the socket when an app
process holds it. Blobs are read in place (``shared_blob_dir``: same machine).

Other URIs (``postgres://`` for RelStorage, ``zeo://`` for a standalone ZEO
server) are opened as they are: they are already shared.

Errors are ``DatabaseUnavailable`` with a sentence saying what to do.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

SOCKET_SUFFIX = ".zeo"
_UNIX_PATH_MAX = 100            # sun_path is 108 bytes on Linux, 104 on BSD


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class FileStorageLocation:
    """Where a ``file://`` URI keeps its data: ``Data.fs`` and the blob directory."""
    path: str
    blob_dir: str | None

    @property
    def socket(self) -> str:
        return socket_path(self.path)


def file_storage_location(uri: str | None) -> FileStorageLocation | None:
    """The FileStorage paths of a ``file://`` zodburi URI, or None for other URIs."""
    if not uri or not uri.startswith("file://"):
        return None
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    blob_dir = query.get("blobstorage_dir", [None])[0]
    return FileStorageLocation(os.path.abspath(unquote(parts.path)),
                               os.path.abspath(blob_dir) if blob_dir else None)


def socket_path(data_fs: str) -> str:
    """The unix socket serving ``data_fs``: beside it, or in the temporary directory
    (named by a digest of the path) when that path is too long for a socket."""
    beside = os.path.abspath(data_fs) + SOCKET_SUFFIX
    if len(beside.encode()) <= _UNIX_PATH_MAX:
        return beside
    digest = hashlib.sha256(os.path.abspath(data_fs).encode()).hexdigest()[:20]
    return os.path.join(tempfile.gettempdir(), f"beffroi-{os.getuid()}-{digest}{SOCKET_SUFFIX}")


class EmbeddedServer:
    """A ZEO server in a thread of this process, serving one FileStorage on a socket."""

    def __init__(self, location: FileStorageLocation, storage):
        from ZEO.StorageServer import StorageServer
        self.location = location
        self.storage = storage
        sock = location.socket
        if os.path.exists(sock):
            os.unlink(sock)        # we hold the lock: whoever made it is gone
        built = {}

        def build():
            # in a thread of its own: ZEO runs an asyncio loop to bind, which fails in a
            # thread where another loop runs
            try:
                built["server"] = StorageServer(sock, {"1": storage})
            except BaseException as exc:       # re-raised in the caller's thread
                built["error"] = exc
        old = os.umask(0o077)
        try:
            builder = threading.Thread(target=build, name="beffroi-zeo-bind")
            builder.start()
            builder.join()
        finally:
            os.umask(old)
        if "error" in built:
            raise built["error"]
        self.server = built["server"]
        self.server.start_thread(daemon=True)
        self._closed = False
        self._lock = threading.Lock()

    def close(self):
        """Stop serving and close the FileStorage (writes ``Data.fs.index``)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.server.close()
        try:
            os.unlink(self.location.socket)
        except FileNotFoundError:
            pass


def _client_db(location: FileStorageLocation, dbkw, wait_timeout=10):
    from ZEO.ClientStorage import ClientStorage
    from ZEO.Exceptions import ClientDisconnected
    from beffroi.persistence import Database as DB
    try:
        storage = ClientStorage(location.socket, wait_timeout=wait_timeout,
                                blob_dir=location.blob_dir, shared_blob_dir=bool(location.blob_dir))
    except ClientDisconnected:
        raise DatabaseUnavailable(
            f"the database {location.path} is in use by another process, which does not "
            f"answer on {location.socket}; wait for it to finish or stop it, then try again")
    return DB(storage, **dbkw)


def open_database(uri: str, serve: bool = False):
    """Open the ZODB database of the zodburi ``uri``; returns ``(db, server)``.

    For a ``file://`` URI whose FileStorage is free: with ``serve`` (app processes)
    the storage is served on its socket and ``db`` is a client of it, ``server`` the
    ``EmbeddedServer`` to close last; without ``serve`` (commands) ``db`` opens it
    directly and ``server`` is None. When another process holds it, ``db`` is a
    client of that process's socket. Raises ``DatabaseUnavailable`` when the
    database is locked by a process that does not serve it, or unreachable."""
    from zodburi import resolve_uri
    from beffroi.persistence import Database as DB
    try:
        factory, dbkw = resolve_uri(uri)
    except Exception as exc:
        raise DatabaseUnavailable(f"zodbconn.uri {uri!r} is not a usable database URI: {exc}")
    location = file_storage_location(uri)
    if location is None:
        try:
            return DB(factory(), **dbkw), None
        except Exception as exc:
            raise DatabaseUnavailable(
                f"cannot open the database {_redacted(uri)} ({type(exc).__name__}: "
                f"{_first_line(exc)}); check that it runs and that zodbconn.uri names it") from exc
    import zc.lockfile
    os.makedirs(os.path.dirname(location.path), exist_ok=True)
    if location.blob_dir:
        os.makedirs(location.blob_dir, exist_ok=True)
    try:
        storage = factory()
    except zc.lockfile.LockError:
        if os.path.exists(location.socket):
            return _client_db(location, dbkw), None
        raise DatabaseUnavailable(
            f"the database {location.path} is in use by another process (a `beffroi` "
            f"command?) that does not serve it; wait for it to finish, then try again")
    if not serve:
        return DB(storage, **dbkw), None
    server = EmbeddedServer(location, storage)
    try:
        return _client_db(location, dbkw), server
    except Exception:
        server.close()
        raise


def _first_line(exc) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


def _redacted(uri: str) -> str:
    """The URI without a password (``postgres://user:secret@host``)."""
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return uri


def database_problem(exc: BaseException) -> str | None:
    """A sentence for the person at the terminal when ``exc`` means the database is
    unreachable or locked; None for other errors."""
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    import zc.lockfile
    from ZEO.Exceptions import ClientDisconnected
    if isinstance(exc, zc.lockfile.LockError):
        return ("the database is in use by another process that does not serve it; "
                "wait for it to finish, then try again")
    if isinstance(exc, ClientDisconnected):
        return ("the app process serving the database stopped during the command; "
                "start it again (or stop every process and run the command alone)")
    try:
        import psycopg2
        if isinstance(exc, psycopg2.OperationalError):
            return (f"cannot reach PostgreSQL ({_first_line(exc)}); check that it runs and "
                    f"that zodbconn.uri names its user, host and port")
    except ImportError:
        pass
    return None
