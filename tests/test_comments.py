"""Comments on a commentable content type, through the browser."""
from __future__ import annotations

from beffroi.testing import csrf_of

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from test_comments_support import (  # noqa: F401  (fixtures)
    HOST, beffroi_settings, browse_as, comment_form, comment_ids, post_comment, site,
)


def test_a_participant_comments_with_an_alignment_and_others_see_it(site):
    alice = browse_as(site, "alice@example.org")
    response = post_comment(alice, "We need **shade** here.", alignment="1")
    assert response.status_int == 302
    assert response.location.endswith("/place/ideas/bench/#comment-1")
    page = browse_as(site).get("/place/ideas/bench")
    assert "<strong>shade</strong>" in page.text
    assert "In favour" in page.text
    assert "Alice" in page.text
    assert "Log in to comment" in page.text          # visitors cannot comment


def test_a_visitor_cannot_post_a_comment(site):
    visitor = browse_as(site)
    page = visitor.get("/place/ideas/bench")
    assert not any(f.action.endswith("/comment") for f in page.forms.values())
    visitor.post("/place/ideas/bench/comment", {"body": "hi", "csrf_token": csrf_of(visitor.get("/-/login"))},
                 status=403)
    assert comment_ids(visitor.get("/place/ideas/bench")) == []


def test_a_get_never_creates_the_comment_folder(site):
    browse_as(site, "alice@example.org").get("/place/ideas/bench")
    before = site.db.lastTransaction()
    browse_as(site).get("/place/ideas/bench")
    assert site.db.lastTransaction() == before
    with site.tx() as app:
        idea = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"]
        assert getattr(idea, "comments", None) is None
