"""Notifications: in the app, by immediate e-mail (real SMTP on loopback) and in digests."""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from beffroi.devkit.testing import csrf_of  # noqa: E402
from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, Idea, beffroi_settings, browse_as, name_of, post_comment, site,
)


def _follow(browser, url="/place/ideas/bench"):
    page = browser.get(url)
    form = next(f for f in page.forms.values() if f.action.endswith("/-/follow"))
    assert form["action"].value == "follow"
    form.submit()


def _choose_mail(browser, choice):
    page = browser.get("/-/account/notifications")
    form = next(f for f in page.forms.values() if f.action.endswith("/-/account/notifications"))
    form["mail"] = choice
    return form.submit().follow()


def test_followers_get_an_in_app_notification_but_not_the_author(site):
    alice = browse_as(site, "alice@example.org")
    bob = browse_as(site, "bob@example.org")
    _follow(bob)
    page = bob.get("/-/notifications")
    assert "unread-count" not in page.text
    name = name_of(post_comment(alice, "Shade, please"))
    page = bob.get("/-/notifications")
    header = page.html.find(class_="unread-count")
    assert header is not None and header.text.strip().startswith("1")
    item = page.html.find(class_="notification")
    assert "unread" in item["class"]
    assert "New comment" in item.text and "A bench under the lime trees" in item.text
    assert "Alice" in item.text and "The square" in item.text
    assert item.find("a")["href"].endswith(f"/place/ideas/bench/#comment-{name}")
    # reading the list changes nothing; the button marks everything read
    before = site.db.lastTransaction()
    bob.get("/-/notifications")
    assert site.db.lastTransaction() == before
    form = next(f for f in page.forms.values() if f.action.endswith("/-/notifications"))
    page = form.submit().follow()
    assert "unread-count" not in page.text
    assert "unread" not in page.html.find(class_="notification")["class"]
    # the author of the comment follows the idea but is not told about her own comment
    assert "No notification yet" in alice.get("/-/notifications").text


def test_followers_of_a_participant_and_of_a_space_are_told(site):
    alice = browse_as(site, "alice@example.org")
    bob = browse_as(site, "bob@example.org")
    carol = browse_as(site, "carol@example.org")
    with site.tx() as app:
        alice_id = app.organisation_for_host(HOST).users.find_by_email("alice@example.org").id
    bob.post("/-/follow", {"csrf_token": csrf_of(bob.get("/-/notifications")),
                           "target": "@" + alice_id}, status=302)
    carol.post("/-/follow", {"csrf_token": csrf_of(carol.get("/-/notifications")),
                             "target": "/place"}, status=302)
    post_comment(alice, "Hello")
    for browser in (bob, carol):
        assert "A bench under the lime trees" in browser.get("/-/notifications").text


def test_followers_who_cannot_see_a_private_space_are_not_told(site):
    site.add_space(HOST, "club", "The club", modules=["ideas"], visibility="private")
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        org.spaces["club"]["ideas"].add("plan", Idea("Secret plan"))
        alice = org.users.find_by_email("alice@example.org")
        bob = org.users.find_by_email("bob@example.org")
        org.spaces["club"].set_space_roles(alice.id, ["member"])
        from beffroi.services.follows import model as follows
        follows.follow(org, bob.id, "/club/ideas/plan")       # followed before losing access
    alice = browse_as(site, "alice@example.org")
    post_comment(alice, "Members only", url="/club/ideas/plan")
    assert "Secret plan" not in browse_as(site, "bob@example.org").get("/-/notifications").text


def test_muted_kinds_are_not_delivered(site):
    bob = browse_as(site, "bob@example.org")
    _follow(bob)
    page = bob.get("/-/account/notifications")
    form = next(f for f in page.forms.values() if f.action.endswith("/-/account/notifications"))
    assert "New idea" in page.text                     # kinds declared by plugins are listed
    for field in form.fields["kinds"]:
        if field._value == "comments.new":
            field.checked = False
    form.submit().follow()
    post_comment(browse_as(site, "alice@example.org"), "Unheard")
    assert "No notification yet" in bob.get("/-/notifications").text


def test_immediate_mail_with_a_working_unsubscribe_link(site, mail_outbox):
    bob = browse_as(site, "bob@example.org")
    page = _choose_mail(bob, "immediate")
    assert "Your notification settings are saved" in page.text
    _follow(bob)
    alice = browse_as(site, "alice@example.org")
    name = name_of(post_comment(alice, "Shade, please"))
    [msg] = mail_outbox.deliver()                      # Alice, the author, gets nothing
    assert msg["To"] == "bob@example.org"
    assert "New comment" in msg["Subject"] and "A bench under the lime trees" in msg["Subject"]
    links = mail_outbox.links(msg)
    assert links[0] == f"http://test.localhost/place/ideas/bench/#comment-{name}"
    unsubscribe = next(link for link in links if "/-/unsubscribe" in link)
    assert unsubscribe in msg["List-Unsubscribe"]
    # the link works without logging in; the GET only asks for confirmation
    stranger = site.browser(HOST)
    page = stranger.get(unsubscribe.replace("http://test.localhost", ""))
    with site.tx() as app:
        assert app.organisation_for_host(HOST).users.find_by_email(
            "bob@example.org").notification_mail == "immediate"
    page = page.forms[next(i for i, f in page.forms.items()
                           if f.action.endswith("/-/unsubscribe"))].submit()
    assert "you will receive no more notification e-mails" in page.text
    with site.tx() as app:
        assert app.organisation_for_host(HOST).users.find_by_email(
            "bob@example.org").notification_mail == "none"
    post_comment(alice, "Still shade")
    assert mail_outbox.deliver() == []
    # the in-app notification still arrives
    assert len(bob.get("/-/notifications").html.find_all("li", class_="notification")) == 2


def test_a_forged_unsubscribe_link_changes_nothing(site):
    with site.tx() as app:
        bob_id = app.organisation_for_host(HOST).users.find_by_email("bob@example.org").id
    stranger = site.browser(HOST)
    page = stranger.get(f"/-/unsubscribe?u={bob_id}&t=forged", status=400)
    assert "not valid" in page.text
    stranger.post("/-/unsubscribe", {"u": bob_id, "t": "forged"}, status=400)
    with site.tx() as app:
        assert app.organisation_for_host(HOST).users.find_by_email(
            "bob@example.org").notification_mail == "daily"


def test_a_daily_digest_groups_the_events_in_one_mail(site, mail_outbox):
    from beffroi.cli import Env, build_parser
    from beffroi.cli.notify import _send_digests
    bob = browse_as(site, "bob@example.org")
    _follow(bob)                                        # daily digest is the default choice
    with site.tx() as app:
        app.organisation_for_host(HOST).spaces["place"]["ideas"].add("fountain", Idea("A fountain"))
    _follow(bob, "/place/ideas/fountain")
    post_comment(browse_as(site, "alice@example.org"), "One")
    carol = browse_as(site, "carol@example.org")
    post_comment(carol, "Two")
    name = name_of(post_comment(carol, "Three", url="/place/ideas/fountain"))
    assert mail_outbox.deliver() == []                  # nothing before the digest
    lines = []
    env = Env("unused.ini", out=lines.append)
    env._settings, env._plugins, env._db = {"beffroi.url_scheme": "http"}, site.plugins, site.db
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--weekly"]))
    assert mail_outbox.deliver() == []                  # Bob wants a daily one
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--daily"]))
    mails = {m["To"]: m for m in mail_outbox.deliver()}
    # Alice follows the bench since she commented: she hears of Carol's comment only
    assert sorted(mails) == ["alice@example.org", "bob@example.org"]
    assert "1 new notification" in mails["alice@example.org"]["Subject"]
    msg = mails["bob@example.org"]
    assert "3 new notifications" in msg["Subject"]
    text = mail_outbox.text(msg)
    assert "Your daily digest" in text
    assert "New comment (3)" in text
    assert text.count("A bench under the lime trees") == 2 and "A fountain" in text
    assert f"http://test.localhost/place/ideas/fountain/#comment-{name}" in text
    assert any("/-/unsubscribe?" in link for link in mail_outbox.links(msg))
    assert "2 daily digest(s) queued" in lines[-1]
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--daily"]))
    assert mail_outbox.deliver() == []                  # each event goes out once


def test_a_plugin_kind_reaches_space_followers_and_authors_follow_what_they_create(site):
    bob = browse_as(site, "bob@example.org")
    carol = browse_as(site, "carol@example.org")
    carol.post("/-/follow", {"csrf_token": csrf_of(carol.get("/-/notifications")),
                             "target": "/place"}, status=302)
    bob.post("/place/ideas/add", {"csrf_token": csrf_of(bob.get("/-/notifications")),
                                  "title": "A library", "name": "library"}, status=302)
    item = carol.get("/-/notifications").html.find("li", class_="notification")
    assert "New idea" in item.text and "A library" in item.text and "Bob" in item.text
    post_comment(browse_as(site, "alice@example.org"), "Yes!", url="/place/ideas/library")
    item = bob.get("/-/notifications").html.find("li", class_="notification")
    assert "New comment" in item.text and "A library" in item.text and "Alice" in item.text


def test_mail_speaks_the_recipients_language(site, mail_outbox):
    """An organisation whose default language is French writes its digests in French."""
    with site.tx() as app:
        org = app.organisation_for_host(HOST)
        org.default_locale = "fr"
    bob = browse_as(site, "bob@example.org")
    _follow(bob)
    name = name_of(post_comment(browse_as(site, "alice@example.org"), "Un banc !"))
    from beffroi.cli import Env, build_parser
    from beffroi.cli.notify import _send_digests
    env = Env("unused.ini", out=lambda line: None)
    env._settings, env._plugins, env._db = {}, site.plugins, site.db
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--daily"]))
    [msg] = mail_outbox.deliver()
    assert "1 nouvelle notification" in msg["Subject"]
    text = mail_outbox.text(msg)
    assert "Votre récapitulatif quotidien" in text and "Nouveau commentaire (1)" in text
    assert f"https://test.localhost/place/ideas/bench/#comment-{name}" in text   # https by default
