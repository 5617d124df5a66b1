"""Adversarial and concurrent runs against a real server process (used by run.py).

    python bench/stress.py serve DATA_FS STATE_FILE    # the server (a child process)

The server is the shipped configuration (``make_config`` defaults: retry count,
20,000-object connection cache as in development.ini) under waitress with 4 threads,
in its own process so that its peak RSS is its own. It writes its port and the
number of retries after conflicts to STATE_FILE.
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).parent
SECRET = "bench-" + "x" * 40


def serve(data_fs, state_file):
    import waitress
    from pyramid_retry import IBeforeRetry

    from beffroi.app import make_config
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    uri = f"file://{data_fs}?blobstorage_dir={Path(data_fs).parent}/blobs&connection_cache_size=20000"
    config = make_config({"zodbconn.uri": uri, "beffroi.secret": SECRET})
    state = {"port": None, "retries": 0}

    def count_retry(event):
        state["retries"] += 1
        Path(state_file).write_text(json.dumps(state))
    config.add_subscriber(count_retry, IBeforeRetry)
    server = waitress.create_server(config.make_wsgi_app(), host="127.0.0.1", port=0, threads=4,
                                    connection_limit=200, channel_timeout=300)
    state["port"] = server.effective_port
    Path(state_file).write_text(json.dumps(state))
    server.run()


class ServerProcess:
    """``serve`` in a child process; ``peak_rss_mb()`` reads its high-water mark."""

    def __init__(self, data_fs, tmp):
        self.state_file = Path(tmp) / "server.json"
        self.state_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, str(HERE / "stress.py"), "serve",
                                      str(data_fs), str(self.state_file)])
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.state_file.exists():
                self.port = json.loads(self.state_file.read_text())["port"]
                return
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def retries(self):
        return json.loads(self.state_file.read_text())["retries"]

    def peak_rss_mb(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def rss_mb(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def _get(port, host, path, timeout=600):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - start


def adversarial_pages(server, host, path, requests=10):
    """``requests`` one-shot GETs of ``path`` at once while ``/-/health`` is probed every
    50 ms: (seconds for all, statuses, slowest health answer in ms, failed probes,
    server peak RSS in MB)."""
    stop = threading.Event()
    probes = []

    def probe():
        while not stop.is_set():
            try:
                status, took = _get(server.port, host, "/-/health", timeout=10)
                probes.append((status, took))
            except OSError:
                probes.append((0, 10.0))
            time.sleep(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    statuses = [None] * requests

    def one(i):
        # a distinct address per request, as an attacker would send: none is served
        # from the anonymous page cache, each one renders
        statuses[i] = _get(server.port, host, f"{path}&_={i}")[0]
    threads = [threading.Thread(target=one, args=(i,)) for i in range(requests)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    time.sleep(0.2)
    stop.set()
    prober.join()
    worst = max((took for _s, took in probes), default=0) * 1000
    failed = sum(1 for status, took in probes if status != 200 or took > 1)
    return elapsed, statuses, worst, failed, server.peak_rss_mb()


def concurrent_posts(port, host, tasks, clients):
    """Each of ``clients`` threads posts its share of ``tasks`` ((path, cookie, body)),
    once each, no client-side retry: (answered 302, failed, seconds)."""
    shares = [tasks[i::clients] for i in range(clients)]
    ok, failed = [0] * clients, [0] * clients
    barrier = threading.Barrier(clients)

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        barrier.wait()
        for path, cookie, body in shares[i]:
            conn.request("POST", path, body=body, headers={
                "Host": host, "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            response.read()
            if response.status == 302:
                ok[i] += 1
            else:
                failed[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(ok), sum(failed), time.perf_counter() - start


def form_body(page_html, **values):
    """The urlencoded body of the form in ``page_html`` with hidden fields kept."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html))
    fields.update(values)
    return urllib.parse.urlencode(fields)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        os.environ.setdefault("PYTHONHASHSEED", "0")
        serve(sys.argv[2], sys.argv[3])
