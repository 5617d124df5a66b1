"""Static accessibility checks of a rendered page, without a browser.

``assert_accessible(html)`` fails with the list of problems a parser can see in the
HTML alone: a well-formed document, ``lang`` on ``<html>``, one ``<h1>`` and headings
without skipped levels, labelled form controls, ``alt`` on images, links and buttons
with text, unique ids, and no inline script or inline style (the Content Security
Policy forbids both). Also what HTML_CodeSniffer and the Nu checker report on forms: a
``<fieldset>`` needs a ``<legend>`` (H71), a ``<form>`` a submit button (H32), a
``<table>`` a ``<caption>``, a required ``<select>`` an empty first option, at most one
``autofocus``, and personal fields (e-mail, password) their ``type`` and
``autocomplete`` token (WCAG 1.3.5). Colour contrast, focus order and the like need a browser (axe).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: Elements whose end tag HTML lets an author leave out: closed implicitly.
OPTIONAL_END = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot colgroup rt rp".split())
#: Elements that close an open <p> when they start (HTML's "p closes on block" rule).
CLOSES_P = frozenset((
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul").split())
CONTROLS = frozenset(("input", "select", "textarea"))
#: Input types that always need an ``autocomplete`` token (WCAG 1.3.5, password managers).
PERSONAL_INPUT_TYPES = frozenset(("email", "password"))
UNLABELLED_INPUT_TYPES = frozenset(("hidden", "submit", "reset", "button", "image"))
EVENT_PREFIX = "on"


class AccessibilityError(AssertionError):
    """The page has accessibility problems; the message lists each one with its line."""


@dataclass
class _Open:
    tag: str
    line: int
    attrs: dict
    text: list = field(default_factory=list)
    has_labelled_child: bool = False
    #: what was found inside: "legend" (first child of a fieldset), "submit", "caption"
    found: set = field(default_factory=set)


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[_Open] = []
        self.html_lang = None
        self.saw_html = False
        self.headings: list[tuple[int, int, str]] = []   # (level, line, text)
        self.ids: dict[str, int] = {}
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict, int, bool]] = []  # tag, attrs, line, inside label
        self.aria_ids: list[tuple[str, int]] = []
        self.autofocus: list[int] = []
        self.required_select: _Open | None = None    # waiting for its first <option>

    # -- helpers ---------------------------------------------------------------------
    def problem(self, line, message):
        self.problems.append(f"line {line}: {message}")

    def inside(self, tag):
        return any(o.tag == tag for o in self.stack)

    def _close_to(self, tag, line):
        """Pop up to and including ``tag``; elements with optional end tags close quietly."""
        while self.stack:
            top = self.stack.pop()
            self._finish(top)
            if top.tag == tag:
                return
            if top.tag not in OPTIONAL_END:
                self.problem(top.line, f"<{top.tag}> is not closed before </{tag}> (line {line})")

    # -- parser callbacks ------------------------------------------------------------
    def handle_starttag(self, tag, attrs_list):
        line = self.getpos()[0]
        attrs = {}
        for name, value in attrs_list:
            if name in attrs:
                self.problem(line, f"<{tag}> has the attribute {name!r} twice")
            attrs[name] = value if value is not None else ""
        if self.stack and self.stack[-1].tag == "p" and tag in CLOSES_P:
            self._finish(self.stack.pop())
        if self.stack and tag in ("li", "dt", "dd", "tr", "td", "th", "option") \
                and self.stack[-1].tag == tag:
            self._finish(self.stack.pop())
        self._check_attributes(tag, attrs, line)
        self._check_form_parts(tag, attrs, line)
        if tag == "html":
            self.saw_html = True
            self.html_lang = attrs.get("lang", "").strip()
        if tag in CONTROLS:
            self.controls.append((tag, attrs, line, self.inside("label")))
        if tag == "img":
            if "alt" not in attrs:
                self.problem(line, f"<img src={attrs.get('src', '')!r}> has no alt attribute "
                             f"(use alt=\"\" for a decorative image)")
            if self.stack:
                # an image's alt text names the link or button it sits in
                self.stack[-1].text.append(attrs.get("alt", ""))
        if tag in VOID:
            return
        self.stack.append(_Open(tag, line, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:     # <div/> is not self-closing in HTML
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if tag in VOID:
            return
        if not any(o.tag == tag for o in self.stack):
            if tag != "p":      # </p> alone is tolerated by browsers, but still a mistake
                self.problem(line, f"</{tag}> closes nothing")
            else:
                self.problem(line, "</p> without an open <p> (a block inside a paragraph?)")
            return
        self._close_to(tag, line)

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].text.append(data)

    # -- checks ----------------------------------------------------------------------
    def _check_attributes(self, tag, attrs, line):
        if "style" in attrs:
            self.problem(line, f"<{tag}> has an inline style attribute (the CSP forbids it: "
                         f"use a class in the skin's CSS)")
        events = [a for a in attrs if a.startswith(EVENT_PREFIX) and len(a) > 2]
        if events:
            self.problem(line, f"<{tag}> has inline event handler(s) {events} (the CSP forbids "
                         f"inline scripts)")
        if tag == "a" and attrs.get("href", "").strip().lower().startswith("javascript:"):
            self.problem(line, "<a href=\"javascript:…\"> is an inline script")
        if "id" in attrs:
            ident = attrs["id"]
            if ident in self.ids:
                self.problem(line, f"id {ident!r} is used twice (first on line {self.ids[ident]})")
            else:
                self.ids[ident] = line
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        for attr in ("aria-labelledby", "aria-describedby"):
            for ident in attrs.get(attr, "").split():
                self.aria_ids.append((ident, line))

    def _nearest(self, tag):
        return next((o for o in reversed(self.stack) if o.tag == tag), None)

    def _check_form_parts(self, tag, attrs, line):
        if tag == "legend" and self.stack and self.stack[-1].tag == "fieldset":
            self.stack[-1].found.add("legend")
        if tag == "caption" and self.stack and self.stack[-1].tag == "table":
            self.stack[-1].found.add("caption")
        kind = attrs.get("type", "").lower()
        form = self._nearest("form")
        if form is not None and ((tag == "button" and kind in ("", "submit"))
                                 or (tag == "input" and kind in ("submit", "image"))):
            form.found.add("submit")
        if "autofocus" in attrs:
            self.autofocus.append(line)
            if attrs["autofocus"].lower() not in ("", "autofocus"):
                self.problem(line, f"<{tag}> has autofocus={attrs['autofocus']!r} (a boolean "
                                   f"attribute: any value turns it on)")
        if tag == "select" and "required" in attrs and "multiple" not in attrs \
                and attrs.get("size", "1") in ("", "1"):
            self.required_select = _Open(tag, line, attrs)
        elif tag == "option" and self.required_select is not None:
            if attrs.get("value", None) not in ("", None):
                self.problem(line, f"required <select name={self.required_select.attrs.get('name', '')!r}> "
                                   f"starts with a real choice: add an empty first option")
            self.required_select = None
        if tag == "input":
            name = attrs.get("name", "").lower()
            if "email" in name and kind in ("", "text"):
                self.problem(line, f"<input name={name!r}> is an e-mail field of type "
                                   f"{kind or 'text'!r}: use type=\"email\"")
            if kind in PERSONAL_INPUT_TYPES and not attrs.get("autocomplete"):
                self.problem(line, f"<input type={kind!r} name={name!r}> has no autocomplete "
                                   f"token (WCAG 1.3.5: email, username, current-password…)")

    def _finish(self, node: _Open):
        text = " ".join("".join(node.text).split())
        if self.stack:
            # the text of an element counts for its ancestors too (a link's <span>)
            self.stack[-1].text.append(" " + text + " ")
        tag, attrs, line = node.tag, node.attrs, node.line
        if tag == "script":
            if "src" not in attrs and text and attrs.get("type") not in (
                    "application/json", "application/ld+json"):
                self.problem(line, "inline <script> (the CSP forbids it: serve a .js file)")
        elif tag == "style":
            self.problem(line, "inline <style> element (the CSP forbids it: use the skin's CSS)")
        elif tag == "fieldset" and "legend" not in node.found:
            self.problem(line, "<fieldset> has no <legend> (H71): name the group with one, "
                               "or use no fieldset")
        elif tag == "form" and "submit" not in node.found:
            self.problem(line, f"<form action={attrs.get('action', '')!r}> has no submit "
                               f"button (H32)")
        elif tag == "table" and "caption" not in node.found \
                and attrs.get("role") not in ("presentation", "none"):
            self.problem(line, "<table> has no <caption> saying what it lists")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append((int(tag[1]), line, text))
            if not text:
                self.problem(line, f"<{tag}> is empty")
        elif tag in ("a", "button"):
            named = text or attrs.get("aria-label", "").strip() or attrs.get("aria-labelledby") \
                or attrs.get("title", "").strip()
            if tag == "a" and "href" not in attrs:
                return          # an anchor without href is not a link
            if not named:
                self.problem(line, f"<{tag}> has no text (add text, or aria-label for an icon)")

    def close(self):
        super().close()
        for node in reversed(self.stack):
            if node.tag not in OPTIONAL_END and node.tag not in ("html", "body", "head"):
                self.problem(node.line, f"<{node.tag}> is never closed")
            self._finish(node)
        self.stack = []
        if not self.saw_html:
            self.problem(1, "no <html> element")
        elif not self.html_lang:
            self.problem(1, "<html> has no lang attribute (screen readers need the language)")
        self._check_headings()
        if len(self.autofocus) > 1:
            self.problem(self.autofocus[1], f"{len(self.autofocus)} elements have autofocus "
                                            f"(lines {self.autofocus}); at most one may")
        for tag, attrs, cline, in_label in self.controls:
            if tag == "input" and attrs.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
                continue
            if in_label or attrs.get("aria-label", "").strip() or attrs.get("aria-labelledby") \
                    or attrs.get("id") in self.label_for and attrs.get("id"):
                continue
            self.problem(cline, f"<{tag} name={attrs.get('name', '')!r}> has no label (add "
                         f"<label for=\"…\">, or aria-label)")
        for ident, aline in self.aria_ids:
            if ident not in self.ids:
                self.problem(aline, f"aria reference to id {ident!r}, which is not on the page")
        for ident in sorted(self.label_for - set(self.ids)):
            self.problem(1, f"<label for={ident!r}> names no element of the page (a group of "
                            f"checkboxes needs role=group and aria-labelledby instead)")

    def _check_headings(self):
        h1 = [h for h in self.headings if h[0] == 1]
        if len(h1) != 1:
            self.problem(h1[1][1] if len(h1) > 1 else 1,
                         f"the page has {len(h1)} <h1> elements; it needs exactly one")
        previous = 0
        for level, line, text in self.headings:     # in document order (headings don't nest)
            if level > previous + 1:
                self.problem(line, f"<h{level}> {text[:40]!r} skips a level (after "
                             f"{'<h%d>' % previous if previous else 'the start of the page'})")
            previous = level


def accessibility_problems(html: str) -> list[str]:
    """Every problem found in ``html``, as readable lines (empty when the page passes)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def assert_accessible(html) -> None:
    """Fail with every problem found when ``html`` (a string or a webtest response)
    is not well-formed or has an accessibility violation a parser can see."""
    text = getattr(html, "text", html)
    problems = accessibility_problems(text)
    if problems:
        raise AccessibilityError(
            f"{len(problems)} accessibility problem(s):\n  " + "\n  ".join(problems))

