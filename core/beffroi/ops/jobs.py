"""Periodic jobs, run inside the app processes, each once per period across processes.

A job is declared as data (``PeriodicJob``): a namespaced name, a period, an
offset inside the period and a function ``run(ctx) -> str`` returning a line for
the log. Time is cut into periods counted from the Unix epoch plus the offset
(``period=timedelta(days=1), offset=timedelta(hours=5)``: every day at 05:00
UTC). Before running a job, a process *claims* the current period in the
database (``JobRecord`` under the root key ``beffroi.jobs``, one object per job):
two processes that claim the same period write the same object, one commits and
the other gets a ConflictError and skips, so with any number of app processes on
a shared database (ZEO, RelStorage) each job runs once per period. A claim is
also a lease (``lease``): while a run is in progress no other process starts the
same job. The record keeps the last run (start, end, outcome, error, process).

The core declares its jobs in ``beffroi.ops.jobs_core``; a plugin (or the core) adds
one with ``JobRegistry.add``. The scheduler (``start_scheduler``) is started by
``beffroi.app.main`` when the setting ``beffroi.jobs`` is true (default); commands do not run it.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

log = logging.getLogger(__name__)

JOBS_KEY = "beffroi.jobs"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: Offset of weekly jobs so that their periods start on Mondays (1970-01-01 was a Thursday).
MONDAY = timedelta(days=4)


@dataclass(frozen=True)
class JobContext:
    """What a job's ``run`` gets: the database, the settings, the plugins, a clock."""
    db: object
    settings: dict
    plugins: object
    now: datetime


@dataclass(frozen=True)
class PeriodicJob:
    """A job run once per period by one of the app processes.

    ``name``: namespaced (``mail.deliver``); ``period`` and ``offset``: see the
    module docstring; ``run(ctx: JobContext) -> str``: does the work, opening its own
    transactions on ``ctx.db``, and returns a short outcome for the log and health
    page (raise to record a failure); ``lease``: how long a run may take before
    another process may start the job again (default: the period, at most 1 hour);
    ``claim_periods``: periods claimed at once, so that a frequent job (mail every 10 s)
    writes a claim once a minute, not every period; if the claiming process stops, the
    rest of its periods go unrun."""
    name: str
    title: str
    period: timedelta
    run: Callable[[JobContext], str]
    offset: timedelta = timedelta(0)
    lease: timedelta | None = None
    claim_periods: int = 1

    def __post_init__(self):
        if "." not in self.name:
            raise ValueError(f"job name {self.name!r} must be namespaced, e.g. 'mail.deliver'")
        if self.period <= timedelta(0):
            raise ValueError(f"job {self.name!r}: the period must be positive")
        if self.claim_periods < 1:
            raise ValueError(f"job {self.name!r}: claim_periods must be 1 or more")

    def period_of(self, now: datetime) -> int:
        """The number of the period ``now`` falls in."""
        return int((now - EPOCH - self.offset) // self.period)

    @property
    def lease_time(self) -> timedelta:
        return self.lease or min(self.period, timedelta(hours=1))


class JobRecord(Persistent):
    """What the database knows of one job: the last period claimed and the last run."""

    def __init__(self):
        self.period = -1
        self.claimed_until = None
        self.started = None
        self.finished = None
        self.outcome = ""
        self.error = ""
        self.runner = ""


@dataclass
class JobRegistry:
    """The periodic jobs of this installation, by name."""
    jobs: dict[str, PeriodicJob] = field(default_factory=dict)

    def add(self, job: PeriodicJob) -> None:
        """Declare ``job``; raises ValueError when the name is taken."""
        if job.name in self.jobs:
            raise ValueError(f"periodic job {job.name!r} is declared twice")
        self.jobs[job.name] = job

    def without(self, names) -> "JobRegistry":
        """A registry without the jobs ``names``; raises ValueError on an unknown name."""
        unknown = sorted(set(names) - set(self.jobs))
        if unknown:
            raise ValueError(f"beffroi.jobs.exclude: unknown jobs {unknown}; "
                             f"known: {sorted(self.jobs)}")
        return JobRegistry({n: j for n, j in self.jobs.items() if n not in set(names)})


def utc_now() -> datetime:
    """The current time, aware, in UTC (what jobs and their periods count in)."""
    return datetime.now(timezone.utc)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_records(conn, create=False):
    """The ``OOBTree`` name → ``JobRecord`` of the database of ``conn`` (None if absent)."""
    root = conn.root()
    records = root.get(JOBS_KEY)
    if records is None and create:
        records = root[JOBS_KEY] = OOBTree()
    return records


def ensure_job_records(db, registry: JobRegistry) -> None:
    """Create the records at start-up so that claims only ever write a job's own record."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            records = job_records(conn, create=True)
            for name in registry.jobs:
                if name not in records:
                    records[name] = JobRecord()
    except ConflictError:
        pass                                   # another process made them
    finally:
        conn.close()


def claim(db, job: PeriodicJob, now: datetime, runner: str) -> int | None:
    """Claim the period of ``now`` for ``job`` (and the ``claim_periods - 1`` next ones);
    returns the last period claimed when this process must run them, else None."""
    period = job.period_of(now)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            records = job_records(conn, create=True)
            record = records.get(job.name)
            if record is None:                 # usually made at start-up
                record = records[job.name] = JobRecord()
            if record.period >= period:
                return None
            if record.claimed_until is not None and record.claimed_until > now:
                return None                    # a run of an earlier period is in progress
            record.period = period + job.claim_periods - 1
            record.claimed_until = now + job.lease_time
            record.started = now
            record.runner = runner
        return record.period
    except ConflictError:
        return None                            # another process claimed it
    finally:
        conn.close()


def _record_end(db, job, started, outcome, error):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for _attempt in range(3):
            try:
                with tm:
                    record = job_records(conn)[job.name]
                    record.claimed_until = None
                    record.started, record.finished = started, utc_now()
                    record.outcome, record.error = outcome[:300], error[:500]
                return
            except ConflictError:
                continue
    finally:
        conn.close()


@dataclass
class ProcessState:
    """What one process remembers between ticks: the period it last looked at for each
    job (no database read until the next period) and the periods it holds a claim on."""
    seen: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)


def run_due(ctx_factory, registry: JobRegistry, runner: str, now=None,
            state: ProcessState | None = None) -> list[str]:
    """Run every job whose current period this process claims (or holds from an earlier
    claim, see ``claim_periods``); returns their names. ``state`` is kept by the caller
    between calls (a fresh one when None)."""
    now = now or utc_now()
    state = state if state is not None else ProcessState()
    ctx = ctx_factory(now)
    ran = []
    for job in registry.jobs.values():
        period = job.period_of(now)
        if state.seen.get(job.name) == period:
            continue
        held = state.held.get(job.name, -1) >= period
        if not held:
            last = claim(ctx.db, job, now, runner)
            state.seen[job.name] = period      # claimed now, or by another process
            if last is None:
                continue
            state.held[job.name] = last
        state.seen[job.name] = period
        ran.append(job.name)
        outcome, error = "", ""
        try:
            outcome = job.run(ctx) or ""
        except Exception as exc:
            log.exception("periodic job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"
        if not held or outcome or error:       # a held period writes only news
            _record_end(ctx.db, job, now, outcome, error)
        if outcome:
            log.info("%s: %s", job.name, outcome)
    return ran


def last_runs(conn) -> dict[str, dict]:
    """Name → {started, finished, outcome, error, runner} (ISO times) of every job."""
    records = job_records(conn) or {}
    out = {}
    for name, r in records.items():
        out[name] = {"started": r.started.isoformat() if r.started else None,
                     "finished": r.finished.isoformat() if r.finished else None,
                     "outcome": r.outcome, "error": r.error, "runner": r.runner}
    return out


class Scheduler:
    """A daemon thread running ``run_due`` every ``tick`` seconds until ``stop()``."""

    def __init__(self, db, settings, plugins, registry: JobRegistry, tick=1.0):
        self.db, self.settings, self.plugins, self.registry = db, settings, plugins, registry
        self.tick = tick
        self.runner = runner_name()
        self._stop = threading.Event()
        self._state = ProcessState()
        self.thread = threading.Thread(target=self._loop, name="beffroi-jobs", daemon=True)

    def _context(self, now):
        return JobContext(self.db, self.settings, self.plugins, now)

    def _loop(self):
        while not self._stop.wait(self.tick):
            try:
                run_due(self._context, self.registry, self.runner, state=self._state)
            except Exception:                 # keep the thread alive; the next tick retries
                log.exception("periodic jobs failed")

    def start(self):
        ensure_job_records(self.db, self.registry)
        self.thread.start()
        return self

    def stop(self, timeout=30):
        """Stop after the job in progress (waits at most ``timeout`` seconds)."""
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
