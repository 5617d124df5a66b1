"""Supports hold under concurrent requests, through a real waitress server with threads
and the real transaction/retry machinery: 20 people at once are all counted, one person
sending many supports at once is counted once."""
from __future__ import annotations

import urllib.parse

import pytest

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """Concurrent requests run with the shipped retry count (development.ini and
    production.ini: 10), not the test fixture's 3."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


def _post_all(port, path, sessions):
    """POST ``path`` once per (cookie, token) of ``sessions``, all at the same moment."""
    return post_at_once(port, [(path, {"csrf_token": token}, cookie)
                               for cookie, token in sessions])


def _session(site, email, url):
    browser = site.browser(email)
    token = csrf_of(browser.get(url))
    return cookie_header(browser), token


def test_twenty_people_supporting_at_once_are_all_counted_and_one_person_once(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org")
    made = site.suggest(site.browser("ana@example.org"), url, "article-2-la-proprete", "",
                        "Des poubelles de tri à chaque coin de rue.")
    path = urllib.parse.urlsplit(made.location).path
    people = []
    for i in range(20):
        email = f"p{i}@example.org"
        site.user(email)
        people.append(_session(site, email, path))
    site.user("bob@example.org")              # not the author: authors support nothing of theirs
    same = [_session(site, "bob@example.org", path)] * 8
    server = LiveServer(site.platform.app)
    try:
        statuses = _post_all(server.port, path + "support", people)
        repeated = _post_all(server.port, path + "support", same)
    finally:
        server.close()
    assert statuses == [302] * 20
    assert all(s == 302 for s in repeated)          # refusals are messages, not errors
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        suggestion = text.get("s1")
        assert suggestion.supports == 21 == len(suggestion.supporters)
    page = site.browser().get(path)
    assert page.html.select_one(".support-count").text.strip().endswith("21")
