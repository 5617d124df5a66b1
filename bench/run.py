"""Benchmark of the proposals module (``make bench``). It prints figures; it asserts nothing.

1. Seeds one space with 1,000, then 10,000, then 100,000 proposals (random supports
   and comments, objects written directly, committed in batches) and measures, through
   the WSGI app in-process, the server time of the listing sorted by supports (first
   page and page 50), of a proposal page and of casting a support (p50/p95).
2. Serves the app with waitress and compares its throughput on the listing page with
   a hello-world Pyramid view, in the same run (the ratio is what travels).
3. 50 concurrent HTTP clients cast 5,000 supports on 10 proposals: accepted requests,
   final counts, lost supports (must be 0), conflicts retried, supports per second.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--quick]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import waitress
from pyramid.config import Configurator
from pyramid.interfaces import ISessionFactory
from pyramid.request import Request
from pyramid.response import Response
from beffroi.persistence import Database as DB
from ZODB.FileStorage import FileStorage

sys.path.insert(0, str(Path(__file__).parent))
import seed  # noqa: E402  (bench/ is not a package)

from beffroi.app import make_config  # noqa: E402

HERE = Path(__file__).parent
HOST = seed.HOST
CONFLICTS = {"retried": 0}


def percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000


def build_app(db):
    config = make_config({"beffroi.db": db, "beffroi.secret": "bench-" + "x" * 40,
                          "retry.attempts": "10"})

    def count_retry(event):
        CONFLICTS["retried"] += 1
    from pyramid_retry import IBeforeRetry
    config.add_subscriber(count_retry, IBeforeRetry)
    return config.make_wsgi_app()


def session_cookie(app, org_id, user_id):
    """A signed session cookie and CSRF token for ``user_id``, made by the app's own
    session factory (logging 5,000 people in with argon2 would measure argon2)."""
    request = Request.blank("/", environ={"HTTP_HOST": HOST})
    request.registry = app.registry
    session = app.registry.getUtility(ISessionFactory)(request)
    session["uid"], session["org"] = user_id, org_id
    token = session.new_csrf_token()
    response = Response()
    request._process_response_callbacks(response)
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    return cookie, token


def timed(app, path, method="GET", cookie=None, post=None):
    headers = {"Cookie": cookie} if cookie else {}
    request = Request.blank(path, environ={"HTTP_HOST": HOST}, headers=headers, method=method,
                            POST=post)
    start, cpu = time.perf_counter(), time.thread_time()
    response = request.get_response(app)
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    if response.status_int not in (200, 302):
        raise RuntimeError(f"{method} {path} answered {response.status}")
    return elapsed, cpu


def figures(samples):
    """(CPU p50, CPU p95, wall p50) in ms. On a shared machine the wall clock counts
    time spent waiting for a core; the CPU time of the request's thread does not."""
    cpu_p50, cpu_p95 = percentiles([c for _w, c in samples])
    return cpu_p50, cpu_p95, percentiles([w for w, _c in samples])[0]


def measure_in_process(app, db, size, users, org_id, rng, runs):
    base = f"/{seed.SPACE}/proposals/"
    out = {}
    for label, path in (("listing p1", base + "?order=supported"),
                        ("listing p50", base + "?order=supported&page=50"),
                        ("listing random", base + "?order=random")):
        for _i in range(5):
            timed(app, path)                  # warm the caches
        out[label] = figures([timed(app, path) for _i in range(runs)])
    for _i in range(5):
        timed(app, f"{base}{rng.randint(1, size)}/")      # compiles the template once
    numbers = [rng.randint(1, size) for _i in range(runs)]
    out["proposal page"] = figures([timed(app, f"{base}{n}/") for n in numbers])
    samples = []
    for _i in range(runs):
        uid = rng.choice(users)
        cookie, token = session_cookie(app, org_id, uid)
        number = rng.randint(1, size)
        samples.append(timed(app, f"{base}{number}/support", "POST", cookie,
                             {"csrf_token": token}))
    out["cast support"] = figures(samples)
    return out


class Server:
    """waitress serving ``app`` on a free port in a thread of this process."""

    def __init__(self, app, threads=4):
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads,
                                             connection_limit=200, channel_timeout=120)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.close()


def load(*args):
    output = subprocess.run([sys.executable, str(HERE / "load.py"), *map(str, args)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def hello_app():
    config = Configurator()
    config.add_route("hello", "/")
    config.add_view(lambda request: Response("Hello world"), route_name="hello")
    return config.make_wsgi_app()


def throughput(app, seconds, clients=8):
    path = f"/{seed.SPACE}/proposals/?order=supported"
    with Server(app) as server:
        load("get", server.port, HOST, path, 1, clients)         # warm up
        listing = load("get", server.port, HOST, path, seconds, clients)
    with Server(hello_app()) as server:
        load("get", server.port, HOST, "/", 1, clients)
        hello = load("get", server.port, HOST, "/", seconds, clients)
    return listing, hello


def concurrent_supports(app, db, users, org_id, clients=50, per_proposal=500, proposals=10):
    names = seed.seed_concurrency_space(db, proposals)
    tasks = []
    for uid in users[:per_proposal]:
        cookie, token = session_cookie(app, org_id, uid)
        tasks.extend((f"/{seed.CONCURRENT_SPACE}/proposals/{name}/support", cookie, token)
                     for name in names)
    random.Random(7).shuffle(tasks)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(tasks, f)
    CONFLICTS["retried"] = 0
    with Server(app) as server:
        result = load("supports", server.port, HOST, f.name, clients)
    os.unlink(f.name)
    counts, consistent = seed.support_counts(db, seed.CONCURRENT_SPACE, names)
    return result, counts, consistent, len(tasks)


def org_id_of(db):
    from beffroi.resources.root import get_app_root
    conn = db.open()
    try:
        return get_app_root(conn).organisation_for_host(HOST).id
    finally:
        conn.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=200, help="requests per measured figure")
    parser.add_argument("--seconds", type=float, default=5, help="duration of each throughput run")
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "task queue depth" noise
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    rng = random.Random(2027)
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-") as tmp:
        os.makedirs(f"{tmp}/blobs")
        db = DB(FileStorage(f"{tmp}/Data.fs", blob_dir=f"{tmp}/blobs"), pool_size=16,
                cache_size=200_000)
        app = build_app(db)
        users = seed.create_platform(db, app.registry.beffroi, users=1000)
        org_id = org_id_of(db)
        print("server time in ms: CPU p50 / CPU p95 (wall p50)")
        print(f"{'proposals':>10} {'seed s':>7} | {'listing p1':>20} {'listing p50':>20} "
              f"{'random p1':>20} {'proposal':>20} {'support':>20}")
        results = {}
        for size in sizes:
            t0 = time.perf_counter()
            seed.seed(db, users, size, rng)
            seeded = time.perf_counter() - t0
            results[size] = measure_in_process(app, db, size, users, org_id, rng, args.runs)
            cells = " ".join(f"{a:5.1f} /{b:6.1f} ({c:5.1f})" for a, b, c in results[size].values())
            print(f"{size:>10} {seeded:>7.1f} | {cells}", flush=True)
        small, big = results[sizes[0]]["listing p1"][0], results[sizes[-1]]["listing p1"][0]
        print(f"listing p50 (CPU) at {sizes[-1]:,} / at {sizes[0]:,}: {big / small:.2f}x, "
              f"{big:.1f} ms (target ≤ 1.5x and < 25 ms); support p50 at {sizes[-1]:,}: "
              f"{results[sizes[-1]]['cast support'][0]:.1f} ms CPU, "
              f"{results[sizes[-1]]['cast support'][2]:.1f} ms wall (target < 20 ms); "
              f"load average {os.getloadavg()[0]:.1f}")

        listing, hello = throughput(app, args.seconds)
        print(f"waitress, 8 clients, {args.seconds:.0f} s each: listing "
              f"{listing['per_second']:.0f} req/s, hello world {hello['per_second']:.0f} req/s, "
              f"ratio {listing['per_second'] / hello['per_second']:.2f} "
              f"(errors: {listing['errors'] + hello['errors']})")

        result, counts, consistent, sent = concurrent_supports(app, db, users, org_id)
        final = sum(c for c, _s in counts.values())
        print(f"concurrent supports: {sent} sent by 50 clients on 10 proposals, "
              f"{result['accepted']} accepted, {result['failed']} failed, final counts "
              f"{sorted(c for c, _s in counts.values())}, total {final}, lost supports "
              f"{result['accepted'] - final}, conflicts retried by the server "
              f"{CONFLICTS['retried']}, retried by clients {result['client_retries']}, "
              f"{result['per_second']:.0f} supports/s, sorted index consistent: {consistent}")
        db.close()
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
