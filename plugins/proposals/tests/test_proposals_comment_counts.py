"""The comment count of a proposal is what a visitor can read: comments deleted by
their author or hidden by moderation are left out of the page, the listing, the
"most commented" order and the exports; nobody can answer them."""
from __future__ import annotations

import json

from beffroi.devkit.testing import csrf_of

BASE = "/budget/proposals/"


def _comment(site, browser, url, text, reply_to=""):
    page = browser.get(url)
    return browser.post(url + "comment", {"csrf_token": csrf_of(page), "body": text,
                                          "alignment": "0", "reply_to": reply_to}, status="*")


def _name(response):
    return response.location.rsplit("#comment-", 1)[1]


def test_hidden_and_deleted_comments_are_not_counted_nor_answerable(site):
    for email in ("ana@example.org", "bob@example.org", "cy@example.org", "dee@example.org"):
        site.user(email)
    ana = site.browser("ana@example.org")
    first = site.create(ana, title="Première idée du quartier").location
    second = site.create(ana, title="Seconde idée du quartier").location
    names = [_name(_comment(site, ana, first, f"Commentaire {i}")) for i in range(4)]
    for i in range(3):
        _comment(site, ana, second, f"Avis {i}")
    page = ana.get(first)
    ana.post(first + f"comments/{names[0]}/delete", {"csrf_token": csrf_of(page)})
    for email in ("bob@example.org", "cy@example.org", "dee@example.org"):
        reporter = site.browser(email)
        page = reporter.get(first)
        reporter.post(first + f"comments/{names[1]}/report",
                      {"csrf_token": csrf_of(page), "reason": "offensive"})
    visitor = site.browser()
    page = visitor.get(first)
    assert page.html.find(id="comments-title").find(class_="badge").text == "2"
    listing = visitor.get(BASE + "?order=recent").text
    assert "Comments: 2" in listing or "Commentaires : 2" in listing
    assert "Comments: 3" in listing or "Commentaires : 3" in listing
    order = visitor.get(BASE + "?order=commented")
    assert order.text.index("Seconde idée") < order.text.index("Première idée")
    rows = {row["title"]: row for row in json.loads(visitor.get(BASE + "export.json").text)}
    assert rows["Première idée du quartier"]["comments"] == 2
    # answering the deleted or the hidden comment is refused on POST, not only on GET
    bob = site.browser("bob@example.org")
    for parent in names[:2]:
        refused = _comment(site, bob, first, "Une réponse", reply_to=parent)
        assert refused.status_int == 400
    assert visitor.get(first).html.find(id="comments-title").find(class_="badge").text == "2"
    # restoring the hidden comment counts it again
    with site.platform.tx() as app:
        from beffroi.services.moderation import model as moderation
        proposal = site.container(app)["1"]
        comment = proposal.comments[names[1]]
        case = moderation.case_of(comment)
        moderation._set_hidden(case, False, None)
    assert visitor.get(first).html.find(id="comments-title").find(class_="badge").text == "3"
