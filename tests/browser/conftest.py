"""Browser tests: the real application in waitress, driven by Debian's chromium.

Fixtures: ``live`` (the app served on 127.0.0.1 over the test database; organisations
answer on their ``*.localhost`` host names, which chromium maps to 127.0.0.1),
``chromium`` (one browser for the session), ``page`` (a fresh context and tab per test;
axe-core may be injected because the context bypasses the CSP) and ``strict_page``
(the CSP enforced, so inline scripts or styles show up as console errors).
A failing test leaves a screenshot and the HTML of its page under tests/browser/artifacts/.
"""
from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Organisations are told apart by the Host header: every *.localhost is this machine.
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]
IN_CI = os.environ.get("CI") == "true"

# axe results per page type, gathered over the whole run and written at the end.
AXE_SUMMARY: dict[str, dict] = {}


def missing_requirement() -> str | None:
    """Why browser tests cannot run on this machine, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is absent: apt-get install chromium"
    if not AXE_JS.exists():
        return f"{AXE_JS} is absent: run `make install` (npm ci)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = missing_requirement()
    if reason is None:
        return
    if IN_CI:       # CI must never pass by skipping its browser tests: `chromium` fails
        return
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_sessionfinish(session, exitstatus):
    if AXE_SUMMARY:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-summary.json").write_text(
            json.dumps(AXE_SUMMARY, indent=2, sort_keys=True, ensure_ascii=False))


class LiveServer:
    """A waitress server in a background thread, serving the test application."""

    def __init__(self, app):
        from waitress.server import create_server
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4,
                                    clear_untrusted_proxy_headers=True, _quiet=True)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def live(platform):
    server = LiveServer(platform.app)
    yield server
    server.close()


@pytest.fixture(scope="session")
def chromium():
    reason = missing_requirement()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _save_artifacts(request, page):
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed or page.is_closed():
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(
            f"<!-- {page.url} -->\n" + page.content(), encoding="utf-8")
    except Exception as exc:        # the report of the real failure matters more
        print(f"could not save artifacts of {name}: {exc}")


def _open_page(chromium, request, **context_options):
    context = chromium.new_context(locale="fr-FR", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []      # JavaScript errors and CSP refusals seen by the browser
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(
        f"console error on {page.url}: {msg.text}"))
    return context, page


@pytest.fixture
def page(chromium, request):
    """A new tab with its own cookies; the CSP is bypassed so axe-core can be injected."""
    context, page = _open_page(chromium, request, bypass_csp=True)
    yield page
    _save_artifacts(request, page)
    context.close()


@pytest.fixture
def strict_page(chromium, request):
    """A new tab with the CSP enforced: inline scripts or styles are refused and reported."""
    context, page = _open_page(chromium, request)
    yield page
    _save_artifacts(request, page)
    context.close()
