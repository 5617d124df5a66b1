"""Databases and organisation exports made by an earlier layout of the core still load.

``tests/data/layout1`` was written by the core before it was regrouped by feature
(every service a flat module right under the ``beffroi`` package: comments, follows,
moderation, notifications, mail, actionlog): the demo, two comments, a follow, a report, a notification, an
action-log entry and a queued mail; ``commune-export.zip`` is that commune exported.
"""
import shutil
from pathlib import Path

import transaction
from ZODB.FileStorage import FileStorage

from beffroi.app import make_config
from beffroi.persistence import Database
from beffroi.devkit.testing import Platform

DATA = Path(__file__).with_name("data") / "layout1"


def open_copy(tmp_path):
    shutil.copy(DATA / "Data.fs", tmp_path / "Data.fs")
    return Database(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))


def test_a_database_of_the_previous_layout_opens_and_serves(tmp_path):
    db = open_copy(tmp_path)
    site = Platform(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app(), db)
    with site.tx() as app:
        org = app.organisation_for_host("commune.localhost")
        proposals = org.spaces["place-du-marche"]["proposals"]
        from beffroi.api import comment_count, is_following
        commented = [p for p in proposals.values() if comment_count(p)]
        assert len(commented) == 1
        [comment, reply] = sorted(commented[0].comments.values(), key=lambda c: c.created)
        assert type(comment).__name__ == "Comment" and "arbres" in comment.body
        user = org.users.find_by_email("habitant@commune.localhost")
        assert is_following(org, user.id, org.spaces["place-du-marche"])
        from beffroi.api import is_hidden
        assert not is_hidden(comment)             # one report: under the threshold
        for part in org.__dict__.values():        # every store made by a moved module loads
            getattr(part, "_p_activate", lambda: None)()
        from beffroi.services.mail.queue import get_outbox
        outbox = get_outbox(app._p_jar, create=False)      # the queued mail is still there
        assert [m.subject for m in outbox.pending.values()] == ["Bienvenue"]
    page = site.browser("commune.localhost").get(
        "/place-du-marche/proposals/" + commented[0].__name__)
    assert "avec des arbres" in page.text
    db.close()


def test_an_export_of_the_previous_layout_imports(tmp_path, capsys):
    from beffroi.cli import main
    folder = tmp_path / "own"
    folder.mkdir()
    ini = folder / "site.ini"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\nzodbconn.uri = file://{folder}/Data.fs"
                   f"?blobstorage_dir={folder}/blobs\n")
    code = main(["-c", str(ini), "org", "import", str(DATA / "commune-export.zip"),
                 "--host", "participer.commune.localhost"], out=lambda line: None)
    assert code == 0, capsys.readouterr().err
    db = Database(FileStorage(str(folder / "Data.fs"), blob_dir=str(folder / "blobs")))
    site = Platform(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app(), db)
    listing = site.browser("participer.commune.localhost").get("/place-du-marche/proposals/")
    assert listing.status_int == 200
    with site.tx() as app:
        org = app.organisation_for_host("participer.commune.localhost")
        from beffroi.api import comment_count
        assert sum(comment_count(p) for p in org.spaces["place-du-marche"]["proposals"].values()) == 2
    db.close()
    transaction.abort()
