"""Start-up of mail: the outbox exists before the first request, and the optional
background delivery thread (``mail.background = true``) starts with the app."""
from __future__ import annotations

from pyramid.events import ApplicationCreated, subscriber

from beffroi.services.mail.queue import ensure_outbox

from beffroi.services.mail.delivery import start_background


@subscriber(ApplicationCreated)
def start_mail(event):
    registry = event.app.registry
    db = registry._zodb_databases[""]
    # created here so that requests never write the ZODB root mapping (no conflicts)
    ensure_outbox(db)
    from beffroi.services.notifications.queue import fan_out_mode
    fan_out_mode(registry.settings)           # a misspelt mode fails at start-up
    start_background(db, registry.settings, registry.beffroi)
