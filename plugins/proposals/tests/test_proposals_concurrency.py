"""The support limit holds when one participant sends many supports at once, through a
real waitress server with threads and the real transaction/retry machinery."""
from __future__ import annotations

import urllib.parse

import pytest

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once

HOST = "test.localhost"
BASE = "/budget/proposals/"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """Concurrent requests run with the shipped retry count (development.ini and
    production.ini: 10), not the test fixture's 3."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


@pytest.mark.parametrize("requests", [8, 50])
def test_one_participant_sending_supports_at_once_gets_at_most_the_limit(site, requests):
    site.settings(support_limit=2)
    site.user("ana@example.org")
    bob_id = site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    urls = [site.create(ana, title=f"Proposition numéro {i}").location for i in range(8)]
    bob = site.browser("bob@example.org")
    page = bob.get(urls[0])
    token = csrf_of(page)
    cookie = cookie_header(bob)
    paths = [urllib.parse.urlsplit(urls[i % 8]).path + "support" for i in range(requests)]
    server = LiveServer(site.platform.app)
    try:
        statuses = post_at_once(server.port, [(path, {"csrf_token": token}, cookie)
                                              for path in paths])
    finally:
        server.close()
    assert all(s is not None for s in statuses)
    with site.platform.tx() as app:
        container = site.container(app)
        supported = [p.number for p in container.values() if bob_id in p.supporters]
        total = sum(p.supports for p in container.values())
    assert 1 <= len(supported) <= 2
    assert total == len(supported)
    assert statuses.count(302) >= len(supported)
