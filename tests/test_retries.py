"""Write conflicts are retried, and each one is logged at DEBUG with the class of the
object in conflict (a real conflict: another connection commits the same object
while the request runs)."""
from __future__ import annotations

import logging
import pathlib
import sys

import pytest
import transaction
from pyramid.response import Response

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi import hookimpl  # noqa: E402
from test_comments_support import HOST, IdeasPlugin, browse_as, site  # noqa: E402,F401

from beffroi.devkit.testing import csrf_of  # noqa: E402


def collide_view(context, request):
    """Bump the idea's counter; meanwhile another connection bumps it too (on the first
    ``collide`` attempts), so the commit of this request conflicts."""
    context.bumps = getattr(context, "bumps", 0) + 1
    if int(request.environ.get("retry.attempt", 0)) < int(request.POST.get("collide", 0)):
        tm = transaction.TransactionManager()
        conn = request.registry._zodb_databases[""].open(transaction_manager=tm)
        with tm:
            from beffroi.resources.root import get_app_root
            idea = get_app_root(conn).organisation_for_host(HOST).spaces["place"]["ideas"]["bench"]
            idea.bumps = getattr(idea, "bumps", 0) + 1
        conn.close()
    return Response("bumped")


class CollidePlugin(IdeasPlugin):
    @hookimpl
    def on_configure(self, config):
        from test_comments_support import Idea
        super().on_configure(config)
        config.add_view(collide_view, context=Idea, name="collide", request_method="POST")


@pytest.fixture
def beffroi_settings(beffroi_db):
    return {"beffroi.db": beffroi_db, "beffroi.secret": "test-secret-" + "x" * 40,
            "pyramid.default_locale_name": "en", "retry.attempts": "3",
            "beffroi.extra_plugins": [("ideas_test", CollidePlugin())]}


def _bumps(site):
    with site.tx() as app:
        return app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].bumps


def test_a_conflict_is_retried_and_logged_with_the_object_class(site, caplog):
    caplog.set_level(logging.DEBUG, logger="beffroi.ops.retries")
    browser = browse_as(site, "alice@example.org")
    token = csrf_of(browser.get("/-/notifications"))
    page = browser.post("/place/ideas/bench/collide", {"csrf_token": token, "collide": "1"})
    assert page.text == "bumped"
    assert _bumps(site) == 2                         # the other write and the retried one
    messages = [r.getMessage() for r in caplog.records if r.name == "beffroi.ops.retries"]
    assert any(m.startswith("conflict on test_comments_support.Idea (attempt 1 of 3) POST")
               for m in messages), messages
    assert not any(r.levelno >= logging.WARNING for r in caplog.records
                   if r.name == "beffroi.ops.retries")


def test_a_request_that_conflicts_on_every_attempt_is_told_to_try_again_and_logged(site, caplog):
    caplog.set_level(logging.DEBUG, logger="beffroi.ops.retries")
    browser = browse_as(site, "alice@example.org")
    token = csrf_of(browser.get("/-/notifications"))
    page = browser.post("/place/ideas/bench/collide", {"csrf_token": token, "collide": "9"},
                        status=503)
    assert "Nothing was saved: please try again." in page.text
    assert page.headers["Retry-After"] == "1"
    assert _bumps(site) == 3                         # only the other connection's writes
    warnings = [r.getMessage() for r in caplog.records
                if r.name == "beffroi.ops.retries" and r.levelno == logging.WARNING]
    assert warnings == ["conflict on test_comments_support.Idea after 3 attempts, giving up: "
                        "POST /place/ideas/bench/collide"]
