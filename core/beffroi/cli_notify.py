"""``beffroi send-digests --daily|--weekly``: queue the notification digests.

Run it from cron once a day (``--daily``) and once a week (``--weekly``); the digests
join the mail outbox, which ``beffroi send-mail`` (or the background sender) delivers.
Each organisation is handled in its own transaction.
"""
from __future__ import annotations


def _send_digests(env, args):
    from beffroi.notifications import (
        make_localizer_for, notification_kinds, send_digests, translation_dirs,
    )
    from beffroi.urls import public_base
    frequency = "weekly" if args.weekly else "daily"
    kinds = notification_kinds(env.plugins)
    dirs = translation_dirs(env.plugins)
    localizers = {}

    def localizer(locale):
        if locale not in localizers:
            localizers[locale] = make_localizer_for(locale, dirs)
        return localizers[locale]

    with env.app_root() as app:
        ids = list(app.organisations.keys())
    total = 0
    for oid in ids:
        with env.app_root() as app:
            org = app.organisations.get(oid)
            if org is None:
                continue
            count = send_digests(org, frequency, public_base(env.settings, org.host), kinds, localizer)
        if count:
            env.out(f"{org.host}: {count} {frequency} digest(s) queued")
        total += count
    env.out(f"{total} {frequency} digest(s) queued; deliver them with 'beffroi send-mail'")


def add_commands(sub):
    p = sub.add_parser("send-digests", help="queue the daily or weekly notification digests")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--daily", action="store_true", help="participants who chose a daily digest")
    group.add_argument("--weekly", action="store_true", help="participants who chose a weekly digest")
    p.set_defaults(func=_send_digests)
