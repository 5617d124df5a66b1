"""Follow every link of the demo platform, as a visitor, a participant and an admin:
no server error, no traceback, no broken link, HTML whose tags balance, no problem the
static accessibility check sees (beffroi.devkit.a11y), and no error
from the W3C Nu HTML checker (vnu.jar from the ``vnu-jar`` npm package, run on Java)."""
from __future__ import annotations

import fnmatch
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from beffroi.devkit.a11y import accessibility_problems
from beffroi.devkit.nu_checker import nu_checker_unavailable, nu_html_errors, require_nu_checker
from beffroi.devkit.demo import ADMIN_PASSWORD, ORGANISATIONS, USER_PASSWORD, create_demo

MAX_PAGES = 300
# Links that change state or leave the role being crawled; GET-only crawling never posts.
SKIPPED_PATHS = ("/-/logout", "/-/lang", "/-/delete", "/-/export")
SKIPPED_WORDS = ("logout", "delete", "unsubscribe", "remove")
# Python values printed instead of text: a template that reads the wrong name.
LEAKS = re.compile(r"&lt;(?:built-in|bound) method[^&]*?&gt;|&lt;[\w.]+ object at 0x[0-9a-f]+&gt;"
                   r"|>\s*None\s*<")
# Known leaks, each with the template to fix; any other fails. (None left.)
KNOWN_LEAKS: dict = {}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class PageParser(HTMLParser):
    """Collects links and assets, and what is wrong with the markup: end tags that close
    nothing open, elements left open, duplicate ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.assets, self.problems = [], [], []
        self.stack, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.assets.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if attrs.get("id"):
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']!r}")
            self.ids.add(attrs["id"])
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            opened = self.stack[-1] if self.stack else None
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes nothing open "
                                 f"(innermost open: {opened})")
            # resynchronise on the matching element, if any, to report once per fault
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
            return
        self.stack.pop()

    def finish(self):
        self.close()
        if self.stack:
            self.problems.append(f"left open: {self.stack}")
        return self


def check_markup(text: str) -> list[str]:
    parser = PageParser()
    parser.feed(text)
    problems = parser.finish().problems
    if not text.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no <!DOCTYPE html>")
    return problems


def leaks(path: str, text: str) -> list[str]:
    """Python values shown to people on the page at ``path``, except the known ones."""
    found = []
    for match in LEAKS.finditer(text):
        shown = match.group(0).replace("&lt;", "").strip("<> \n")
        known = any(fnmatch.fnmatch(path, pattern) and kind in shown
                    for pattern, kind in KNOWN_LEAKS)
        if not known:
            found.append(f"Python value shown: {shown!r}")
    return found


def crawlable(url: str, host: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "") or (parts.hostname or host) != host:
        return False
    path = parts.path.lower()
    return not path.startswith(SKIPPED_PATHS) and not any(w in path for w in SKIPPED_WORDS)


def local(url: str) -> str:
    """The path and query of ``url``: the browser already speaks to the right host."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(browser, host: str, limit: int = MAX_PAGES, pages: dict | None = None):
    """Visit pages breadth-first from the home page; return (pages seen, problems).
    When ``pages`` is a dict, each HTML page's text is stored in it under its path."""
    start = f"http://{host}/"
    queue, seen, assets_seen = deque([(start, "(start)")]), {start}, set()
    problems, visited = [], 0
    while queue and visited < limit:
        url, came_from = queue.popleft()
        visited += 1
        where = f"{local(url)} (linked from {came_from})"
        try:
            response = browser.get(local(url), expect_errors=True)
        except Exception as exc:    # an error view would have turned it into a 500
            problems.append(f"{type(exc).__name__} raised on {where}: {str(exc).splitlines()[0][:200]}")
            continue
        if response.status_int >= 500:
            problems.append(f"{response.status} on {where}")
        elif response.status_int >= 400:
            problems.append(f"broken link: {response.status} on {where}")
        textual = response.content_type.startswith(("text/", "application/json"))
        if textual and "Traceback (most recent call last)" in response.text:
            problems.append(f"traceback shown on {where}")
        if response.status_int in (301, 302, 303, 307):
            target = urldefrag(urljoin(url, response.headers["Location"]))[0]
            if crawlable(target, host) and target not in seen:
                seen.add(target)
                queue.append((target, urlsplit(url).path))
            continue
        if "html" not in response.content_type:
            continue
        if pages is not None:
            pages[local(url)] = response.text
        parser = PageParser()
        parser.feed(response.text)
        problems.extend(f"{where}: {p}" for p in check_markup(response.text))
        problems.extend(f"{where}: {p}" for p in leaks(urlsplit(url).path, response.text))
        problems.extend(f"{where}: {p}" for p in accessibility_problems(response.text))
        for href in parser.links:
            target = urldefrag(urljoin(url, href))[0]
            if target and crawlable(target, host) and target not in seen:
                seen.add(target)
                queue.append((target, urlsplit(url).path))
        for src in parser.assets:
            asset = urljoin(url, src)
            if asset in assets_seen or urlsplit(asset).hostname not in (host, None):
                continue
            assets_seen.add(asset)
            status = browser.get(local(asset), expect_errors=True).status_int
            if status != 200:
                problems.append(f"asset {urlsplit(asset).path} answers {status} (on {where})")
    return visited, problems


@pytest.fixture(scope="module")
def vnu():
    """The checker, or a skip (a failure under CI=true) saying why it cannot run."""
    require_nu_checker()
    return nu_html_errors


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo platform, built once: crawling only reads, which the tests check."""
    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform, _file_db
    db = _file_db(tmp_path_factory.mktemp("crawl-db"))
    app = make_config({"beffroi.db": db, "beffroi.secret": "crawl-secret-" + "x" * 40,
                       "pyramid.default_locale_name": "fr"}).make_wsgi_app()
    platform = Platform(app, db)
    with platform.tx() as root:
        create_demo(root, platform.plugins)
    yield platform
    db.close()


ROLES = {
    "visitor": None,
    "participant": ("habitant@{host}", USER_PASSWORD),
    "admin": ("admin@{host}", ADMIN_PASSWORD),
}


@pytest.mark.parametrize("host", [o["host"] for o in ORGANISATIONS])
@pytest.mark.parametrize("role", ROLES)
def test_every_link_of_the_demo_answers_well_formed_html(demo, host, role):
    browser = demo.browser(host)
    if ROLES[role]:
        email, password = ROLES[role]
        demo.login(browser, email.format(host=host), password)
    before = demo.db.lastTransaction()
    visited, problems = crawl(browser, host)
    assert visited >= 3, f"the crawl of {host} as {role} found almost nothing"
    assert not problems, f"{host} as {role}, {visited} pages:\n" + "\n".join(problems[:40])
    assert demo.db.lastTransaction() == before, \
        f"following links (GET only) as {role} on {host} wrote to the database"


@pytest.mark.parametrize("host", [o["host"] for o in ORGANISATIONS])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_demo_passes_the_nu_html_checker(demo, vnu, host, role):
    browser = demo.browser(host)
    if ROLES[role]:
        email, password = ROLES[role]
        demo.login(browser, email.format(host=host), password)
    pages: dict[str, str] = {}
    crawl(browser, host, pages=pages)
    assert len(pages) >= 3, f"the crawl of {host} as {role} found almost nothing"
    errors = vnu(pages)
    # one line per kind of error, with the pages where it is found
    kinds: dict[str, list[str]] = {}
    for error in errors:
        path, _, what = error.partition(" line ")
        kinds.setdefault(what.partition(": ")[2], []).append(f"{path} line {what.partition(':')[0]}")
    assert not errors, f"{host} as {role}: {len(errors)} errors on {len(pages)} pages:\n" + \
        "\n".join(f"- {kind}\n  on {', '.join(where[:4])}" + (" …" if len(where) > 4 else "")
                  for kind, where in kinds.items())


def test_the_english_interface_of_the_demo_answers_too(demo):
    host = ORGANISATIONS[0]["host"]
    browser = demo.browser(host)
    browser.set_cookie("_LOCALE_", "en")
    assert "Participation spaces" in browser.get("/").text
    pages: dict[str, str] = {}
    visited, problems = crawl(browser, host, limit=100, pages=pages)
    assert not problems, "\n".join(problems[:40])
    if nu_checker_unavailable() is None:         # the tests above say why when it is not
        assert nu_html_errors(pages) == []


def test_the_markup_check_catches_what_it_is_meant_to():
    good = "<!DOCTYPE html><html lang=fr><body><p>a<br>b</p><img src=x alt=''></body></html>"
    assert check_markup(good) == []
    assert any("closes nothing" in p for p in check_markup(
        "<!DOCTYPE html><html><body><div><span></div></span></body></html>"))
    assert any("left open" in p for p in check_markup("<!DOCTYPE html><html><body><main>"))
    assert any("duplicate id" in p for p in check_markup(
        "<!DOCTYPE html><html><body><i id=a></i><b id=a></b></body></html>"))
    assert "no <!DOCTYPE html>" in check_markup("<html></html>")


def test_the_nu_checker_reports_what_it_is_meant_to(vnu):
    errors = vnu({"/bad": "<!DOCTYPE html><html lang=en><head><title>t</title></head><body>"
                          "<select required name=a><option value=a>A</option></select>"
                          "<input type=checkbox autofocus=False></body></html>",
                  "/good": "<!DOCTYPE html><html lang=en><head><title>t</title></head>"
                           "<body><p>ok</p></body></html>"})
    assert any(e.startswith("/bad") and "first “option”" in e for e in errors), errors
    assert any(e.startswith("/bad") and "autofocus" in e for e in errors), errors
    assert not any(e.startswith("/good") for e in errors), errors


def test_the_leak_check_finds_python_values_on_a_page():
    assert len(leaks("/x", "<p>None</p><td>&lt;built-in method items of dict object at 0x7f&gt;</td>"
                           "<td>&lt;beffroi.Foo object at 0x7f12&gt;</td>")) == 3
    assert leaks("/x", "<p>Nonetheless</p><p>Personne</p>") == []
    assert leaks("/-/login", '<p role="alert">None</p>') != []
