"""Time to first page of a newcomer: ``make serve`` on a fresh clone, package caches empty.

Clones the repository (a commit or branch, default HEAD) into a temporary folder,
writes a copy of development.ini listening on free ports, runs ``make serve`` with
empty pip, uv and npm caches, and polls the server until a demo page answers 200.
Prints the seconds to the first page, the lines printed before the demo block, the
first-visit time of the home page, and where the time went. It asserts nothing.

    python3 bench/fresh_clone.py [--ref COMMIT] [--keep-caches] [--no-npm]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def path_without(names, tmp):
    """A PATH of symbolic links to every program on PATH except ``names``."""
    bin_dir = Path(tmp, "bin")
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            if entry.name in names or (bin_dir / entry.name).exists():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                (bin_dir / entry.name).symlink_to(entry.path)
    return str(bin_dir)


def get(url, host):
    request = urllib.request.Request(url, headers={"Host": host})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--keep-caches", action="store_true", help="use the user's package caches")
    parser.add_argument("--no-npm", action="store_true", help="hide npm from PATH")
    parser.add_argument("--make-args", default="", help="extra make arguments, e.g. NO_UV=1")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="beffroi-fresh-")
    clone = Path(tmp, "beffroi")
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", args.ref], check=True)
    port, mail_port = free_port(), free_port()
    ini = (clone / "development.ini").read_text()
    ini = re.sub(r"listen = \S+", f"listen = 127.0.0.1:{port}", ini)
    ini = re.sub(r"mail.port = \d+", f"mail.port = {mail_port}", ini)
    (clone / "bench.ini").write_text(ini)
    env = dict(os.environ, CONFIG="bench.ini", PYTHONUNBUFFERED="1")
    if not args.keep_caches:
        for var in ("PIP_CACHE_DIR", "UV_CACHE_DIR", "npm_config_cache"):
            env[var] = str(Path(tmp, "cache", var))
    if args.no_npm:
        env["PATH"] = path_without({"npm", "npx", "node"}, tmp)
    start = time.monotonic()
    proc = subprocess.Popen(["make", "serve", "CONFIG=bench.ini", *args.make_args.split()],
                            cwd=clone, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []                                  # (seconds since launch, line)
    threading.Thread(target=lambda: lines.extend(
        (time.monotonic() - start, line.rstrip("\n")) for line in proc.stdout), daemon=True).start()
    first_page = first_visit = None
    try:
        while proc.poll() is None and time.monotonic() - start < 900:
            try:
                t0 = time.monotonic()
                if get(f"http://127.0.0.1:{port}/", "commune.localhost") == 200:
                    first_visit = time.monotonic() - t0
                    first_page = time.monotonic() - start
                    break
            except OSError:
                time.sleep(0.5)
    finally:
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    before = next((i for i, (_, line) in enumerate(lines) if line.startswith("====")), len(lines))
    print(f"ref {args.ref}: {'empty' if not args.keep_caches else 'warm'} caches, "
          f"npm {'hidden' if args.no_npm else 'on PATH'} {args.make_args}")
    if first_page is None:
        print("the server never answered; the end of its output:")
        print("\n".join(line for _, line in lines[-30:]))
    else:
        print(f"time to first page: {first_page:.1f} s (that page took {first_visit:.2f} s)")
        steps = [(at, line) for at, line in lines
                 if line.startswith("beffroi:") or "Serving on" in line or line.startswith("====")]
        for at, line in steps[:7]:
            print(f"  {at:6.1f} s  {line[:90]}")
    print(f"lines printed before the demo block: {before} (of {len(lines)})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(compare runs made side by side)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
