"""Comments on a commentable content type, through the browser."""
from __future__ import annotations

from beffroi.devkit.testing import csrf_of

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from test_comments_support import (  # noqa: F401  (fixtures)
    HOST, beffroi_settings, browse_as, comment_form, comment_ids, name_of, post_comment, site,
)


def test_a_participant_comments_with_an_alignment_and_others_see_it(site):
    alice = browse_as(site, "alice@example.org")
    response = post_comment(alice, "We need **shade** here.", alignment="1")
    assert response.status_int == 302
    assert response.location.startswith("http://test.localhost/place/ideas/bench/#comment-")
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


def _reply(browser, to, text):
    return post_comment(browser, text, reply_to=to)


def test_replies_go_three_levels_deep_and_no_further(site):
    alice = browse_as(site, "alice@example.org")
    bob = browse_as(site, "bob@example.org")
    one = name_of(post_comment(alice, "Level one"))
    two = name_of(_reply(bob, one, "Level two"))
    three = name_of(_reply(alice, two, "Level three"))
    page = bob.get("/place/ideas/bench")
    assert comment_ids(page) == [one, two, three]
    assert "comment-depth-2" in page.text
    def reply_link(n):
        return page.html.find(id=f"comment-{n}").find(
            "a", href=lambda h: h and h.endswith(f"comment?reply_to={n}"))
    assert reply_link(one) is not None and reply_link(two) is not None
    assert reply_link(three) is None           # no reply on the third level
    refused = bob.post("/place/ideas/bench/comment",
                       {"csrf_token": csrf_of(page), "body": "Level four", "alignment": "0",
                        "reply_to": three}, status=400)
    assert "three levels deep at most" in refused.text
    assert "Level four" in refused.text      # what was typed is kept
    page = bob.get(f"/place/ideas/bench/comment?reply_to={two}")
    assert "Level two" in page.html.find("blockquote").text   # the answered comment is quoted
    assert comment_ids(bob.get("/place/ideas/bench")) == [one, two, three]


def test_each_participant_votes_once_and_can_withdraw(site):
    alice = browse_as(site, "alice@example.org")
    name = name_of(post_comment(alice, "Vote on me"))
    for email in ("bob@example.org", "carol@example.org"):
        voter = browse_as(site, email)
        page = voter.get("/place/ideas/bench")
        form = next(f for f in page.forms.values() if f.action.endswith(f"/comments/{name}/vote"))
        form.submit("vote", value="up")
        form.submit("vote", value="up")           # the same vote again withdraws it…
        form.submit("vote", value="up")           # …and once more puts it back
    bob = browse_as(site, "bob@example.org")
    page = bob.get("/place/ideas/bench")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/comments/{name}/vote"))
    form.submit("vote", value="down")             # Bob changes his mind
    with site.tx() as app:
        comment = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].comments[name]
        assert (comment.up(), comment.down()) == (1, 1)
    # the author cannot vote on their own comment
    page = alice.get("/place/ideas/bench")
    alice.post(f"/place/ideas/bench/comments/{name}/vote",
               {"csrf_token": csrf_of(page), "vote": "up"}).follow()
    with site.tx() as app:
        comment = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].comments[name]
        assert comment.up() == 1


def test_only_the_author_edits_or_deletes_and_replies_survive_deletion(site):
    alice = browse_as(site, "alice@example.org")
    bob = browse_as(site, "bob@example.org")
    name = name_of(post_comment(alice, "First version", alignment="-1"))
    _reply(bob, name, "An answer")
    # Bob may not edit nor delete Alice's comment
    page = bob.get("/place/ideas/bench")
    bob.get(f"/place/ideas/bench/comments/{name}/edit", status=403)
    bob.post(f"/place/ideas/bench/comments/{name}/delete", {"csrf_token": csrf_of(page)}, status=403)
    # Alice edits hers
    page = alice.get(f"/place/ideas/bench/comments/{name}/edit")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/comments/{name}/edit"))
    assert form["body"].value == "First version"
    form["body"] = "Second version"
    form["alignment"] = "1"
    form.submit().follow()
    page = bob.get("/place/ideas/bench")
    assert "Second version" in page.text and "First version" not in page.text
    assert "(edited)" in page.text
    # then deletes it: the reply stays
    page = alice.get("/place/ideas/bench")
    alice.post(f"/place/ideas/bench/comments/{name}/delete", {"csrf_token": csrf_of(page)})
    page = bob.get("/place/ideas/bench")
    assert "Comment deleted" in page.text
    assert "Second version" not in page.text
    assert "An answer" in page.text
    with site.tx() as app:
        from beffroi.services.comments.model import comment_count
        assert comment_count(app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"]) == 1


def test_markdown_is_sanitised(site):
    alice = browse_as(site, "alice@example.org")
    post_comment(alice, 'Hi <script>alert("x")</script> [site](javascript:alert(1)) '
                        '<img src=x onerror=alert(2)> [ok](https://example.org) *fine*')
    page = browse_as(site).get("/place/ideas/bench")
    assert "<script>alert" not in page.text
    assert "javascript:" not in page.text
    assert "onerror" not in page.text
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow ugc">ok</a>' in page.text
    assert "<em>fine</em>" in page.text


def test_too_long_a_comment_is_refused_with_a_message_next_to_the_field(site):
    alice = browse_as(site, "alice@example.org")
    response = post_comment(alice, "x" * 1001, alignment="1")
    assert response.status_int == 400
    field = response.html.find("textarea", attrs={"name": "body"})
    assert field.text == "x" * 1001                    # what was typed is kept
    error = response.html.find(id=field["aria-describedby"].split()[-1])
    assert "1001 characters long; the limit is 1000" in error.text
    assert response.html.find("input", attrs={"name": "alignment", "value": "1"}).has_attr("checked")
    assert comment_ids(alice.get("/place/ideas/bench")) == []
    assert post_comment(alice, "x" * 1000).status_int == 302


def test_closed_comments_stay_readable_but_take_no_more(site):
    alice = browse_as(site, "alice@example.org")
    post_comment(alice, "Before closing")
    with site.tx() as app:
        app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].is_open = False
    page = alice.get("/place/ideas/bench")
    assert "Before closing" in page.text and "Comments are closed." in page.text
    alice.post("/place/ideas/bench/comment", {"csrf_token": csrf_of(page), "body": "After",
                                              "alignment": "0"}, status=400)
    assert "After" not in alice.get("/place/ideas/bench").text


def test_comments_are_reported_through_moderation_and_hidden_at_the_threshold(site):
    site.add_user(HOST, "dan@example.org", "Dan")
    alice = browse_as(site, "alice@example.org")
    name = name_of(post_comment(alice, "Rude words"))
    assert "Report" not in alice.get("/place/ideas/bench").html.find(id=f"comment-{name}").text
    for email in ("bob@example.org", "carol@example.org", "dan@example.org"):
        browser = browse_as(site, email)
        page = browser.get("/place/ideas/bench")
        form = next(f for f in page.forms.values() if f.action.endswith(f"/comments/{name}/report"))
        form["reason"] = "spam"
        form.submit().follow()
    page = browse_as(site).get("/place/ideas/bench")
    assert "This comment was hidden by moderation." in page.text
    assert "Rude words" not in page.text
    page = alice.get("/place/ideas/bench")
    alice.post(f"/place/ideas/bench/comments/{name}/edit", {"csrf_token": csrf_of(page), "body": "x",
                                                      "alignment": "0"}, status=410)


def _bench(conn):
    from beffroi.resources.root import get_app_root
    org = get_app_root(conn).organisation_for_host(HOST)
    return org, org.spaces["place"]["ideas"]["bench"]


def test_two_people_commenting_one_item_at_once_do_not_conflict(site):
    import transaction

    from beffroi.services.comments.model import add_comment, comment_count
    post_comment(browse_as(site, "alice@example.org"), "The folder exists")
    uids = []
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        uids = [u.id for u in org.users.values()][:2]
    managers = [transaction.TransactionManager() for _i in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    for conn, uid in zip(conns, uids):
        org, bench = _bench(conn)
        add_comment(bench, org, uid, f"At the same time, from {uid}")
    for tm in managers:
        tm.commit()                       # the second one merges instead of conflicting
    for conn in conns:
        conn.close()
    with site.tx() as app:
        bench = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"]
        assert comment_count(bench) == 3 and len(bench.comments) == 3


def test_comment_folders_of_older_databases_are_counted_without_writing(site):
    from beffroi.services.comments.model import comment_count, delete_comment
    alice = browse_as(site, "alice@example.org")
    names = [name_of(post_comment(alice, f"Old comment {i}")) for i in range(3)]
    with site.tx() as app:
        folder = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"].comments
        del folder.readable                   # as made before the readable count existed
        folder[names[0]].deleted = True
    before = site.db.lastTransaction()
    page = browse_as(site).get("/place/ideas/bench")
    assert page.html.find(id="comments-title").find(class_="badge").text == "2"
    assert site.db.lastTransaction() == before
    with site.tx() as app:
        bench = app.organisation_for_host(HOST).spaces["place"]["ideas"]["bench"]
        delete_comment(bench.comments[names[1]])
        assert comment_count(bench) == 1 and bench.comments.readable() == 1
