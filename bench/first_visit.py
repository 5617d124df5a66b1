"""First visit of each page type, just after the server starts (``make serve``'s path).

Builds the demo in a temporary folder, starts ``pserve`` on a free port, and times the
first and the second GET of each page type, as a visitor and as the commune's
organisation admin; also the seconds from launch until the server answers.
``--precompile false`` sets ``beffroi.precompile_templates = false`` (templates then
compile on first use, as before).
It prints figures; it asserts nothing.

    .venv/bin/python bench/first_visit.py [--precompile true|false] [--chameleon-cache DIR] [--wait S]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "commune.localhost"
VISITOR = ["/", "/place-du-marche/", "/place-du-marche/proposals/", "/-/login",
           "/-/register", "/-/password/forgot"]
ADMIN = ["/-/account", "/-/admin/", "/-/admin/participants", "/place-du-marche/proposals/add",
         "/-/notifications"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None                       # a redirect is an answer: timed, not followed


class Browser:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def get(self, path, data=None):
        request = urllib.request.Request(self.base + path, data=data, headers={"Host": HOST})
        t0 = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                body, status = response.read().decode(), response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read().decode(), exc.code
        return time.perf_counter() - t0, status, body

    def login(self, email, password):
        _, _, page = self.get("/-/login")
        form = page[page.index("<form"):]
        form = form[:form.index("</form>")]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        fields.update(email=email, password=password, login="login")
        self.get("/-/login", urllib.parse.urlencode(fields).encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precompile", default="true", choices=("true", "false"))
    parser.add_argument("--chameleon-cache", help="CHAMELEON_CACHE for the server")
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds between the server's first answer and the first visit "
                             "(a person reading the demo block)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="beffroi-visit-"))
    (tmp / "var").mkdir()
    port = free_port()
    ini = (REPO / "development.ini").read_text()
    ini = re.sub(r"listen = \S+", f"listen = 127.0.0.1:{port}", ini)
    ini = re.sub(r"mail.background = true", "mail.background = false", ini)
    ini = re.sub(r"beffroi.precompile_templates = \w+\n", "", ini)
    ini = ini.replace("[app:main]\n", f"[app:main]\nbeffroi.precompile_templates = {args.precompile}\n")
    config = tmp / "bench.ini"
    config.write_text(ini)
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    subprocess.run([BIN / "beffroi", "-c", config, "evolve"], **quiet)
    subprocess.run([BIN / "beffroi", "-c", config, "demo"], **quiet)
    env = dict(os.environ)
    if args.chameleon_cache:
        os.makedirs(args.chameleon_cache, exist_ok=True)
        env["CHAMELEON_CACHE"] = args.chameleon_cache
    start = time.perf_counter()
    server = subprocess.Popen([BIN / "pserve", "-q", config], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        browser = Browser(port)
        while True:
            try:
                browser.get("/-/health")
                break
            except OSError:
                time.sleep(0.05)
        print(f"server answers {time.perf_counter() - start:.2f} s after launch"
              f" (beffroi.precompile_templates = {args.precompile}; first visit "
              f"{args.wait:g} s later; load {os.getloadavg()[0]:.1f})"
              f"{' CHAMELEON_CACHE=' + args.chameleon_cache if args.chameleon_cache else ''}")
        time.sleep(args.wait)
        rows = [(path, browser.get(path), browser.get(path)) for path in VISITOR]
        browser.login("admin@commune.localhost", "demo-admin-password")
        rows += [(path, browser.get(path), browser.get(path)) for path in ADMIN]
        print(f"{'page':<34} {'first':>7} {'second':>7}  status")
        for path, first, second in rows:
            print(f"{path:<34} {first[0]:7.3f} {second[0]:7.3f}  {first[1]}")
        firsts = [first[0] for _, first, _ in rows]
        print(f"first visits: total {sum(firsts):.2f} s, slowest {max(firsts):.2f} s")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
