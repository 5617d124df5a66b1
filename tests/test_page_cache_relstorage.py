"""The anonymous page cache (``beffroi.views.pagecache``) over RelStorage (its SQLite
adapter: the same MVCC behaviour as PostgreSQL). The database object of a RelStorage
never polls, so its ``lastTransaction()`` stays where it was at start-up: the cache
must learn of commits from the connections of the requests."""
from __future__ import annotations

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, beffroi_settings, browse_as, site,
)

PAGE = "/place/ideas/bench"


@pytest.fixture
def beffroi_db(tmp_path):
    import ZODB
    from relstorage.adapters.sqlite.adapter import Sqlite3Adapter
    from relstorage.options import Options
    from relstorage.storage import RelStorage
    options = Options(keep_history=False, blob_dir=str(tmp_path / "blobs"),
                      shared_blob_dir=True)
    adapter = Sqlite3Adapter(str(tmp_path / "rs"), {}, options=options)
    db = ZODB.DB(RelStorage(adapter, options=options))
    yield db
    db.close()


def test_a_change_made_here_is_seen_by_the_next_visitor(site):
    """A moderator hides a comment, an admin renames or closes a space: visitors see it
    at once, not a minute later."""
    browse_as(site).get(PAGE)
    assert "A bench under the lime trees" in browse_as(site).get(PAGE).text   # kept
    with site.tx() as app:
        app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].title = "A new bench"
    browse_as(site, "bob@example.org").get("/place")      # any request of this process
    assert "A new bench" in browse_as(site).get(PAGE).text


def test_a_change_made_by_a_request_is_seen_by_the_next_visitor(site):
    browse_as(site).get("/place")
    browse_as(site).get("/place")
    with site.tx() as app:
        app.organisation_for_host(HOST).spaces["place"].title = "The market square"
    bob = browse_as(site, "bob@example.org")
    assert "The market square" in bob.get("/place").text
    assert "The market square" in browse_as(site).get("/place").text
