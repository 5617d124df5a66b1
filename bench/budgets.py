"""Benchmark of participatory budgets (``make bench``). It prints figures; it asserts nothing.

1. Seeds one budget of 20 projects and ``--voters`` participants (10,000 by default),
   each with a vote built (one or two projects) and a server-side session opened by the
   code a login runs (``beffroi.accounts.sessions.open_session``); their cookies are
   signed by the app's own session factory (logging 10,000 people in would measure
   argon2, not the vote).
2. Serves the shipped configuration (``bench/stress.py``: retry count of
   development.ini/production.ini, 4 waitress threads) in its own process, and
   ``--clients`` HTTP clients check the voters out concurrently: each voter POSTs
   ``checkout`` and follows the redirect to the budget page, as a browser does.
   With ``--build-over-http`` each voter first adds a project over HTTP as well.
3. Prints checkouts ok / failed, throughput, conflicts retried by the server, and —
   from the database once the server stopped — lost or doubled votes: the tallies
   (``budget.votes``, ``budget.voters``) against the ballots actually stored.
4. Times the results page at that many votes (median and 95th percentile of
   ``--runs`` GETs, wall clock over HTTP, plus the server-side CPU time in process).

    .venv/bin/python bench/budgets.py [--voters 10000] [--clients 50] [--runs 50]
"""
from __future__ import annotations

import argparse
import http.client
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import transaction
from pyramid.request import Request
from ZODB.FileStorage import FileStorage

sys.path.insert(0, str(Path(__file__).parent))
import stress  # noqa: E402  (bench/ is not a package)

from beffroi.accounts.sessions import open_session  # noqa: E402
from beffroi.app import make_config  # noqa: E402
from beffroi.devkit.testing import signed_session  # noqa: E402
from beffroi.persistence import Database as DB  # noqa: E402
from beffroi.resources.root import get_app_root  # noqa: E402
from beffroi.resources.user import User  # noqa: E402
from beffroi.spaces import add_space, enable_module  # noqa: E402
from beffroi.system.organisations import create_organisation  # noqa: E402

HOST = "budgets.bench.localhost"
SPACE = "quartiers"
BATCH = 2000
PROJECTS = 20


def seed(db, plugins, voters, rng, prebuilt=True):
    """The organisation, the budget and ``voters`` participants; returns
    (organisation id, budget path, [(user id, session id)])."""
    from beffroi_budgets.models import add_budget, add_project
    from beffroi_budgets.voting import add_to_vote
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        app = get_app_root(conn)
        org = create_organisation(app, "Bench budgets", HOST, (), allowed_plugins=plugins.modules.keys())
        space = add_space(plugins, org, SPACE, "Quartiers", "participatory_process")
        space.published = True
        container = enable_module(plugins, org, space, "budgets")
        container.settings.update({"voting_open": True, "results_shown": True})
        budget = add_budget(container, "Budget du Centre", 1_000_000, "Le budget du centre.",
                            vote_rule="minimum", minimum_percent=0)
        for i in range(PROJECTS):
            add_project(budget, f"Projet {i + 1}", rng.randrange(10, 300) * 1000,
                        f"Description du projet {i + 1}.")
        org_id, path = org.id, f"/{SPACE}/budgets/{budget.__name__}/"
    people = []
    for start in range(0, voters, BATCH):
        with tm:
            app = get_app_root(conn)
            org = app.organisations[org_id]
            budget = org.spaces[SPACE]["budgets"][path.strip("/").rsplit("/", 1)[-1]]
            for i in range(start, min(voters, start + BATCH)):
                user = User(f"voter{i}@bench.localhost", f"Voter {i}")
                user.confirmed = True
                org.users.add_user(user)
                if prebuilt:
                    for number in rng.sample(range(1, PROJECTS + 1), rng.choice((1, 2))):
                        add_to_vote(budget, user.id, budget.project(number))
                people.append((user.id, open_session(user, "bench")))
    conn.close()
    return org_id, path, people


def session_cookie(app, org_id, user_id, sid):
    """The signed cookie and CSRF token a login would give ``user_id`` (session ``sid``)."""
    return signed_session(app, org_id, user_id, sid, host=HOST)


class Client:
    """One keep-alive HTTP connection that follows redirects like a browser."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method, path, cookie, body=None):
        headers = {"Host": HOST, "Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _attempt in range(2):               # a connection closed by the server: reopen once
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        else:
            return 0
        status = response.status
        if status in (301, 302, 303):
            location = urllib.parse.urlsplit(response.getheader("Location", "/"))
            followed = self.request("GET", location.path + (f"?{location.query}" if location.query else ""),
                                    cookie)
            return status if followed == 200 else followed
        return status


def run_checkouts(port, tasks, clients, build_over_http, rng):
    """Each client thread takes voters from ``tasks`` and checks them out."""
    ok, failed, statuses = [0], [0], {}
    lock = threading.Lock()
    queue = list(tasks)
    barrier = threading.Barrier(clients)

    def worker(seed_):
        local = random.Random(seed_)
        client = Client(port)
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                path, cookie, token = queue.pop()
            good = True
            if build_over_http:
                status = client.request("POST", path + "vote", cookie, urllib.parse.urlencode(
                    {"csrf_token": token, "action": "add", "project": local.randint(1, PROJECTS)}))
                good = status == 302
            status = client.request("POST", path + "checkout", cookie,
                                    urllib.parse.urlencode({"csrf_token": token}))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if good and status == 302:
                    ok[0] += 1
                else:
                    failed[0] += 1

    threads = [threading.Thread(target=worker, args=(rng.random(),)) for _i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ok[0], failed[0], time.perf_counter() - start, statuses


def audit(db, path):
    """(checked-out ballots, voters tally, lost votes, doubled votes) read from the database:
    every project's tally against the ballots that hold it."""
    conn = db.open()
    try:
        org = get_app_root(conn).organisation_for_host(HOST)
        budget = org.spaces[SPACE]["budgets"][path.strip("/").rsplit("/", 1)[-1]]
        stored = {}
        confirmed = 0
        for ballot in budget.ballots.values():
            if ballot.checked_out is None:
                continue
            confirmed += 1
            for number in ballot.projects:
                stored[number] = stored.get(number, 0) + 1
        lost = doubled = 0
        for project in budget.projects():
            diff = budget.votes.get(project.number) - stored.get(project.number, 0)
            doubled += max(0, diff)
            lost += max(0, -diff)
        diff = budget.voters() - confirmed
        return confirmed, budget.voters(), lost + max(0, -diff), doubled + max(0, diff)
    finally:
        conn.close()


def results_timing(port, path, cookie, runs):
    client = Client(port)
    for _i in range(3):
        client.request("GET", path + "results", cookie)              # warm up
    samples = []
    for _i in range(runs):
        start = time.perf_counter()
        status = client.request("GET", path + "results", cookie)
        samples.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"results page answered {status}")
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95) - 1] * 1000


def results_cpu_in_process(app, path, runs):
    """Server-side CPU of the results page, in this process (no network, no waiting for a core)."""
    cpu = []
    for i in range(runs + 3):
        request = Request.blank(path + "results", environ={"HTTP_HOST": HOST})
        start = time.thread_time()
        response = request.get_response(app)
        if i >= 3:
            cpu.append(time.thread_time() - start)
        if response.status_int != 200:
            raise RuntimeError(f"results page answered {response.status}")
    return statistics.median(cpu) * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50, help="GETs of the results page timed")
    parser.add_argument("--build-over-http", action="store_true",
                        help="each voter also adds a project over HTTP before checking out")
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    rng = random.Random(2026)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-budgets-") as tmp:
        os.makedirs(f"{tmp}/blobs")
        data_fs = f"{tmp}/Data.fs"
        db = DB(FileStorage(data_fs, blob_dir=f"{tmp}/blobs"), cache_size=100_000)
        app = make_config({"beffroi.db": db, "beffroi.secret": stress.SECRET}).make_wsgi_app()
        t0 = time.perf_counter()
        org_id, path, people = seed(db, app.registry.beffroi, args.voters, rng,
                                    prebuilt=not args.build_over_http)
        tasks = [(path, *session_cookie(app, org_id, uid, sid)) for uid, sid in people]
        print(f"budgets: {args.voters:,} voters seeded, a budget of {PROJECTS} projects "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        db.close()

        server = stress.ServerProcess(data_fs, tmp)
        try:
            before = server.retries()
            ok, failed, seconds, statuses = run_checkouts(server.port, tasks, args.clients,
                                                          args.build_over_http, rng)
            conflicts = server.retries() - before
            median, p95 = results_timing(server.port, path, tasks[0][1], args.runs)
            rss = server.peak_rss_mb()
        finally:
            server.stop()
        db = DB(FileStorage(data_fs, blob_dir=f"{tmp}/blobs"))
        confirmed, tally, lost, doubled = audit(db, path)
        app = make_config({"beffroi.db": db, "beffroi.secret": stress.SECRET,
                           "beffroi.page_cache_mb": "0"}).make_wsgi_app()   # each one renders
        cpu = results_cpu_in_process(app, path, args.runs)
        db.close()
    requests_per_checkout = 2 * (2 if args.build_over_http else 1)
    print(f"concurrent checkouts at the shipped retry count ({args.clients} clients following "
          f"redirects, {requests_per_checkout} requests per voter): {ok:,} ok, {failed:,} failed "
          f"(statuses {dict(sorted(statuses.items()))}), {ok / seconds:.0f} checkouts/s over "
          f"{seconds:.1f} s, conflicts retried by the server {conflicts:,}, server peak RSS "
          f"{rss:.0f} MB")
    print(f"  stored: {confirmed:,} confirmed ballots, voters tally {tally:,}; lost votes {lost}, "
          f"doubled votes {doubled} (both must be 0; confirmed must equal ok: "
          f"{'yes' if confirmed == ok else 'NO'})")
    print(f"results page at {tally:,} votes: median {median:.1f} ms, 95th percentile {p95:.1f} ms "
          f"over HTTP (target < 100 ms); server CPU median {cpu:.1f} ms in process; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"total time {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
