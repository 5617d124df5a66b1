"""The scenarios of ``bench/load.py`` (see its docstring): seed, serve, load, check."""
from __future__ import annotations

import argparse
import collections
import contextlib
import configparser
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import load_client  # noqa: E402
import seed  # noqa: E402

PROPOSALS = 20
BASE = f"/{seed.CONCURRENT_SPACE}/proposals/"
LOG_LINE = re.compile(r"^(?:retrying after a )?conflict on (\S+)(?: \((attempt)| after \d+ "
                      r"attempts, (giving up))?")


def shipped_retry_attempts() -> str:
    """``retry.attempts`` of production.ini (what operators run); 5, the old default, when
    an older checkout does not set it."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(HERE.parent / "production.ini")
    return parser.get("app:main", "retry.attempts", fallback="5")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_database(uri, secret, clients):
    """Organisation, space, ``PROPOSALS`` proposals, one participant per client; returns
    (proposal paths, [(user id, cookie, csrf token)])."""
    from beffroi.app import make_config, open_database
    from run import org_id_of, session_cookie
    db = open_database({"zodbconn.uri": uri})
    app = make_config({"beffroi.db": db, "beffroi.secret": secret}).make_wsgi_app()
    users = seed.create_platform(db, app.registry.beffroi, users=clients)
    names = seed.seed_concurrency_space(db, PROPOSALS)
    org_id = org_id_of(db)
    people = [(uid, *session_cookie(app, org_id, uid)) for uid in users]
    db.close()
    return [f"{BASE}{name}/" for name in names], people


INI = """[app:main]
use = egg:beffroi
zodbconn.uri = {uri}
beffroi.secret = {secret}
pyramid.default_locale_name = fr
retry.attempts = {attempts}
notifications.fan_out = worker
mail.background = true
mail.background_interval = 1
mail.host = 127.0.0.1
mail.port = {mail_port}

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
threads = 8
connection_limit = 200

[loggers]
keys = root, retries

[handlers]
keys = console, retries

[formatters]
keys = generic

[logger_root]
level = ERROR
handlers = console

[logger_retries]
level = DEBUG
handlers = retries
qualname = beffroi.ops.retries
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[handler_retries]
class = FileHandler
args = ('{log}', 'w')
level = DEBUG
formatter = generic

[formatter_generic]
format = %(message)s
"""


class ServerProcess:
    """``pserve`` of a generated .ini, started and stopped by the benchmark."""

    def __init__(self, tmp, index, uri, secret, attempts):
        self.port = free_port()
        self.log = Path(tmp) / f"retries-{index}.log"
        self.ini = Path(tmp) / f"server-{index}.ini"
        self.ini.write_text(INI.format(uri=uri.replace("%", "%%"), secret=secret,
                                       attempts=attempts, mail_port=free_port(),
                                       port=self.port, log=self.log))
        self.output = open(Path(tmp) / f"server-{index}.out", "w")
        pserve = Path(sys.executable).with_name("pserve")
        self.process = subprocess.Popen([str(pserve), str(self.ini)], stdout=self.output,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: see {self.output.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 120 s")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()

    def conflicts(self):
        """(object class → [conflicts, retries, gave up]) from the DEBUG log."""
        out = collections.defaultdict(lambda: [0, 0, 0])
        if not self.log.exists():
            return out
        for line in self.log.read_text().splitlines():
            match = LOG_LINE.match(line)
            if not match:
                continue
            cls, attempt, gave_up = match.groups()
            if line.startswith("retrying"):
                out[cls][1] += 1
            else:
                out[cls][0] += 1
                if gave_up:
                    out[cls][2] += 1
        return out


def check(uri, paths, people, tallies):
    """Lost and doubled writes, read from the database after the servers stopped."""
    from beffroi.app import open_database
    from beffroi.resources.root import get_app_root
    db = open_database({"zodbconn.uri": uri})
    conn = db.open()
    org = get_app_root(conn).organisation_for_host(seed.HOST)
    container = org.spaces[seed.CONCURRENT_SPACE]["proposals"]
    lost = collections.Counter()
    doubled = collections.Counter()
    for (uid, _cookie, _token), tally in zip(people, tallies):
        for path, state in tally.supports.items():
            if state is None:
                continue
            present = uid in container[path.rstrip("/").rsplit("/", 1)[1]].supporters
            lost["supports"] += state and not present
            doubled["supports"] += present and not state
    tokens = collections.Counter()
    titles = collections.Counter()
    mismatches = 0
    for proposal in container.values():
        titles[proposal.title] += 1
        mismatches += proposal.supports != sum(1 for v in proposal.supporters.values() if v)
        folder = getattr(proposal, "comments", None)
        for comment in (folder.values() if folder is not None else ()):
            tokens.update(re.findall(r"Avis (c\d+-\d+) ", comment.body or ""))
    for tally in tallies:
        lost["comments"] += sum(1 for t in tally.comments if not tokens[t])
        lost["proposals"] += sum(1 for t in tally.proposals if not titles[t])
    doubled["comments"] = sum(1 for n in tokens.values() if n > 1)
    doubled["proposals"] = sum(1 for t, n in titles.items() if n > 1 and t.startswith("Proposition c"))
    doubled["support counts"] = mismatches
    conn.close()
    db.close()
    return lost, doubled


def scenario(label, own_uri, server_uris, seconds, clients, attempts, tmp):
    """Seed and check through ``own_uri``; serve one process per ``server_uris``."""
    secret = os.urandom(24).hex()
    paths, people = seed_database(own_uri, secret, clients)
    servers = [ServerProcess(tmp, i, uri, secret, attempts) for i, uri in enumerate(server_uris)]
    try:
        browsers = [load_client.Browser(servers[i % len(servers)].port, seed.HOST, cookie, token)
                    for i, (_uid, cookie, token) in enumerate(people)]
        start = time.perf_counter()
        tallies = load_client.run_participants(browsers, BASE, paths, seconds)
        elapsed = time.perf_counter() - start
    finally:
        for server in servers:
            server.stop()
    lost, doubled = check(own_uri, paths, people, tallies)
    conflicts = collections.defaultdict(lambda: [0, 0, 0])
    for server in servers:
        for cls, counts in server.conflicts().items():
            conflicts[cls] = [a + b for a, b in zip(conflicts[cls], counts)]
    report(label, clients, seconds, attempts, elapsed, tallies, lost, doubled, conflicts)
    for server in servers:                 # a 500 is a bug: show what the server logged
        errors = [line for line in Path(server.output.name).read_text().splitlines()
                  if line and not line.startswith(" ") and ("Error" in line or "error" in line)]
        for line in errors[-5:]:
            print(f"server {server.port}: {line[:200]}")


def report(label, clients, seconds, attempts, elapsed, tallies, lost, doubled, conflicts):
    requests = sum(t.requests for t in tallies)
    writes = sum(t.writes for t in tallies)
    failures = sum(t.failures for t in tallies)
    statuses = collections.Counter()
    for t in tallies:
        statuses.update(t.statuses)
    latencies = sorted(s for t in tallies for s in t.seconds)
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0
    print(f"\n== {label}: {clients} participants for {seconds:.0f} s, retry.attempts = {attempts}")
    print(f"requests {requests} ({requests / elapsed:.0f}/s), writes {writes}: failed {failures} "
          f"({100 * failures / max(1, writes):.2f}%), lost {sum(lost.values())} "
          f"{dict(lost)}, doubled {sum(doubled.values())} {dict(doubled)}")
    print(f"write p95 {p95:.0f} ms; statuses {dict(sorted(statuses.items()))}")
    print(f"{'object class':<52} {'conflicts':>9} {'retries':>8} {'gave up':>8}")
    for cls, (c, r, g) in sorted(conflicts.items(), key=lambda item: -item[1][0]):
        print(f"{cls:<52} {c:>9} {r:>8} {g:>8}")
    if not conflicts:
        print("(no conflict logged)")


def postgres_uris(tmp, count):
    """Create a scratch database; return (its URIs, one per process, a drop function)."""
    import psycopg2
    where = os.environ.get("BEFFROI_TEST_PG", "postgres@127.0.0.1:5432")
    user, hostport = where.split("@", 1)
    host, port = hostport.split(":")
    name = f"beffroi_load_{os.getpid()}"
    admin = psycopg2.connect(host=host, port=int(port), user=user, dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    uris = [f"postgres://{user}@{host}:{port}/{name}?keep_history=false"
            f"&blob_dir={tmp}/blobcache-{i}&shared_blob_dir=false" for i in range(count + 1)]

    def drop():
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
    return uris, drop


@contextlib.contextmanager
def _workdir(keep, name):
    if keep:
        path = Path(keep) / name
        path.mkdir(parents=True, exist_ok=True)
        yield str(path)
    else:
        with tempfile.TemporaryDirectory(prefix=f"beffroi-load-{name}-") as tmp:
            yield tmp


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/load.py", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--only", choices=("file", "postgres"))
    parser.add_argument("--attempts", help="retry.attempts (default: production.ini's)")
    parser.add_argument("--keep", metavar="DIR", help="keep databases and logs in DIR")
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    attempts = args.attempts or shipped_retry_attempts()
    if args.only in (None, "file"):
        with _workdir(args.keep, "file") as tmp:
            uri = f"file://{tmp}/Data.fs?blobstorage_dir={tmp}/blobs"
            scenario("FileStorage, one waitress process", uri, [uri], args.seconds,
                     args.clients, attempts, tmp)
    if args.only in (None, "postgres"):
        with _workdir(args.keep, "postgres") as tmp:
            uris, drop = postgres_uris(tmp, 2)
            try:
                # the first URI seeds and checks; each process has its own blob cache
                scenario("RelStorage on PostgreSQL, two waitress processes", uris[0], uris[1:],
                         args.seconds, args.clients, attempts, tmp)
            finally:
                drop()
