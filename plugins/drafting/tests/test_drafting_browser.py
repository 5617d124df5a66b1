"""In a real browser (Debian's chromium, axe-core): selecting words in a section carries
them to the suggestion form (the script obeys the Content Security Policy), and every
page type of the module has no serious accessibility violation."""
from __future__ import annotations

import importlib.util
import re
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HARNESS = Path(__file__).resolve().parents[3] / "tests" / "browser" / "conftest.py"


def _harness():
    """Beffroi's browser harness (tests/browser/conftest.py), loaded by its path."""
    if not HARNESS.exists():
        pytest.skip("Beffroi's browser harness (tests/browser) is not in this checkout")
    spec = importlib.util.spec_from_file_location("beffroi_browser_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reason = module.missing_requirement()
    if reason:
        if module.IN_CI:
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    return module


@pytest.fixture
def harness():
    return _harness()


def in_own_thread(journey, harness):
    """Run ``journey(chromium)`` in a thread of its own with its own Playwright: another
    suite's session-wide Playwright may hold this thread's event loop, and the sync API
    refuses to start inside a running loop."""
    from playwright.sync_api import sync_playwright
    failure = []

    def run():
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=harness.CHROMIUM,
                                             args=harness.CHROMIUM_ARGS)
                try:
                    journey(browser)
                finally:
                    browser.close()
        except BaseException as error:          # re-raised in the test's thread
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(600)
    if failure:
        raise failure[0]
    assert not thread.is_alive(), "the browser journey did not finish in 10 minutes"


def _log_in(page, base, email):
    from playwright.sync_api import expect
    page.goto(base + "/-/login")
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)) \
        .fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("button", name=re.compile("Se déconnecter|Log out"))).to_be_visible()


def _audit(harness, page, page_type):
    problems = harness.audit_page(page, page_type)
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


def test_selecting_words_fills_the_suggestion_and_pages_are_accessible(site, harness, request):
    in_own_thread(lambda chromium: _journey(site, harness, chromium, request), harness)


def _journey(site, harness, chromium, request):
    from playwright.sync_api import expect
    url = site.create_text(site.admin())
    site.user("ana@example.org", name="Ana Martin")
    server = harness.LiveServer(site.platform.app)
    base = f"http://test.localhost:{server.port}"
    try:
        # the Content Security Policy enforced: the script must need nothing inline
        context, page = harness._open_page(chromium, request)
        _log_in(page, base, "ana@example.org")
        page.goto(base + url)
        section = page.locator("#section-article-2-la-proprete")
        page.evaluate("""() => {
          const body = document.querySelector('#section-article-2-la-proprete .drafting-section-body p');
          const node = body.firstChild, at = node.textContent.indexOf('des cendriers');
          const range = document.createRange();
          range.setStart(node, at); range.setEnd(node, at + 'des cendriers'.length);
          const selection = window.getSelection();
          selection.removeAllRanges(); selection.addRange(range);
        }""")
        expect(section.locator(".drafting-selection")).to_contain_text("des cendriers")
        section.get_by_role("link", name=re.compile("Suggérer une formulation")).click()
        main = page.locator("main")
        expect(main.get_by_label(re.compile("^Passage à remplacer"))).to_have_value("des cendriers")
        expect(main.get_by_label(re.compile("^Section"))).to_have_value("article-2-la-proprete")
        main.get_by_label(re.compile("^Votre formulation")).fill("des cendriers et des bancs")
        main.get_by_role("button", name="Publier ma suggestion").click()
        expect(page.locator("h1")).to_have_text("Suggestion n° 1")
        assert page.problems == [], page.problems
        context.close()

        # axe on every page type a participant meets (the CSP bypassed to inject axe)
        context, page = harness._open_page(chromium, request, bypass_csp=True)
        _log_in(page, base, "ana@example.org")
        for path, page_type in ((url, "drafting: text"), (url + "s1/", "drafting: suggestion"),
                                (url + "suggest?section=preambule", "drafting: suggest form"),
                                (url + "annotate", "drafting: annotate form"),
                                ("/charte/drafting/", "drafting: listing")):
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            _audit(harness, page, page_type)
        main = page.locator("main")
        page.goto(base + url + "annotate")
        main.get_by_label(re.compile("^Section")).select_option("preambule")
        main.get_by_label(re.compile("^Passage que vous annotez")).fill("pas dans ce texte")
        main.get_by_label(re.compile("^Votre annotation")).fill("Mon annotation")
        main.get_by_role("button", name="Publier mon annotation").click()
        expect(main).to_contain_text("Ce passage n'est pas dans la section")
        expect(main.get_by_label(re.compile("^Votre annotation"))).to_have_value("Mon annotation")
        _audit(harness, page, "drafting: annotate form with errors")
        context.close()

        # the admin's pages: decide, draft, publish, compare
        admin = site.admin()
        site.decide(admin, url + "s1/", "accept", "Bonne idée.")
        context, page = harness._open_page(chromium, request, bypass_csp=True)
        _log_in(page, base, site.admin_email)
        for path, page_type in ((url + "draft", "drafting: draft"),
                                (url + "publish", "drafting: publish")):
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            _audit(harness, page, page_type)
        page.get_by_role("button", name="Publier la version 2").click()
        expect(page.locator("body")).to_contain_text("La version 2 est publiée.")
        expect(page.locator(".drafting-section mark.drafting-origin").first).to_contain_text("des bancs")
        _audit(harness, page, "drafting: text with origins")
        page.goto(base + url + "compare?from=1&to=2")
        expect(page.locator("ins").first).to_be_visible()
        _audit(harness, page, "drafting: compare")
        context.close()
    finally:
        server.close()
