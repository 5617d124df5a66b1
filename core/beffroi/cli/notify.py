"""``beffroi send-digests --daily|--weekly``: queue the notification digests.

The app processes queue them by themselves (periodic jobs ``notifications.daily_digests``
and ``notifications.weekly_digests``, see ``beffroi.ops.jobs_core``); this command is for
installations that prefer cron. The digests join the mail outbox, which the app
processes (or ``beffroi send-mail``) deliver. Each organisation is handled in its own
transaction; a digest takes the events waiting, so running it twice sends nothing twice.
"""
from __future__ import annotations


def _send_digests(env, args):
    from beffroi.ops.jobs_core import queue_digests
    frequency = "weekly" if args.weekly else "daily"
    total = queue_digests(env.db, env.settings, env.plugins, frequency, out=env.out)
    env.out(f"{total} {frequency} digest(s) queued; deliver them with 'beffroi send-mail'")


def add_commands(sub):
    p = sub.add_parser("send-digests", help="queue the daily or weekly notification digests")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--daily", action="store_true", help="participants who chose a daily digest")
    group.add_argument("--weekly", action="store_true", help="participants who chose a weekly digest")
    p.set_defaults(func=_send_digests)
