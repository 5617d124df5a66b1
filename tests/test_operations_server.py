"""A real app process (``pserve``) on the default FileStorage: commands work while it
runs, a locked or unreachable database is one ``error:`` line, SIGTERM loses no request."""
import http.client
import os
import signal
import threading
import time

import pytest
from ZODB.FileStorage import FileStorage




import ops_server  # noqa: E402  (tests/, see conftest.py)
Server, beffroi, write_ini = ops_server.Server, ops_server.beffroi, ops_server.write_ini

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path):
    ini = write_ini(tmp_path)
    assert beffroi(ini, "org", "add", "--name", "Lys", "--host", "lys.localhost").returncode == 0
    running = Server(ini)
    yield running, ini
    running.stop()


def get(server, path, host="lys.localhost", timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_every_command_works_while_the_server_runs(server, tmp_path):
    srv, ini = server
    commands = [
        ("org", "add", "--name", "Commune de Rives", "--host", "rives.localhost"),
        ("org", "list"),
        ("user", "add", "rives.localhost", "--email", "maire@rives.localhost", "--name", "Maire",
         "--password", PASSWORD),
        ("evolve", "--list"),
        ("send-mail",),
        ("send-digests", "--daily"),
        ("org", "export", "rives.localhost", "-o", str(tmp_path / "rives.zip")),
        ("backup", str(tmp_path / "backups")),
        ("pack", "--days", "0"),
        ("jobs",),
    ]
    for args in commands:
        done = beffroi(ini, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert "rives.localhost" in beffroi(ini, "org", "list").stdout
    socket_mode = os.stat(ini.parent / "var" / "Data.fs.zeo").st_mode
    assert socket_mode & 0o077 == 0                      # only the user running the app
    assert (tmp_path / "rives.zip").stat().st_size > 0
    # the server sees what the commands wrote, at once
    status, _ = get(srv, "/-/login", host="rives.localhost")
    assert status == 200
    assert "Maire" not in get(srv, "/-/health")[1]
    refused = beffroi(ini, "restore", str(tmp_path / "backups"), "--yes")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith("error: the database")
    assert "stop the app processes" in refused.stderr


def test_a_database_locked_without_a_server_is_one_error_line_for_every_command(tmp_path):
    ini = write_ini(tmp_path)
    assert beffroi(ini, "org", "add", "--name", "Lys", "--host", "lys.localhost").returncode == 0
    holder = FileStorage(str(tmp_path / "var" / "Data.fs"))       # a process that does not serve it
    try:
        for args in (("org", "list"), ("send-mail",), ("send-digests", "--daily"),
                     ("evolve", "--list"), ("user", "add", "lys.localhost", "--email", "a@b.org",
                                            "--name", "A", "--password", PASSWORD)):
            done = beffroi(ini, *args)
            assert done.returncode == 2, (args, done.stderr)
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: the database"), done.stderr
            assert "in use by another process" in lines[0]
    finally:
        holder.close()


def test_an_unreachable_database_is_one_error_line(tmp_path):
    ini = write_ini(tmp_path, uri="postgres://postgres@127.0.0.1:1/nowhere?keep_history=false"
                                  f"&blob_dir={tmp_path}/blobs&shared_blob_dir=false")
    done = beffroi(ini, "org", "list")
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot open the database"), done.stderr
    assert "zodbconn.uri" in errors[0] and "Traceback" not in done.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_answers_every_request_in_progress_then_closes_the_database(server, sig):
    srv, ini = server
    index = ini.parent / "var" / "Data.fs.index"
    results = []

    def slow():
        try:
            results.append(get(srv, "/-/test-slow?s=0.6"))
        except Exception as exc:               # a dropped request shows here
            results.append((type(exc).__name__, str(exc)))

    threads = [threading.Thread(target=slow) for _ in range(10)]  # 2 server threads: 3 s of work
    for t in threads:
        t.start()
    time.sleep(0.8)
    signalled = time.time()
    assert srv.terminate(sig) == 0
    for t in threads:
        t.join(30)
    assert results == [(200, "done")] * 10
    assert index.stat().st_mtime >= signalled      # written at close: the next start does not rescan
    assert index.stat().st_mtime >= (ini.parent / "var" / "Data.fs").stat().st_mtime
    assert not os.path.exists(str(ini.parent / "var" / "Data.fs.zeo"))
    assert "stopped" in srv.output()


def test_a_second_server_on_the_same_file_joins_the_first_one(server):
    srv, ini = server
    second = Server(ini)
    try:
        assert get(second, "/-/test-slow?s=0")[0] == 200
        assert beffroi(ini, "org", "add", "--name", "Rives", "--host", "rives.localhost").returncode == 0
        assert get(srv, "/-/login", host="rives.localhost")[0] == 200
        assert get(second, "/-/login", host="rives.localhost")[0] == 200
    finally:
        assert second.terminate() == 0


def test_the_server_does_not_start_on_a_database_a_command_holds(tmp_path):
    ini = write_ini(tmp_path)
    assert beffroi(ini, "org", "add", "--name", "Lys", "--host", "lys.localhost").returncode == 0
    holder = FileStorage(str(tmp_path / "var" / "Data.fs"))
    try:
        with pytest.raises(AssertionError, match="did not start"):
            Server(ini)
        log = (tmp_path / "server.log").read_text()
        assert "error: the database" in log and "Traceback" not in log
    finally:
        holder.close()


def test_a_second_signal_stops_at_once_and_still_closes_the_database(server):
    srv, ini = server
    index = ini.parent / "var" / "Data.fs.index"
    results = []
    worker = threading.Thread(target=lambda: results.append(_try(lambda: get(srv, "/-/test-slow?s=5"))))
    worker.start()
    time.sleep(0.8)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    signalled = time.time()
    srv.terminate(signal.SIGTERM, timeout=4)                   # gone before the 5 s request ends
    assert index.stat().st_mtime >= signalled
    worker.join(30)
    assert results != [(200, "done")]
    assert "second stop signal" in srv.output()


def _try(call):
    try:
        return call()
    except Exception as exc:
        return type(exc).__name__


def test_the_server_runs_the_periodic_jobs_and_the_command_shows_their_last_run(server):
    import json
    srv, ini = server
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = beffroi(ini, "jobs", "--json")
        assert done.returncode == 0, done.stderr
        rows = {row["name"]: row for row in json.loads(done.stdout)}
        if rows["notifications.daily_digests"].get("finished"):
            break
        time.sleep(0.5)
    daily = rows["notifications.daily_digests"]
    assert daily["runner"].endswith(f":{srv.proc.pid}")       # run by the app process
    assert daily["outcome"] == "0 daily digest(s) queued" and daily["error"] == ""
    assert set(rows) >= {"mail.deliver", "notifications.weekly_digests", "spaces.phases_by_date",
                         "opendata.refresh"}
