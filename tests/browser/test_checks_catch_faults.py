"""The browser checks themselves: axe, the structure checks and the CSP watch report
the faults they exist for (a check that cannot fail proves nothing)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FAULTY = """<!DOCTYPE html><html><head><title>faulty</title></head><body>
<main><h1>One</h1><h3>Skipped a level</h3>
<form><input type="text" name="nameless"></form>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbb;background:#fff">Grey on white</p></main></body></html>"""


def test_axe_and_the_structure_checks_report_a_faulty_page(page, axe):
    page.set_content(FAULTY)
    problems = "\n".join(axe.problems(page, "(self-test)"))
    for expected in ("html-has-lang", "label", "image-alt", "color-contrast",
                     "<html> has no lang", "heading level skipped", "field without a label"):
        assert expected in problems, f"{expected!r} not reported in:\n{problems}"
    with pytest.raises(AssertionError):
        axe(page, "(self-test)")


def test_the_csp_watch_reports_inline_script_and_style(strict_page):
    csp = "default-src 'self'; script-src 'self'; style-src 'self'"
    strict_page.route("http://commune.localhost/csp-self-test", lambda route: route.fulfill(
        status=200, content_type="text/html", headers={"Content-Security-Policy": csp},
        body="<!DOCTYPE html><html lang=fr><title>t</title><script>1</script>"
             "<p style='color:red'>x</p></html>"))
    strict_page.goto("http://commune.localhost/csp-self-test")
    refused = [p for p in strict_page.problems if "Content Security Policy" in p]
    assert len(refused) >= 2, strict_page.problems
