"""The access log and the request id carried into every log record of a request.

The request id is the client's ``X-Request-Id`` when it is a plain token (letters,
digits, ``-_.:``; 1 to 128 characters; a load balancer's id is kept), else a new
random one; it is sent back in the ``X-Request-Id`` response header. While the
request runs, every log record gets ``request_id`` (``-`` outside requests): use
``class = beffroi.ops.requestlog.Formatter`` in the .ini to be able to write
``%(request_id)s`` in a format. One line per request goes to the ``beffroi.access``
logger at INFO: client, method, path, status, bytes, milliseconds, host, id; an attempt
that pyramid_retry runs again (a conflict) shows ``retried`` as its status, and
``beffroi.ops.retries`` logs the conflict itself.
"""
from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

access_log = logging.getLogger("beffroi.access")

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "beffroi_request_id", default="-")


def _install_record_factory():
    """Records get the request id when they are made (a handler may format them later,
    in another thread)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "beffroi_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record
    factory.beffroi_request_id = True
    logging.setLogRecordFactory(factory)


_install_record_factory()


class Formatter(logging.Formatter):
    """A ``logging.Formatter`` that knows ``%(request_id)s``."""

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return super().format(record)


def request_id_of(environ) -> str:
    given = environ.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex


def request_log_tween_factory(handler, registry):
    """Outermost tween: the request id and the access line."""

    def tween(request):
        rid = request.environ.get("beffroi.request_id") or request_id_of(request.environ)
        request.environ["beffroi.request_id"] = rid
        current_request_id.set(rid)
        started = time.perf_counter()
        status, length = 500, "-"
        try:
            response = handler(request)
            status = "retried" if _will_retry(request, request.exception) else response.status_int
            length = response.content_length if response.content_length is not None else "-"
            response.headers["X-Request-Id"] = rid
            return response
        except Exception as exc:
            if _will_retry(request, exc):
                status = "retried"
            raise
        finally:
            access_log.info('%s "%s %s" %s %s %.1fms host=%s id=%s',
                            request.client_addr or "-", request.method,
                            request.path_qs[:500], status, length,
                            (time.perf_counter() - started) * 1000,
                            request.host, rid)
            if status != "retried":       # kept for pyramid_retry's log between attempts
                current_request_id.set("-")

    return tween


def _will_retry(request, exc) -> bool:
    """Will pyramid_retry run this request again after ``exc`` (a conflict …)?"""
    if exc is None:
        return False
    from pyramid_retry import is_error_retryable, is_last_attempt
    return is_error_retryable(request, exc) and not is_last_attempt(request)
