"""``beffroi backup``, ``restore``, ``pack`` (see ``beffroi.ops.backup`` and the README
section "Backups and upkeep") and ``beffroi jobs`` (periodic jobs, setting ``beffroi.jobs``)."""
from __future__ import annotations

import os

from beffroi.cli.env import CommandError


def _uri(env):
    uri = env.settings.get("zodbconn.uri")
    if not uri:
        raise CommandError(f"{env.config_path} has no zodbconn.uri")
    return uri


def _backup(env, args):
    from beffroi.ops.backup import BackupError, backup
    try:
        backup(_uri(env), args.directory, full=args.full, out=env.out)
    except BackupError as exc:
        raise CommandError(str(exc)) from None


def _restore(env, args):
    from beffroi.ops.backup import BackupError, restore
    if not args.yes:
        raise CommandError("restoring replaces the current database: stop the app processes, "
                           "then run the command again with --yes")
    try:
        restore(_uri(env), args.directory, date=args.date, out=env.out)
    except BackupError as exc:
        raise CommandError(str(exc)) from None


def _pack(env, args):
    from beffroi.ops.database import file_storage_location
    if args.days < 0:
        raise CommandError("--days must be 0 or more")
    location = file_storage_location(_uri(env))
    before = os.path.getsize(location.path) if location and os.path.exists(location.path) else None
    env.db.pack(days=args.days)
    if before is not None:
        after = os.path.getsize(location.path)
        env.out(f"packed {location.path}: {before / 1e6:.1f} MB → {after / 1e6:.1f} MB "
                f"(history older than {args.days} day(s) removed)")
    else:
        env.out(f"packed (history older than {args.days} day(s) removed)")


def add_commands(sub):
    p = sub.add_parser("backup", help="back up the database and its blobs into a directory "
                                      "(safe while the app runs)")
    p.add_argument("directory")
    p.add_argument("--full", action="store_true", help="a full backup (FileStorage; default: "
                                                       "incremental when possible)")
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="replace the database by a backup (stop the app first)")
    p.add_argument("directory")
    p.add_argument("--date", help="the latest backup at this UTC date, YYYY-MM-DD[-hh[-mm[-ss]]]")
    p.add_argument("--yes", action="store_true", help="confirm: the current database is replaced")
    p.set_defaults(func=_restore)
    p = sub.add_parser("pack", help="remove old object revisions and unused objects and blobs")
    p.add_argument("--days", type=float, default=1.0,
                   help="keep the history of the last DAYS days (default 1)")
    p.set_defaults(func=_pack)
    add_job_commands(sub)


def _jobs(env, args):
    import json

    from beffroi.ops.jobs import JobContext, last_runs, utc_now
    from beffroi.ops.jobs_core import core_jobs
    registry = core_jobs(env.settings)
    if args.run:
        job = registry.jobs.get(args.run)
        if job is None:
            raise CommandError(f"no job {args.run!r}; known: {', '.join(sorted(registry.jobs))}")
        env.out(job.run(JobContext(env.db, env.settings, env.plugins, utc_now())) or "done")
        return
    conn = env.db.open()
    try:
        runs = last_runs(conn)
    finally:
        conn.close()
    rows = [{"name": name, "title": job.title, "every_seconds": job.period.total_seconds(),
             **runs.get(name, {})} for name, job in sorted(registry.jobs.items())]
    if args.json:
        env.out(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        last = row.get("started") or "never"
        state = f"error: {row['error']}" if row.get("error") else (row.get("outcome") or "")
        env.out(f"{row['name']:<32} every {row['every_seconds']:>8.0f} s  last {last}  {state}".rstrip())


def add_job_commands(sub):
    p = sub.add_parser("jobs", help="periodic jobs: their last run, or run one now")
    p.add_argument("--run", metavar="NAME", help="run this job now, in this process")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_jobs)
