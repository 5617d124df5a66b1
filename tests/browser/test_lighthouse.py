"""Lighthouse (from npm, run on Debian's chromium) on the demo's home, a space and a
listing: accessibility 1.0 and best practices at least 0.95, as a visitor sees them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
COMMUNE = "commune.localhost"
PAGES = ("/", "/place-du-marche/", "/place-du-marche/proposals/")
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync")


@pytest.fixture
def demo(platform):
    from beffroi.devkit.demo import create_demo
    with platform.tx() as app:
        create_demo(app, platform.plugins)
    return platform


def _missing():
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed (npm ci)"
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        return "chromium is not installed (apt-get install chromium)"
    return None


def test_lighthouse_accessibility_and_best_practices(demo, live, tmp_path):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    failures = []
    for path in PAGES:
        report = tmp_path / "report.json"
        env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
        run = subprocess.run(
            [str(LIGHTHOUSE), live.url(COMMUNE, path), "--quiet", "--output=json",
             f"--output-path={report}", "--only-categories=accessibility,best-practices",
             "--screenEmulation.disabled", "--form-factor=desktop",
             "--throttling-method=provided", f"--chrome-flags={FLAGS}"],
            env=env, capture_output=True, text=True, timeout=240)
        assert run.returncode == 0, run.stderr[-2000:]
        data = json.loads(report.read_text())
        scores = {name: category["score"] for name, category in data["categories"].items()}
        failed = [f"{audit['id']}: {audit['title']}" for audit in data["audits"].values()
                  if audit.get("score") is not None and audit["score"] < 1
                  and audit.get("scoreDisplayMode") == "binary"]
        if scores["accessibility"] < 1.0 or scores["best-practices"] < 0.95:
            failures.append(f"{path}: {scores} — {failed}")
    assert not failures, "\n".join(failures)
