"""Periodic jobs run in the app processes, each once per period whatever the number of
processes sharing the database (ZEO-served FileStorage, PostgreSQL)."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from beffroi.ops.database import open_database
from beffroi.ops.jobs import JobContext, JobRegistry, PeriodicJob, job_records, run_due
from beffroi.ops.jobs_core import core_jobs

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["filestorage", "postgresql"])
def two_processes(request, tmp_path):
    """Two database handles on one database, as two app processes have."""
    if request.param == "filestorage":
        uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    else:
        uri = request.getfixturevalue("postgres_uri")
    first, server = open_database(uri, serve=True)
    second, _ = open_database(uri)
    yield first, second
    second.close()
    first.close()
    if server is not None:
        server.close()


def counting_registry(runs):
    registry = JobRegistry()
    registry.add(PeriodicJob("test.count", "Count", timedelta(days=1),
                             lambda ctx: runs.append(ctx.now) or "counted",
                             offset=timedelta(hours=5)))
    return registry


def test_with_two_processes_a_job_runs_once_per_period(two_processes):
    runs = []
    registry = counting_registry(runs)
    start = threading.Barrier(2)

    def process(db, name, now):
        start.wait()
        run_due(lambda at: JobContext(db, {}, None, at), registry, name, now=now)

    for now in (NOON, NOON + timedelta(hours=1), NOON + timedelta(days=1)):
        threads = [threading.Thread(target=process, args=(db, f"p{i}", now))
                   for i, db in enumerate(two_processes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    # 12:00 and 13:00 are the same day (periods start at 05:00): one run; the next day: one more
    assert runs == [NOON, NOON + timedelta(days=1)]
    conn = two_processes[1].open()
    record = job_records(conn)["test.count"]
    assert record.outcome == "counted" and record.runner in ("p0", "p1") and record.error == ""
    conn.close()


def test_a_failing_job_is_recorded_and_runs_again_next_period(two_processes):
    db = two_processes[0]
    registry = JobRegistry()
    registry.add(PeriodicJob("test.fail", "Fail", timedelta(hours=1), lambda ctx: 1 / 0))
    assert run_due(lambda at: JobContext(db, {}, None, at), registry, "p", now=NOON) == ["test.fail"]
    conn = db.open()
    assert job_records(conn)["test.fail"].error.startswith("ZeroDivisionError")
    conn.close()
    assert run_due(lambda at: JobContext(db, {}, None, at), registry, "p", now=NOON) == []
    assert run_due(lambda at: JobContext(db, {}, None, at), registry, "p",
                   now=NOON + timedelta(hours=1)) == ["test.fail"]


def test_the_mail_job_delivers_the_outbox(platform, smtp_server):
    from beffroi.services.mail.queue import queue_mail
    platform.add_org("Commune", "test.localhost")
    with platform.tx() as app:
        queue_mail(app.organisation_for_host("test.localhost"), "a@example.org", "Par le job", "t")
    settings = {"mail.host": "127.0.0.1", "mail.port": str(smtp_server.port),
                "mail.default_sender": "noreply@beffroi.test"}
    run_due(lambda at: JobContext(platform.db, settings, platform.plugins, at),
            core_jobs(settings), "p")
    assert [m["Subject"] for m in smtp_server.messages] == ["Par le job"]


def test_the_phase_job_leaves_spaces_following_their_dates(platform):
    from beffroi.resources.space import Phase
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "budget", modules=["pages"])
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        del space.phases[:]
        today = space.today()
        space.add_phase(Phase("Propositions", date(2026, 1, 1), today - timedelta(days=1)))
        space.add_phase(Phase("Vote", today, today + timedelta(days=20)))
    settings = {"beffroi.jobs.exclude": "mail.deliver"}
    ran = run_due(lambda at: JobContext(platform.db, settings, platform.plugins, at),
                  core_jobs(settings), "p")
    assert "spaces.phases_by_date" in ran
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        assert space.active_phase.title == "Vote" and not space.phase_pinned


def test_a_misspelt_job_name_stops_the_start():
    with pytest.raises(ValueError, match="unknown jobs \\['mail.delivr'\\]"):
        core_jobs({"beffroi.jobs.exclude": "mail.delivr"})
    with pytest.raises(ValueError, match="namespaced"):
        PeriodicJob("count", "Count", timedelta(days=1), lambda ctx: "")


def test_a_frequent_job_runs_every_period_but_writes_a_claim_once_a_minute(beffroi_db):
    from beffroi.ops.jobs import ProcessState
    runs = []
    registry = JobRegistry()
    registry.add(PeriodicJob("test.often", "Often", timedelta(seconds=10),
                             lambda ctx: runs.append(ctx.now) and "", claim_periods=6))
    processes = [ProcessState(), ProcessState()]
    transactions = len(list(beffroi_db.storage.iterator()))
    for tick in range(24):                       # 2 minutes, both processes every 5 s
        now = NOON + timedelta(seconds=5 * tick)
        for i, state in enumerate(processes):
            run_due(lambda at: JobContext(beffroi_db, {}, None, at), registry, f"p{i}",
                    now=now, state=state)
    assert runs == [NOON + timedelta(seconds=10 * k) for k in range(12)]   # each period once
    written = len(list(beffroi_db.storage.iterator())) - transactions
    assert written == 2 * 2                      # a claim and its first run's record, per minute


def test_a_misspelt_excluded_job_stops_the_app_start():
    from ZODB import DB
    from ZODB.MappingStorage import MappingStorage

    from beffroi.app import make_config
    with pytest.raises(ValueError, match="beffroi.jobs.exclude: unknown jobs"):
        make_config({"beffroi.db": DB(MappingStorage()), "beffroi.secret": "s" * 40,
                     "beffroi.jobs.exclude": "notifications.dayly_digests"})


def _petitions_plugin():
    import types

    from beffroi.hookspecs import hookimpl
    module = types.ModuleType("beffroi_petitions_jobs")

    @hookimpl
    def on_configure(config):
        config.registry.beffroi_jobs.add(PeriodicJob(
            "petitions.close", "Close petitions", timedelta(days=1),
            lambda ctx: "3 petitions closed", offset=timedelta(hours=2)))
    module.on_configure = on_configure
    return module


@pytest.mark.beffroi_plugins(_petitions_plugin())
def test_a_plugin_declares_a_job_that_runs_with_the_core_ones(beffroi_app, beffroi_db):
    jobs = beffroi_app.registry.beffroi_jobs
    assert "petitions.close" in jobs.jobs and "mail.deliver" in jobs.jobs
    ran = run_due(lambda at: JobContext(beffroi_db, {}, None, at),
                  jobs.without(["mail.deliver", "notifications.daily_digests",
                                "notifications.weekly_digests", "spaces.phases_by_date",
                                "opendata.refresh"]), "p", now=NOON)
    assert ran == ["petitions.close"]
    conn = beffroi_db.open()
    assert job_records(conn)["petitions.close"].outcome == "3 petitions closed"
    conn.close()
