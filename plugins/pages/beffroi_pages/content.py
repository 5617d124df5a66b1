"""The Page content type."""
from __future__ import annotations

import re

from beffroi.api import Content, index_content, sanitise_html, slugify, unindex_content

TAG_RE = re.compile(r"<[^>]+>")
TITLE_MAX = 150
SUMMARY_MAX = 300
BODY_MAX = 100_000


class Page(Content):
    def __init__(self, title, body, summary="", creator=None):
        super().__init__(creator)
        self.title = title
        self.body = sanitise_html(body)
        self.summary = summary

    def update(self, title, body, summary):
        self.title, self.body, self.summary = title, sanitise_html(body), summary
        self.touch()


def page_text(obj):
    """What the full-text index reads: title, summary and body without tags."""
    if not isinstance(obj, Page):
        return None
    return f"{obj.title} {obj.summary} {TAG_RE.sub(' ', obj.body)}"


def add_page(container, title, body, summary="", creator=None):
    page = Page(title, body, summary, creator)
    container.add(container.unique_name(slugify(title) or "page"), page)
    index_content(page)
    return page


def remove_page(page):
    unindex_content(page)
    page.__parent__.remove(page.__name__)
