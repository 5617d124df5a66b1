"""Following spaces, content and participants."""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi.devkit.testing import csrf_of  # noqa: E402
from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, beffroi_settings, browse_as, post_comment, site,
)


def _follow_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/-/follow"))


def test_follow_then_unfollow_an_idea(site):
    bob = browse_as(site, "bob@example.org")
    page = bob.get("/place/ideas/bench")
    form = _follow_form(page)
    assert form["action"].value == "follow"
    page = form.submit().follow()
    assert "You follow this now" in page.text
    form = _follow_form(page)
    assert form["action"].value == "unfollow"
    assert "Unfollow" in form.text
    page = form.submit().follow()
    assert "You no longer follow this" in page.text
    assert _follow_form(page)["action"].value == "follow"


def test_visitors_see_no_follow_button_and_cannot_follow(site):
    visitor = browse_as(site)
    page = visitor.get("/place/ideas/bench")
    assert not any(f.action.endswith("/-/follow") for f in page.forms.values())
    visitor.post("/-/follow", {"csrf_token": csrf_of(visitor.get("/-/login")),
                               "target": "/place/ideas/bench"}, status=403)


def test_commenting_follows_the_content(site):
    alice = browse_as(site, "alice@example.org")
    post_comment(alice, "I follow this now")
    page = alice.get("/place/ideas/bench")
    assert _follow_form(page)["action"].value == "unfollow"


def test_unknown_or_foreign_targets_are_refused(site):
    site.add_org("Other town", "other.localhost")
    site.add_space("other.localhost", "secret", "Secret", modules=["ideas"], visibility="private")
    site.add_space(HOST, "hidden", "Hidden", modules=["ideas"], visibility="private")
    bob = browse_as(site, "bob@example.org")
    token = csrf_of(bob.get("/place/ideas/bench"))
    for target in ("/nowhere", "/place/ideas/bench/comments/1", "/-/admin", "/secret",
                   "/hidden", "@nobody"):
        bob.post("/-/follow", {"csrf_token": token, "target": target}, status=404)
    from beffroi.services.follows import model as follows
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        assert follows.followed_by(org, _uid(org, "bob@example.org")) == []


def test_a_participant_can_be_followed_and_follows_are_kept_per_organisation(site):
    from beffroi.services.follows import model as follows
    from beffroi.views.layout import Helpers  # noqa: F401  (the button is tested through h)
    bob = browse_as(site, "bob@example.org")
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        alice_id = _uid(org, "alice@example.org")
    token = csrf_of(bob.get("/place/ideas/bench"))
    bob.post("/-/follow", {"csrf_token": token, "target": "@" + alice_id, "came_from": "/"},
             status=302)
    bob.post("/-/follow", {"csrf_token": token, "target": "/place"}, status=302)
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        assert follows.followers_of(org, "@" + alice_id) == {_uid(org, "bob@example.org")}
        assert sorted(follows.followed_by(org, _uid(org, "bob@example.org"))) == \
            sorted(["@" + alice_id, "/place"])


def _uid(org, email):
    return org.users.find_by_email(email).id


def test_the_settings_page_lists_what_one_follows_with_unfollow_buttons(site):
    bob = browse_as(site, "bob@example.org")
    page = bob.get("/-/account/notifications")
    assert "You follow nothing yet." in page.text
    _follow_form(bob.get("/place/ideas/bench")).submit()
    with site.tx() as app:
        alice_id = app.organisation_for_host(HOST).users.find_by_email("alice@example.org").id
    bob.post("/-/follow", {"csrf_token": csrf_of(page), "target": "@" + alice_id}, status=302)
    page = bob.get("/-/account/notifications")
    followed = page.html.find("ul", class_="followed")
    assert [li.find(["a", "span"]).text for li in followed.find_all("li")] == \
        ["A bench under the lime trees", "Alice"]
    form = next(f for f in page.forms.values()
                if f.action.endswith("/-/follow") and f["target"].value == "@" + alice_id)
    form.submit()
    page = bob.get("/-/account/notifications")
    assert [li.find(["a", "span"]).text for li in page.html.find("ul", class_="followed")
            .find_all("li")] == ["A bench under the lime trees"]


def test_a_repeated_follow_does_not_conflict_with_a_new_follower(tmp_path):
    """Commenting follows the item again: that no-op must not make the request conflict
    with another person who starts following it at the same moment (a no-op ``add`` on
    a BTree marks it read-current, which turns a mergeable write into a conflict)."""
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from beffroi.resources.organisation import Organisation
    from beffroi.services.follows.model import follow, followers_of

    db = DB(FileStorage(str(tmp_path / "Data.fs")))   # checks read-current objects
    with db.transaction() as conn:
        conn.root()["org"] = org = Organisation("Ville", "ville.localhost")
        for person in ("ana", "bob"):
            follow(org, person, "/place/ideas/bench")
    requests = []
    for _i in range(2):
        tm = transaction.TransactionManager()
        requests.append((tm, db.open(transaction_manager=tm)))
    (tm1, c1), (tm2, c2) = requests
    assert follow(c1.root()["org"], "ana", "/place/ideas/bench") is False   # already
    c1.root()["comments"] = 1                     # ... in a request that writes its comment
    assert follow(c2.root()["org"], "cleo", "/place/ideas/bench") is True
    tm2.commit()
    tm1.commit()                                  # no ConflictError
    with db.transaction() as conn:
        assert followers_of(conn.root()["org"], "/place/ideas/bench") == {"ana", "bob", "cleo"}
    db.close()


def test_a_deleted_participant_leaves_the_lists_of_those_who_followed_them(platform):
    from beffroi.services.follows.model import follow, followed_by, forget_user
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        follow(org, "bob", "@alice")
        follow(org, "bob", "/place")
        follow(org, "alice", "/place")
        forget_user(org, "alice")
        assert followed_by(org, "bob") == ["/place"]
        assert followed_by(org, "alice") == []
