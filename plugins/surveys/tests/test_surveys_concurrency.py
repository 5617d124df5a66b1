"""One answer per participant holds when one person sends the same questionnaire 20
times at once, through a real waitress server with threads and the real
transaction/retry machinery."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """Concurrent requests run with the shipped retry count (development.ini and
    production.ini: 10), not the test fixture's 3."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


def test_twenty_simultaneous_submissions_by_one_person_count_once(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "single", "Couleur", options="Rouge\nVert")
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    user_id = site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    token = csrf_of(ana.get(url))
    fields = {"csrf_token": token, "q1": "0", "q2": "bonjour"}
    server = LiveServer(site.platform.app)
    try:
        statuses = post_at_once(server.port, [(url, fields, cookie_header(ana))] * 20)
    finally:
        server.close()
    assert all(s == 302 for s in statuses), statuses
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        assert survey.count() == 1 and len(survey.responses) == 1
        assert list(survey.answered.keys()) == [user_id]
        assert survey.tally.get(1 * 4096 + 1) == 1          # "Rouge" counted once
        assert len(survey.texts_of(2)) == 1
    assert "Vous avez répondu à ce questionnaire" in ana.get(url).text
