"""Browser tests: the real application in waitress, driven by Debian's chromium.

Fixtures: ``live`` (the app served on 127.0.0.1 over the test database; organisations
answer on their ``*.localhost`` host names, which chromium maps to 127.0.0.1),
``chromium`` (one browser for the session), ``page`` (a fresh context and tab per test;
axe-core may be injected because the context bypasses the CSP) and ``strict_page``
(the CSP enforced, so inline scripts or styles show up as console errors).
A failing test leaves a screenshot and the HTML of its page under tests/browser/artifacts/.
"""
from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import pytest

from beffroi.devkit import testing

CHROMIUM = os.environ.get("BEFFROI_CHROMIUM", "/usr/bin/chromium")   # Debian's chromium
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
    AXE_SUMMARY.pop("(self-test)", None)
    if AXE_SUMMARY:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-summary.json").write_text(
            json.dumps(AXE_SUMMARY, indent=2, sort_keys=True, ensure_ascii=False))


# The devkit's waitress server with 4 worker threads (plugins' browser tests use it too,
# as ``harness.LiveServer``).
LiveServer = functools.partial(testing.LiveServer, threads=4)


@pytest.fixture
def live(platform):
    server = LiveServer(platform.app)
    # links in mail name the public port from the configuration, as an operator sets it
    platform.app.registry.settings["beffroi.url_port"] = str(server.port)
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
        # the injected axe-core would make the saved HTML unreadable (the CSP forbids
        # inline scripts in the pages themselves, so only injected ones go)
        page.evaluate("() => document.querySelectorAll('script:not([src])').forEach(s => s.remove())")
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
    page.on("console", lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource")   # told by "response"
            and page.problems.append(f"console error on {page.url}: {msg.text}"))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and page.problems.append(f"{r.status} for {r.url}"))
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


SEVERE = ("serious", "critical")

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160)),
  }));
}"""

# What axe does not judge on its own: one h1, no skipped heading level, a lang.
STRUCTURE = """() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang') || '';
  if (!/^[a-z]{2}/.test(lang)) problems.push('<html> has no lang');
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.getClientRects().length).map(h => +h.tagName[1]);
  if (levels.filter(l => l === 1).length !== 1) problems.push('not exactly one h1: ' + levels.join(','));
  levels.forEach((level, i) => {
    if (i && level > levels[i - 1] + 1) problems.push('heading level skipped: ' + levels.join(','));
  });
  for (const field of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const named = field.labels && field.labels.length || field.getAttribute('aria-label')
      || field.getAttribute('aria-labelledby') || field.getAttribute('title');
    if (!named) problems.push('field without a label: ' + (field.name || field.id));
  }
  return problems;
}"""


def audit_page(page, page_type: str) -> list[str]:
    """Run axe-core and the structure checks on the page; record them under ``page_type``;
    return a readable list of what fails (serious or critical violations, structure)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN)
    structure = page.evaluate(STRUCTURE)
    severe = [v for v in violations if v["impact"] in SEVERE]
    entry = AXE_SUMMARY.setdefault(page_type, {"urls": [], "serious_or_critical": [],
                                               "minor_or_moderate": [], "structure": []})
    path = re.sub(r"^https?://[^/]+", "", page.url)
    if path not in entry["urls"]:
        entry["urls"].append(path)
    for key, found in (("serious_or_critical", [v["id"] for v in severe]),
                       ("minor_or_moderate", [v["id"] for v in violations if v not in severe]),
                       ("structure", structure)):
        entry[key] = sorted(set(entry[key]) | set(found))
    return [f"{page_type} {path}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}"
            for v in severe] + [f"{page_type} {path}: {p}" for p in structure]


class AxeCheck:
    """``axe(page, "page type")`` fails the test on serious/critical axe violations or
    broken structure (lang, headings, labels) of the page as it is now;
    ``axe.problems(page, "page type")`` returns them instead."""

    problems = staticmethod(audit_page)

    def __call__(self, page, page_type):
        problems = audit_page(page, page_type)
        assert not problems, "accessibility problems:\n" + "\n".join(problems)


@pytest.fixture
def axe():
    return AxeCheck()


def focused(page) -> dict:
    """What has the keyboard focus, and whether the focus can be seen."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim(),
              href: el.getAttribute('href') || '', name: el.getAttribute('name') || '',
              type: el.getAttribute('type') || '',
              outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                       || style.boxShadow !== 'none',
              onscreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
                        && box.left < innerWidth};
    }""")


def tab_to(page, matches, limit=60) -> dict:
    """Press Tab until ``matches(focused)`` holds (perhaps already, as with autofocus);
    every stop on the way must show its focus."""
    now = focused(page)
    if matches(now):
        return now
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] != "body":
            assert now["outline"], f"focus not visible on {now}"
            assert now["onscreen"], f"focused element off screen: {now}"
        if matches(now):
            return now
    raise AssertionError(f"Tab never reached the wanted element (last: {focused(page)})")


def press_and_load(page, key="Enter"):
    """Press ``key`` on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def keyboard():
    """Keyboard helpers: ``focused(page)``, ``tab_to(page, predicate)``,
    ``press_and_load(page)``."""
    from types import SimpleNamespace
    return SimpleNamespace(focused=focused, tab_to=tab_to, press_and_load=press_and_load)


COMMUNE = "commune.localhost"
METRO = "metropole.localhost"


@pytest.fixture
def world(platform):
    """Two organisations as people meet them: a commune (green) with a published space
    holding the pages module and one page, and a metropolis (blue); a participant and an
    organisation admin in the commune."""
    from beffroi_pages.content import add_page
    platform.add_org("Commune de Démo", COMMUNE)
    platform.add_org("Métropole de Démo", METRO)
    with platform.tx() as app:
        app.organisation_for_host(COMMUNE).primary_colour = "#2d6a4f"
        app.organisation_for_host(METRO).primary_colour = "#1f5fa8"
    platform.add_space(COMMUNE, "place-du-marche", "Réaménagement de la place du marché",
                       modules=["pages"], description="<p>Comment voulez-vous que la place évolue ?</p>")
    with platform.tx() as app:
        container = app.organisation_for_host(COMMUNE).spaces["place-du-marche"]["pages"]
        add_page(container, "Calendrier de la démarche",
                 "<p>Les ateliers ont lieu en mars.</p>", "Les dates à retenir")
    platform.add_user(COMMUNE, "habitant@commune.localhost", "Camille Habitant")
    platform.add_user(COMMUNE, "admin@commune.localhost", "Alex Admin", org_roles=["admin"])
    return platform
