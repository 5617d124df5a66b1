"""A real ``pserve`` process for the operations tests (not a test module)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent


def write_ini(directory: Path, uri: str | None = None, extra: str = "") -> Path:
    """An .ini like development.ini in ``directory``: free port, its own var/."""
    uri = uri or (f"file://{directory}/var/Data.fs?blobstorage_dir={directory}/var/blobs")
    ini = directory / "test.ini"
    ini.write_text(f"""[app:main]
use = egg:beffroi
zodbconn.uri = {uri}
beffroi.secret = {"s" * 40}
beffroi.extra_plugins = slow_requests_plugin
mail.host = 127.0.0.1
mail.port = 9
{extra}

[server:main]
use = egg:beffroi#waitress
listen = 127.0.0.1:0
threads = 2
shutdown_timeout = 20

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = INFO
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
class = beffroi.ops.requestlog.Formatter
format = %(levelname)s [%(name)s] [%(request_id)s] %(message)s
""")
    return ini


def _env():
    return dict(os.environ, PYTHONPATH=f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
                PYTHONWARNINGS="ignore")


class Server:
    """``pserve ini`` in a child process; ``port`` once it listens."""

    def __init__(self, ini: Path):
        env = _env()
        self.log_path = ini.parent / "server.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([str(BIN / "pserve"), str(ini)], cwd=ini.parent, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"Serving on http://127\.0\.0\.1:(\d+)", self.output())
            if match:
                self.port = int(match.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the server did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def terminate(self, sig=signal.SIGTERM, timeout=60) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


def beffroi(ini: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the ``beffroi`` command with ``-c ini``."""
    return subprocess.run([str(BIN / "beffroi"), "-c", str(ini), *args], cwd=ini.parent,
                          capture_output=True, text=True, timeout=120, input=input, env=_env())
