"""Write conflicts and their retries, made visible.

``pyramid_retry`` runs a request again when its commit raises a transient error
(``ConflictError``, RelStorage's lock errors …). This module logs each of them at
DEBUG on the logger ``beffroi.ops.retries`` with the class of the object in conflict
(``conflict on beffroi_proposals.index.ProposalIndex (attempt 1 of 5) POST /…``) and
the requests that still fail after the last attempt at WARNING, so that the hot spots
show in the logs. Such a request is answered 503 with ``Retry-After`` and a page saying
that nothing was saved and to try again — never a 500 with a traceback. It also waits a
random time before a retry (``retry.backoff_ms``, default 5: up to 5, 10, 20 … ms, at
most 1 s) so that requests that collided do not collide again in step. The late
attempts may wait longer than the early ones: on RelStorage a read-current lock is
refused at once (``NOWAIT``) while another transaction holds the row, and that one may
be queued for the commit lock for a few hundred milliseconds under load. Process-wide counts by object class are kept
in ``COUNTS`` for benchmarks and health pages.

The retry count is the setting ``retry.attempts`` (default and shipped: 10, see the README).
"""
from __future__ import annotations

import collections
import logging
import random
import threading
import time

from transaction.interfaces import TransientError

log = logging.getLogger("beffroi.ops.retries")
MAX_BACKOFF_MS = 1000

#: ("conflict" | "retry" | "failed", object class) → count, since the process started.
COUNTS: collections.Counter = collections.Counter()
_lock = threading.Lock()


def object_class(exc) -> str:
    """The dotted class of the object a conflict is about, or the error's own class
    when it names none (RelStorage lock errors name only their oid)."""
    get = getattr(exc, "get_class_name", None)
    name = get() if callable(get) else None
    return name or f"{type(exc).__module__}.{type(exc).__name__}"


def _oid(exc) -> str:
    get = getattr(exc, "get_oid", None)
    oid = get() if callable(get) else None
    return f" oid 0x{int.from_bytes(oid, 'big'):x}" if isinstance(oid, bytes) else ""


def _count(what, cls):
    with _lock:
        COUNTS[(what, cls)] += 1


def conflict_view(exc, request):
    """The exception view of transient errors. Pyramid calls it for every attempt that
    conflicts — in the view (read conflicts) or at commit (``pyramid_tm``) — so it logs
    each one; ``pyramid_retry`` throws its response away and retries, except after the
    last attempt, when the participant gets the 503 page."""
    attempt = int(request.environ.get("retry.attempt", 0)) + 1
    attempts = int(request.environ.get("retry.attempts", 1))
    cls = object_class(exc)
    _count("conflict", cls)
    if attempt < attempts:
        log.debug("conflict on %s (attempt %d of %d) %s %s%s", cls, attempt, attempts,
                  request.method, request.path, _oid(exc))
    else:
        _count("failed", cls)
        log.warning("conflict on %s after %d attempts, giving up: %s %s",
                    cls, attempts, request.method, request.path)
    return busy_response(request)


BUSY_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"""


def busy_response(request):
    """The 503 page after the last attempt. The transaction may be over already (a
    conflict at commit), so this page reads nothing from the database: no layout, only
    the catalogs."""
    from markupsafe import escape
    from pyramid.response import Response

    from beffroi.i18n import _
    title = _("Too many changes at the same moment")
    message = _("Your change could not be saved because many people were writing at the "
                "same moment. Nothing was saved: please try again.")
    try:
        translate, lang = request.localizer.translate, request.locale_name
    except Exception:                    # locale negotiation may need the database
        translate, lang = str, "en"
    body = BUSY_PAGE.format(lang=escape(lang), title=escape(translate(title)),
                            message=escape(translate(message)))
    response = Response(body, status=503, content_type="text/html", charset="utf-8")
    response.headers["Retry-After"] = "1"
    response.cache_control = "no-store"
    return response


def before_retry(event):
    """``pyramid_retry``'s ``IBeforeRetry``: count, log, and wait a little."""
    cls = object_class(event.exception)
    _count("retry", cls)
    attempt = int(event.environ.get("retry.attempt", 0)) + 1
    log.debug("retrying after a conflict on %s (attempt %d done)", cls, attempt)
    backoff = _backoff_ms(event.request.registry.settings)
    if backoff:
        time.sleep(random.uniform(0, min(MAX_BACKOFF_MS, backoff * 2 ** (attempt - 1))) / 1000)


def _backoff_ms(settings) -> float:
    value = settings.get("retry.backoff_ms", "5")
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        raise ValueError(f"retry.backoff_ms must be a number of milliseconds, not {value!r}") \
            from None


def includeme(config):
    """Wire the exception view and the retry subscriber
    (``config.include('beffroi.ops.retries')``)."""
    from pyramid_retry import IBeforeRetry
    _backoff_ms(config.registry.settings)             # a bad value fails at start-up
    config.add_exception_view(conflict_view, context=TransientError)
    config.add_subscriber(before_retry, IBeforeRetry)
