"""Load benchmark of writes under contention (issue 10), and the HTTP load client of
``bench/run.py``.

    .venv/bin/python bench/load.py [--seconds 20] [--clients 50] [--only file|postgres]

Seeds a space with 20 proposals and 50 participants, serves it at the **shipped**
retry count (``retry.attempts`` of production.ini) with production's notification
fan-out (the worker), and lets 50 browser-like participants (``bench/load_client.py``)
run a realistic mix for a while: supports and withdrawals, comments, new proposals and
reads, following every redirect. Two scenarios: one waitress process over FileStorage,
and two processes over RelStorage on PostgreSQL (127.0.0.1:5432, user postgres;
override with ``BEFFROI_TEST_PG=user@host:port``). Prints per scenario: requests,
writes, failed writes (%), lost and doubled writes (checked in the database), and the
conflicts, retries and give-ups per object class read from the servers' DEBUG log of
``beffroi.ops.retries``. It asserts nothing.

As ``bench/run.py``'s client, run as a separate process so it does not share the
server's interpreter lock (prints one JSON line):

    python bench/load.py get PORT HOST PATH SECONDS CLIENTS
    python bench/load.py supports PORT HOST TASKS.json CLIENTS
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time
import urllib.parse


def _connection(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def hammer_get(port, host, path, seconds, clients):
    counts = [0] * clients
    errors = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(i):
        conn = _connection(port)
        while time.perf_counter() < deadline:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    elapsed = run_clients(client, clients)
    return {"requests": sum(counts), "errors": sum(errors), "seconds": elapsed,
            "per_second": sum(counts) / elapsed}


def run_clients(client, clients):
    """Run ``client(i)`` in ``clients`` threads at once; return the seconds it took."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def cast_supports(port, host, tasks, clients):
    """Each client posts its share of supports; a refused request (5xx after the
    server's own retries) is tried again up to 5 times and counted."""
    shares = [tasks[i::clients] for i in range(clients)]
    accepted = [0] * clients
    failed = [0] * clients
    client_retries = [0] * clients

    def client(i):
        conn = _connection(port)
        for path, cookie, csrf in shares[i]:
            body = urllib.parse.urlencode({"csrf_token": csrf})
            for attempt in range(6):
                conn.request("POST", path, body=body, headers={
                    "Host": host, "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                if response.status == 302:
                    accepted[i] += 1
                    break
                client_retries[i] += 1
            else:
                failed[i] += 1
        conn.close()

    elapsed = run_clients(client, clients)
    return {"accepted": sum(accepted), "failed": sum(failed),
            "client_retries": sum(client_retries), "seconds": elapsed,
            "per_second": sum(accepted) / elapsed}


def main(argv):
    if not argv or argv[0].startswith("-"):
        from load_scenarios import main as scenarios
        return scenarios(argv)
    mode, port, host = argv[0], int(argv[1]), argv[2]
    if mode == "get":
        result = hammer_get(port, host, argv[3], float(argv[4]), int(argv[5]))
    else:
        with open(argv[3]) as f:
            tasks = json.load(f)
        result = cast_supports(port, host, tasks, int(argv[4]))
    print(json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, __import__("os").path.dirname(__file__))
    main(sys.argv[1:])
