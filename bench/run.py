"""Benchmark of the proposals module (``make bench``). It prints figures; it asserts nothing.

1. Seeds one space with 1,000, then 10,000, then 100,000 proposals (random supports,
   comments, categories, 1% withdrawn; objects written directly, committed in batches)
   and measures, through the WSGI app in-process, the server CPU time of listing
   pages — page 1, 50, 500, the last page and a page number past the end, in three
   orders and with a filter — with each one's cost relative to page 1; then of a
   proposal page and of casting a support.
2. Serves the app with waitress and compares its throughput on the listing page with
   a hello-world Pyramid view, in the same run (the ratio is what travels).
3. 50 concurrent HTTP clients cast 5,000 supports on 10 proposals, at the shipped
   retry count: accepted, refused by the server, lost supports (must be 0).
4. A separate server process (the shipped configuration) on the largest database:
   ten concurrent requests for the last page while ``/-/health`` is probed (slowest
   answer, must stay < 100 ms) and the server's peak RSS (< 300 MB); then 50
   concurrent creators (0 failures expected, numbers unique).

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--runs 100]
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
from pyramid.request import Request
from pyramid.response import Response
from beffroi.persistence import Database as DB
from ZODB.FileStorage import FileStorage

sys.path.insert(0, str(Path(__file__).parent))
import seed  # noqa: E402  (bench/ is not a package)
import stress  # noqa: E402

from beffroi.app import make_config  # noqa: E402
from beffroi.devkit.testing import signed_session  # noqa: E402

HERE = Path(__file__).parent
HOST = seed.HOST
CONFLICTS = {"retried": 0}
BASE = f"/{seed.SPACE}/proposals/"


def build_app(db, page_cache=True):
    """The app as shipped (its retry count included), counting retries. With
    ``page_cache=False`` every anonymous page renders (the anonymous page cache of
    ``beffroi.views.pagecache`` is off): what the rendering costs."""
    settings = {"beffroi.db": db, "beffroi.secret": stress.SECRET}
    if not page_cache:
        settings["beffroi.page_cache_mb"] = "0"
    config = make_config(settings)

    def count_retry(event):
        CONFLICTS["retried"] += 1
    from pyramid_retry import IBeforeRetry
    config.add_subscriber(count_retry, IBeforeRetry)
    return config.make_wsgi_app()


def session_cookie(app, org_id, user_id):
    """A signed session cookie and CSRF token for ``user_id``, made by the app's own
    session factory with a server-side session record opened as a login opens it
    (logging 5,000 people in with argon2 would measure argon2)."""
    return signed_session(app, org_id, user_id, host=HOST, user_agent="bench")


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
    """(CPU median, CPU 95th percentile, wall median) in ms. On a shared machine the
    wall clock counts time spent waiting for a core; the request thread's CPU does not."""
    cpu = sorted(c for _w, c in samples)
    wall = sorted(w for w, _c in samples)
    return (statistics.median(cpu) * 1000, cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))] * 1000,
            statistics.median(wall) * 1000)


def page_types(size):
    """(label, path) of every listing page measured; page 1 of each group first."""
    last = -(-int(size * 0.99) // 20)           # about 1% are withdrawn
    out = []
    for order in ("supported", "random", "recent"):
        extra = "&seed=7" if order == "random" else ""
        for label, page in (("page 1", 1), ("page 50", 50), ("page 500", 500),
                            ("last page", last), ("page 99999", 99999)):
            out.append((f"{order} · {label}", f"{BASE}?order={order}{extra}&page={page}"))
    cat_last = -(-int(size * 0.99 / 4) // 20)
    for label, page in (("page 1", 1), ("page 50", 50), ("middle page", cat_last // 2),
                        ("last page", cat_last)):
        out.append((f"supported, one category · {label}",
                    f"{BASE}?order=supported&category=Nature&page={page}"))
    return out


def measure_in_process(app, size, users, org_id, rng, runs):
    out = {}
    for label, path in page_types(size):
        for _i in range(3):
            timed(app, path)                  # warm the caches
        out[label] = figures([timed(app, path) for _i in range(runs)])
    for _i in range(5):
        timed(app, f"{BASE}{rng.randint(1, size)}/")      # compiles the template once
    numbers = [rng.randint(1, size) for _i in range(runs)]
    out["proposal page"] = figures([timed(app, f"{BASE}{n}/") for n in numbers])
    samples = []
    for _i in range(runs):
        cookie, token = session_cookie(app, org_id, rng.choice(users))
        samples.append(timed(app, f"{BASE}{rng.randint(1, size)}/support", "POST", cookie,
                             {"csrf_token": token}))
    out["cast support"] = figures(samples)
    return out


def print_table(size, seeded, results):
    print(f"\n{size:,} proposals (seeded in {seeded:.0f} s) — server time per request, ms "
          f"(page cache off: each page renders)")
    print(f"  {'request':<42} {'CPU median':>10} {'CPU 95th pct':>12} {'wall median':>11} "
          f"{'CPU / its page 1':>16}")
    worst = (0, "")
    for label, (cpu, cpu95, wall) in results.items():
        ratio = ""
        if " · " in label:
            page1 = results[label.split(" · ")[0] + " · page 1"][0]
            ratio = f"{cpu / page1:.2f}"
            worst = max(worst, (cpu / page1, label))
        print(f"  {label:<42} {cpu:>10.2f} {cpu95:>12.2f} {wall:>11.2f} {ratio:>16}")
    print(f"  worst listing page relative to its page 1: {worst[1]}, {worst[0]:.2f}x "
          f"(target ≤ 3x)", flush=True)


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
    path = f"{BASE}?order=supported"
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


def creation_tasks(app, org_id, users, count):
    """(path, cookie, body) of ``count`` creations by different participants."""
    path = f"/{seed.CONCURRENT_SPACE}/proposals/add"
    tasks = []
    for i, uid in enumerate(users[:count]):
        cookie, token = session_cookie(app, org_id, uid)
        request = Request.blank(path, environ={"HTTP_HOST": HOST}, headers={"Cookie": cookie})
        page = request.get_response(app).text
        tasks.append((path, cookie, stress.form_body(
            page, csrf_token=token, title=f"Proposition concurrente {i}",
            body="Une proposition écrite en même temps que les autres.", create="create")))
    return tasks


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
    parser.add_argument("--runs", type=int, default=100, help="requests per measured figure")
    parser.add_argument("--seconds", type=float, default=5, help="duration of each throughput run")
    parser.add_argument("--creators", type=int, default=50)
    parser.add_argument("--search-items", type=int, default=100_000,
                        help="documents of the organisation search benchmark (bench/search.py; 0: skip)")
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "task queue depth" noise
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    rng = random.Random(2027)
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-") as tmp:
        os.makedirs(f"{tmp}/blobs")
        db = DB(FileStorage(f"{tmp}/Data.fs", blob_dir=f"{tmp}/blobs"), pool_size=16,
                cache_size=200_000)
        app = build_app(db, page_cache=False)         # the tables measure rendering
        shipped = build_app(db)                       # throughput: as users run it
        users = seed.create_platform(db, app.registry.beffroi, users=1000)
        org_id = org_id_of(db)
        results = {}
        for size in sizes:
            t0 = time.perf_counter()
            seed.seed(db, users, size, rng)
            seeded = time.perf_counter() - t0
            results[size] = measure_in_process(app, size, users, org_id, rng, args.runs)
            print_table(size, seeded, results[size])
        small = results[sizes[0]]["supported · page 1"][0]
        big = results[sizes[-1]]["supported · page 1"][0]
        print(f"\nsupported page 1, CPU median at {sizes[-1]:,} / at {sizes[0]:,}: {big / small:.2f}x; "
              f"cast support at {sizes[-1]:,}: {results[sizes[-1]]['cast support'][0]:.1f} ms CPU; "
              f"load average {os.getloadavg()[0]:.1f}")

        for label, served in (("shipped, anonymous page cache on", shipped),
                              ("every page rendered, page cache off", app)):
            for clients in (1, 8):
                listing, hello = throughput(served, args.seconds, clients)
                print(f"waitress, {clients} client(s), {args.seconds:.0f} s each, {label}: "
                      f"listing (supported, page 1) {listing['per_second']:.0f} req/s, hello "
                      f"world {hello['per_second']:.0f} req/s, listing/hello-world ratio "
                      f"{listing['per_second'] / hello['per_second']:.2f} (goal ≥ 0.25; errors: "
                      f"{listing['errors'] + hello['errors']}; load average "
                      f"{os.getloadavg()[0]:.1f})")

        result, counts, consistent, sent = concurrent_supports(app, db, users, org_id)
        final = sum(c for c, _s in counts.values())
        print(f"concurrent supports at the shipped retry count: {sent} sent by 50 clients on 10 "
              f"proposals, {result['accepted']} accepted, {result['client_retries']} answered 5xx "
              f"after the server's retries (sent again by the client), {result['failed']} failed "
              f"after 6 tries, lost supports {result['accepted'] - final}, conflicts retried by "
              f"the server {CONFLICTS['retried']}, {result['per_second']:.0f} supports/s, "
              f"sorted order consistent: {consistent}")
        tasks = creation_tasks(app, org_id, users[500:], args.creators * 4)
        db.close()

        server = stress.ServerProcess(f"{tmp}/Data.fs", tmp)
        try:
            last = -(-int(sizes[-1] * 0.99) // 20)
            for label, path in (("last page", f"{BASE}?order=supported&page={last}"),
                                ("page 1", f"{BASE}?order=supported")):
                stress._get(server.port, HOST, path)                        # warm up
                elapsed, statuses, worst, failed, rss = stress.adversarial_pages(server, HOST, path)
                print(f"separate server, {sizes[-1]:,} proposals, 10 concurrent requests for the "
                      f"{label}: all answered in {elapsed:.2f} s (statuses {sorted(set(statuses))}), "
                      f"slowest /-/health {worst:.0f} ms (target < 100), {failed} health probes "
                      f"failed or > 1 s, server peak RSS {rss:.0f} MB (target < 300)", flush=True)
            before = server.retries()
            ok, failed, seconds = stress.concurrent_posts(server.port, HOST, tasks, args.creators)
            print(f"concurrent creation at the shipped retry count: {args.creators} clients, "
                  f"{len(tasks)} proposals sent, {ok} created, {failed} failed, conflicts retried "
                  f"by the server {server.retries() - before}, {ok / seconds:.0f} creations/s")
        finally:
            server.stop()
        db = DB(FileStorage(f"{tmp}/Data.fs", blob_dir=f"{tmp}/blobs", read_only=True))
        numbers = seed.numbers_of(db, seed.CONCURRENT_SPACE)
        print(f"  numbers: {len(numbers)} proposals, {len(set(numbers))} distinct, highest {max(numbers)}")
        db.close()
    if args.search_items:       # the organisation search (/-/search): bench/search.py
        import search as search_bench
        print()
        search_bench.main(["--items", str(args.search_items), "--runs", str(min(args.runs, 50))])
    # participatory budgets: concurrent checkouts over HTTP and the results page (bench/budgets.py)
    subprocess.run([sys.executable, str(HERE / "budgets.py")], check=False)
    # surveys: results pages at 1,000 and 10,000 answers (bench/surveys.py)
    import surveys as surveys_bench
    surveys_bench.main(["--sizes", "1000,10000", "--runs", str(min(args.runs, 50))])
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
