"""Rich text is sanitised with nh3 on the way in: only a safe subset of HTML is kept.

nh3 removes unsafe attributes but keeps their element: ``<a href="javascript:…">x</a>``
becomes ``<a rel="…">x</a>`` and ``<img src="data:…" alt="y">`` an ``<img alt="y">``,
both invalid HTML (a link that goes nowhere, an image without a source). Such elements
are then unwrapped (their text stays) or dropped (void elements): see ``REQUIRED``.
"""
from __future__ import annotations

from html.parser import HTMLParser

import nh3

TAGS = {"p", "br", "strong", "em", "b", "i", "u", "s", "a", "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
        "img", "figure", "figcaption"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"scope"},
              "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
#: Element → the attribute it is meaningless without; void elements are dropped, others
#: unwrapped (their content kept).
REQUIRED = {"a": "href", "img": "src"}
VOID = {"img", "br", "hr"}


class _Pruner(HTMLParser):
    """Re-emits nh3's (well-formed, normalised) output token by token, without the
    elements that lost their required attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.unwrapped: dict[str, int] = {}     # tag → how many open ones were unwrapped
        self.open: dict[str, list[bool]] = {}   # tag → stack of "was kept" flags

    def handle_starttag(self, tag, attrs):
        needed = REQUIRED.get(tag)
        kept = needed is None or bool(dict(attrs).get(needed))
        if tag not in VOID:
            self.open.setdefault(tag, []).append(kept)
        if kept:
            self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        needed = REQUIRED.get(tag)
        if needed is None or dict(attrs).get(needed):
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        stack = self.open.get(tag)
        kept = stack.pop() if stack else True
        if kept:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def _drop_hollow_elements(html: str) -> str:
    if not any(f"<{tag}" in html for tag in REQUIRED):
        return html
    pruner = _Pruner()
    pruner.feed(html)
    pruner.close()
    return "".join(pruner.out)


def sanitise_html(html: str, tags: set[str] = TAGS, attributes: dict = ATTRIBUTES,
                  link_rel: str = LINK_REL) -> str:
    """Clean ``html`` so it can be shown as is: no scripts, no event handlers, no styles,
    only ``tags`` with their allowed ``attributes``, links with ``rel=link_rel``, and no
    element left without its required attribute (a link without ``href``, an image
    without ``src``). Returns a string of valid HTML (empty for None)."""
    cleaned = nh3.clean(html or "", tags=tags, attributes=attributes, url_schemes=URL_SCHEMES,
                        link_rel=link_rel)
    return _drop_hollow_elements(cleaned)


# --- Markdown, in two profiles ---------------------------------------------------------------

#: What participants' short texts (comments) may hold: no headings, tables or images.
COMMENT_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}}
#: Links written by participants tell search engines they are user content (``ugc``).
UGC_REL = "noopener noreferrer nofollow ugc"
PROFILES = ("comment", "body")

_PARSERS = __import__("threading").local()


def _parser(profile):
    # building a Markdown parser costs ~5 ms; one per thread and profile is reused
    parser = getattr(_PARSERS, profile, None)
    if parser is None:
        import markdown
        parser = markdown.Markdown(extensions=["sane_lists"] if profile == "comment" else [],
                                   output_format="html")
        setattr(_PARSERS, profile, parser)
    return parser.reset()


def render_markdown(text: str, profile: str = "comment") -> str:
    """Markdown → sanitised HTML. ``profile`` is ``"comment"`` (a small allow-list, links
    marked ``ugc``) or ``"body"`` (the rich-text allow-list of ``sanitise_html``; raw HTML
    typed in the Markdown is shown as text). Raises ``ValueError`` on another profile."""
    if profile not in PROFILES:
        raise ValueError(f"unknown Markdown profile {profile!r}; use one of {PROFILES}")
    if profile == "comment":
        return sanitise_html(_parser(profile).convert(text or ""), tags=COMMENT_TAGS,
                             attributes=COMMENT_ATTRIBUTES, link_rel=UGC_REL)
    return sanitise_html(_parser(profile).convert((text or "").replace("<", "&lt;")))
