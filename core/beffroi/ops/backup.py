"""Backups and restores of the database named by ``zodbconn.uri``, blobs included.

FileStorage (``file://``): ``repozo`` (ZODB's own tool) writes full and incremental
backups of ``Data.fs`` into ``DIR/filestorage`` while the app runs (it copies
committed transactions only); then the blob directory is copied into
``DIR/blobs/<stamp>``, ``<stamp>`` being the name of the repozo file just written,
unchanged blob files hard-linked to the previous copy (blob files never change once
written), so each copy is complete and costs only what is new. Restoring takes the
repozo state at a date (``--date``, UTC, default: the latest) and the blob copy of the
same backup, after moving the current files aside (``*.before-restore-<time>``).

PostgreSQL (``postgres://``, RelStorage with blobs in the database): ``pg_dump -Fc``
into ``DIR/postgresql/<stamp>.dump`` (large objects, hence blobs, included);
``pg_restore --clean`` restores the latest dump, or the latest one at ``--date``.

Errors are ``BackupError`` with a sentence saying what to do.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from beffroi.ops.database import file_storage_location

REPOZO_SUFFIXES = (".fs", ".fsz", ".deltafs", ".deltafsz")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d-%H-%M-%S")


def _run(cmd, env=None) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (on Debian: apt-get install postgresql-client)")
    if done.returncode != 0:
        raise BackupError(f"{os.path.basename(cmd[0])} failed: "
                          f"{(done.stderr or done.stdout).strip()[-500:]}")
    return done.stdout + done.stderr


def _repozo(*args) -> str:
    return _run([sys.executable, "-m", "ZODB.scripts.repozo", *args])


def _stamps(directory, suffixes) -> list[str]:
    if not os.path.isdir(directory):
        return []
    return sorted(name.rsplit(".", 1)[0] for name in os.listdir(directory)
                  if name.endswith(suffixes))


# --- FileStorage -----------------------------------------------------------------------

def _copy_blobs(blob_dir, target, previous) -> int:
    """Copy ``blob_dir`` into ``target``, hard-linking files equal to ``previous``'s."""
    copied = 0
    for here, dirs, files in os.walk(blob_dir):
        rel = os.path.relpath(here, blob_dir)
        if rel.split(os.sep)[0] == "tmp":
            continue                          # uncommitted uploads
        os.makedirs(os.path.join(target, rel), exist_ok=True)
        for name in files:
            src = os.path.join(here, name)
            dst = os.path.join(target, rel, name)
            old = os.path.join(previous, rel, name) if previous else None
            if old and os.path.exists(old) and os.path.getsize(old) == os.path.getsize(src):
                os.link(old, dst)
            else:
                shutil.copy2(src, dst)
                copied += 1
    return copied


def _file_backup(location, directory, full, out) -> str:
    repo = os.path.join(directory, "filestorage")
    os.makedirs(repo, exist_ok=True)
    if not os.path.exists(location.path):
        raise BackupError(f"there is no database at {location.path} yet")
    before = _stamps(repo, REPOZO_SUFFIXES)
    _repozo("-B", "-z", "-r", repo, "-f", location.path, *(["-F"] if full else []))
    after = _stamps(repo, REPOZO_SUFFIXES)
    if after == before:
        out("no change since the last backup")
        return after[-1] if after else ""
    stamp = after[-1]
    kind = "full" if os.path.exists(os.path.join(repo, stamp + ".fsz")) else "incremental"
    if location.blob_dir and os.path.isdir(location.blob_dir):
        blobs = os.path.join(directory, "blobs")
        done = _stamps(blobs, ("",)) if os.path.isdir(blobs) else []
        previous = os.path.join(blobs, sorted(os.listdir(blobs))[-1]) if done else None
        copied = _copy_blobs(location.blob_dir, os.path.join(blobs, stamp), previous)
        out(f"{kind} backup {stamp} of {location.path}, {copied} new blob file(s)")
    else:
        out(f"{kind} backup {stamp} of {location.path}")
    return stamp


def _assert_stopped(location):
    import zc.lockfile
    try:
        lock = zc.lockfile.LockFile(location.path + ".lock")
    except zc.lockfile.LockError:
        raise BackupError(f"the database {location.path} is in use: stop the app processes "
                          f"and commands first, then restore")
    return lock


def _file_restore(location, directory, date, out) -> str:
    repo = os.path.join(directory, "filestorage")
    stamps = [s for s in _stamps(repo, REPOZO_SUFFIXES) if date is None or s <= date]
    if not stamps:
        raise BackupError(f"no backup in {repo}" + (f" at or before {date}" if date else ""))
    lock = _assert_stopped(location)
    try:
        aside = f".before-restore-{datetime.now(timezone.utc):%Y-%m-%d-%H-%M-%S-%f}"
        for suffix in ("", ".index", ".tmp"):
            if os.path.exists(location.path + suffix):
                os.replace(location.path + suffix, location.path + aside + suffix.replace(".", "-"))
        _repozo("-R", "-r", repo, "-o", location.path, *(["-D", date] if date else []))
        if location.blob_dir:
            snapshots = [s for s in _stamps(os.path.join(directory, "blobs"), ("",))]
            chosen = [s for s in snapshots if s <= stamps[-1]]
            if os.path.exists(location.blob_dir):
                os.replace(location.blob_dir, location.blob_dir + aside)
            if chosen:
                shutil.copytree(os.path.join(directory, "blobs", chosen[-1]), location.blob_dir)
            else:
                os.makedirs(location.blob_dir)
    finally:
        lock.close()
    out(f"restored {location.path} as of backup {stamps[-1]} (the previous files end in {aside})")
    return stamps[-1]


# --- PostgreSQL ------------------------------------------------------------------------

def _pg(uri):
    parts = urlsplit(uri)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", unquote(parts.username)]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return args, parts.path.lstrip("/"), env


def _pg_backup(uri, directory, out) -> str:
    args, dbname, env = _pg(uri)
    target = os.path.join(directory, "postgresql")
    os.makedirs(target, exist_ok=True)
    stamp = _stamp()
    path = os.path.join(target, f"{stamp}.dump")
    _run(["pg_dump", *args, "-Fc", "-f", path, dbname], env=env)
    out(f"backup {stamp} of PostgreSQL database {dbname} (blobs included): {path}")
    return stamp


def _pg_restore(uri, directory, date, out) -> str:
    from urllib.parse import parse_qs
    args, dbname, env = _pg(uri)
    stamps = [s for s in _stamps(os.path.join(directory, "postgresql"), (".dump",))
              if date is None or s <= date]
    if not stamps:
        raise BackupError(f"no PostgreSQL backup in {directory}" + (f" at or before {date}" if date else ""))
    path = os.path.join(directory, "postgresql", f"{stamps[-1]}.dump")
    _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", dbname, path], env=env)
    cache = parse_qs(urlsplit(uri).query).get("blob_dir", [None])[0]
    if cache and os.path.isdir(cache):
        shutil.rmtree(cache)                  # a cache of the old state
    out(f"restored PostgreSQL database {dbname} as of backup {stamps[-1]}")
    return stamps[-1]


# --- entry points ----------------------------------------------------------------------

def backup(uri: str, directory: str, full: bool = False, out=print) -> str:
    """Back up the database of the zodburi ``uri`` into ``directory`` (created if
    needed); returns the backup's stamp (``YYYY-MM-DD-hh-mm-ss``, UTC). Safe while
    the app runs. Raises BackupError."""
    location = file_storage_location(uri)
    if location is not None:
        return _file_backup(location, os.path.abspath(directory), full, out)
    if uri.startswith(("postgres://", "postgresql://")):
        return _pg_backup(uri, directory, out)
    raise BackupError("backups handle file:// and postgres:// databases; for another "
                      "storage use its own tools")


def restore(uri: str, directory: str, date: str | None = None, out=print) -> str:
    """Replace the database of ``uri`` by the backup in ``directory`` (the latest, or
    the latest at ``date`` ``YYYY-MM-DD[-hh[-mm[-ss]]]`` UTC); returns its stamp.
    Stop the app processes first. Raises BackupError."""
    if date is not None:
        given, date = date, date + "-00-00-00"[:max(0, 19 - len(date))]   # the stamps' format
        try:
            time.strptime(date, "%Y-%m-%d-%H-%M-%S")
        except ValueError:
            raise BackupError(f"--date {given!r}: write YYYY-MM-DD[-hh[-mm[-ss]]] (UTC)") from None
    location = file_storage_location(uri)
    if location is not None:
        return _file_restore(location, os.path.abspath(directory), date, out)
    if uri.startswith(("postgres://", "postgresql://")):
        return _pg_restore(uri, directory, date, out)
    raise BackupError("restores handle file:// and postgres:// databases")
