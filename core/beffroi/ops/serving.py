"""Serving with waitress, and stopping gracefully on SIGTERM and SIGINT.

``[server:main] use = egg:beffroi#waitress`` takes every waitress setting plus
``shutdown_timeout`` (seconds, default 30). On SIGTERM or SIGINT the server stops
accepting connections (connections the kernel already accepted are taken first),
answers every request it has received, waiting at most ``shutdown_timeout`` (a
second signal stops at once), closes idle keep-alive connections, then runs the
shutdown callbacks
(``at_shutdown``): periodic jobs stop, the database closes (FileStorage writes
``Data.fs.index``, so the next start does not rescan the file).

Plain ``egg:waitress#main`` drops queued requests on a signal; the callbacks still
run at interpreter exit (``atexit``), so the database is closed either way.
"""
from __future__ import annotations

import atexit
import logging
import signal
import threading
import time

log = logging.getLogger(__name__)

_callbacks: list = []
_lock = threading.Lock()


def at_shutdown(callback) -> None:
    """Call ``callback()`` once when the process stops, after the last request;
    callbacks run in reverse order of registration (the database closes last when it
    was registered first)."""
    with _lock:
        _callbacks.append(callback)


def run_shutdown_callbacks() -> None:
    """Run and forget the registered callbacks (newest first); errors are logged."""
    with _lock:
        todo, _callbacks[:] = list(reversed(_callbacks)), []
    for callback in todo:
        try:
            callback()
        except Exception:
            log.exception("shutdown step %r failed", callback)


atexit.register(run_shutdown_callbacks)


def serve_paste(app, global_conf, **kw):
    """PasteDeploy server runner (``use = egg:beffroi#waitress``)."""
    from waitress.server import create_server
    timeout = float(kw.pop("shutdown_timeout", 30))
    logging.basicConfig()
    server = create_server(app, **kw)
    server.print_listen("Serving on http://{}:{}")
    serve_until_stopped(server, timeout)
    return 0


def _parts(server):
    """(map, listeners) of a waitress server (one socket or several)."""
    from waitress.server import BaseWSGIServer
    socket_map = getattr(server, "map", None) or server._map
    listeners = [d for d in list(socket_map.values()) if isinstance(d, BaseWSGIServer)]
    return socket_map, listeners


def serve_until_stopped(server, timeout=30.0) -> None:
    """Run ``server`` (from ``waitress.server.create_server``) until SIGTERM or
    SIGINT, then drain it within ``timeout`` seconds and run the shutdown callbacks."""
    from waitress import wasyncore
    socket_map, listeners = _parts(server)
    adj = server.adj
    stopping = threading.Event()

    def on_signal(signum, frame):
        if stopping.is_set():                # a second signal: stop now (atexit closes the database)
            log.warning("second stop signal: leaving without waiting for requests")
            raise SystemExit(1)
        stopping.set()
        listeners[0].pull_trigger()          # wake the loop at once

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping.is_set():
            wasyncore.loop(timeout=adj.asyncore_loop_timeout, map=socket_map,
                           use_poll=adj.asyncore_use_poll, count=1)
        log.info("stopping: answering the requests in progress (at most %s s)", timeout)
        for listener in listeners:
            _accept_waiting(listener)
            wasyncore.dispatcher.close(listener)     # no new connections
        _drain(socket_map, adj, time.monotonic() + timeout)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(socket_map)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    run_shutdown_callbacks()
    log.info("stopped")


def _accept_waiting(listener) -> None:
    """Take the connections the kernel accepted already: their clients sent requests."""
    listener.socket.setblocking(False)
    while True:
        try:
            pair = listener.accept()
        except OSError:
            return
        if pair is None:
            return
        conn, addr = pair
        listener.set_socket_options(conn)
        listener.channel_class(listener, conn, listener.fix_addr(addr), listener.adj,
                               map=listener._map)


def _drain(socket_map, adj, deadline) -> None:
    from waitress import wasyncore
    from waitress.channel import HTTPChannel
    while time.monotonic() < deadline:
        channels = [c for c in list(socket_map.values()) if isinstance(c, HTTPChannel)]
        busy = False
        for channel in channels:
            if channel.requests or channel.total_outbufs_len or channel.request is not None:
                busy = True
            elif not channel.will_close:
                channel.will_close = True      # idle keep-alive connection: close it
        if not channels:
            return
        wasyncore.loop(timeout=0.05, map=socket_map, use_poll=adj.asyncore_use_poll, count=1)
        if not busy and all(c not in socket_map.values() for c in channels):
            return
    log.warning("shutdown_timeout reached with requests still in progress")
