"""Verifications under concurrent requests, through a real waitress server with threads
and the real transaction/retry machinery: people verifying at once all get verified
(their records are different keys), and one census line claimed by two accounts at once
verifies exactly one."""
from __future__ import annotations


import pytest

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """The retry count of production.ini and development.ini (10)."""
    return {**beffroi_settings, "retry.attempts": "10"}


def _verify_all(port, people):
    """``people``: (cookie, token, number, birth); all POST the census form at once."""
    return post_at_once(port, [
        ("/-/account/verify-census",
         [("_charset_", "UTF-8"), ("__formid__", "deform"), ("csrf_token", token),
          ("document_number", number), ("birth_date", birth), ("came_from", ""),
          ("send", "send")],
         cookie)
        for cookie, token, number, birth in people], host=h.HOST)


def _session(town, email):
    browser = town.participant(email)
    token = csrf_of(browser.get("/-/account/verify-census"))
    return cookie_header(browser), token


def test_people_verifying_at_once_are_all_verified_and_one_identity_verifies_one_account(platform):
    town = h.Town(platform)
    town.offer("census")
    count = 16
    lines = "\n".join(f"DOC{i:06d};1980-01-{i + 1:02d};59000;Centre" for i in range(count))
    town.upload_census("document_number;birth_date;postal_code;district\n" + lines + "\n")
    people = []
    for i in range(count):
        cookie, token = _session(town, f"p{i}@example.org")
        people.append((cookie, token, f"DOC{i:06d}", f"1980-01-{i + 1:02d}"))
    # two more accounts claim the same line, at the same moment as everyone else
    for email in ("twin1@example.org", "twin2@example.org"):
        cookie, token = _session(town, email)
        people.append((cookie, token, "DOC000000", "1980-01-01"))
    server = LiveServer(platform.app)
    try:
        statuses = _verify_all(server.port, people)
    finally:
        server.close()
    assert all(s in (200, 302) for s in statuses), statuses
    from beffroi.services.verification.model import granted_verifications, store_of
    with platform.tx() as app:
        org = app.organisation_for_host(h.HOST)
        granted = {u.email for u in org.users.values()
                   if "census" in granted_verifications(org, u.id)}
        claims = len(store_of(org).claims)
    assert {f"p{i}@example.org" for i in range(1, count)} <= granted
    line_zero = granted & {"p0@example.org", "twin1@example.org", "twin2@example.org"}
    assert len(line_zero) == 1, line_zero
    assert len(granted) == count and claims == count
