"""The core's periodic jobs: mail delivery, digests, phases by date, open-data refresh.

| job | when |
| --- | --- |
| ``mail.deliver`` | every ``mail.background_interval`` seconds (10) |
| ``notifications.daily_digests`` | every day at 05:00 UTC |
| ``notifications.weekly_digests`` | every Monday at 05:00 UTC |
| ``spaces.phases_by_date`` | every hour: calls the ``on_phase_dates`` hook once hookspecs declares it (spaces follow their dates by themselves) |
| ``opendata.refresh`` | every ``beffroi.open_data.max_age`` minutes (60): rebuilds the stale open-data archives (``beffroi.services.opendata.views.refresh_job`` sets its period and work at start-up) and calls the ``on_open_data_refresh`` hook of plugins that have one (once hookspecs declares it) |
"""
from __future__ import annotations

from datetime import timedelta

import transaction
from pyramid.settings import aslist

from beffroi.ops.jobs import MONDAY, JobContext, JobRegistry, PeriodicJob


def deliver_mail(ctx: JobContext) -> str:
    """Deliver the due messages of the outbox (``beffroi.services.mail.delivery.deliver_pending``)."""
    from beffroi.services.mail.delivery import deliver_pending
    lines = []
    sent = deliver_pending(ctx.db, ctx.settings, out=lines.append, plugins=ctx.plugins)
    return f"{sent} message(s) sent" if sent or lines else ""


def queue_digests(db, settings, plugins, frequency, out=print) -> int:
    """Queue the ``frequency`` ("daily" or "weekly") digests of every organisation, one
    transaction per organisation; returns how many e-mails were queued."""
    from beffroi.services.notifications.model import (
        localizer_cache, notification_kinds, send_digests,
    )
    from beffroi.resources.root import get_app_root
    from beffroi.urls import public_base
    kinds = notification_kinds(plugins)
    localizer = localizer_cache(plugins)

    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    total = 0
    try:
        with tm:
            ids = list(get_app_root(conn).organisations.keys())
        for oid in ids:
            with tm:
                org = get_app_root(conn).organisations.get(oid)
                if org is None:
                    continue
                count = send_digests(org, frequency, public_base(settings, org.host), kinds,
                                     localizer)
                host = org.host
            if count:
                out(f"{host}: {count} {frequency} digest(s) queued")
            total += count
    finally:
        conn.close()
    return total


def _digests(frequency):
    def run(ctx: JobContext) -> str:
        count = queue_digests(ctx.db, ctx.settings, ctx.plugins, frequency, out=lambda line: None)
        return f"{count} {frequency} digest(s) queued"
    return run


def phase_dates(ctx: JobContext) -> str:
    """Hook point for work that follows phase dates. Spaces switch phase by themselves
    (``Space.current_phase`` reads the dates in the organisation's time zone), so this
    job changes nothing; it calls the ``on_phase_dates`` hook once one is declared
    (notifications "the vote opens today", …)."""
    hook = getattr(ctx.plugins.pm.hook, "on_phase_dates", None) if ctx.plugins else None
    if hook is None:
        return ""
    hook(db=ctx.db, now=ctx.now)
    return "phase-date hooks called"


def refresh_open_data(ctx: JobContext) -> str:
    hook = getattr(ctx.plugins.pm.hook, "on_open_data_refresh", None) if ctx.plugins else None
    if hook is None:
        return ""
    hook(db=ctx.db, now=ctx.now)
    return "open data refreshed"


def core_jobs(settings) -> JobRegistry:
    """The core's jobs for these settings, less those named in ``beffroi.jobs.exclude``."""
    registry = JobRegistry()
    interval = float(settings.get("mail.background_interval", 10))
    registry.add(PeriodicJob("mail.deliver", "Mail delivery", timedelta(seconds=interval),
                             deliver_mail, lease=timedelta(minutes=5),
                             claim_periods=max(1, int(60 // interval))))   # a claim a minute
    registry.add(PeriodicJob("notifications.daily_digests", "Daily digests", timedelta(days=1),
                             _digests("daily"), offset=timedelta(hours=5)))
    registry.add(PeriodicJob("notifications.weekly_digests", "Weekly digests", timedelta(days=7),
                             _digests("weekly"), offset=MONDAY + timedelta(hours=5)))
    registry.add(PeriodicJob("spaces.phases_by_date", "Phases by date", timedelta(hours=1),
                             phase_dates))
    registry.add(PeriodicJob("opendata.refresh", "Open data refresh", timedelta(days=1),
                             refresh_open_data, offset=timedelta(hours=3)))
    return registry.without(aslist(settings.get("beffroi.jobs.exclude", "")))
