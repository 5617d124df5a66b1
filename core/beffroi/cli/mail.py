"""``beffroi send-mail``: deliver the mail outbox kept in the database."""
from __future__ import annotations

import time


def _send_mail(env, args):
    from beffroi.services.mail.queue import ensure_outbox
    from beffroi.services.mail.delivery import deliver_pending
    ensure_outbox(env.db)
    while True:
        sent = deliver_pending(env.db, env.settings, out=env.out, plugins=env.plugins)
        if not args.loop:
            env.out(f"{sent} message(s) sent")
            return
        try:
            time.sleep(args.loop)
        except KeyboardInterrupt:
            return


def add_commands(sub):
    p = sub.add_parser("send-mail", help="send the queued mail (once, or every N seconds)")
    p.add_argument("--loop", type=float, metavar="SECONDS",
                   help="keep running, delivering every SECONDS")
    p.set_defaults(func=_send_mail)
