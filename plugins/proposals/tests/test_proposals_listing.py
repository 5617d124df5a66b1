"""The listing: filters, sorts, pagination, moderation, comments; reads never write;
supports cast concurrently are all counted."""
from __future__ import annotations

import re
import threading

import transaction
from ZODB.POSException import ConflictError

from beffroi.comments import add_comment
from beffroi.resources.root import get_app_root
from beffroi_proposals.models import add_proposal
from beffroi_proposals.supports import cast_support

BASE = "/budget/proposals/"


def titles(page):
    return re.findall(r'<h2><a href="[^"]+/proposals/\d+/">([^<]+)</a></h2>', page.text)


def _seed(site, count=25, supporters=None):
    """``count`` proposals; proposal i gets i % 7 supports and i % 3 comments."""
    site.settings(categories="Mobilité\nNature", scopes="Nord\nSud")
    with site.platform.tx() as app:
        container = site.container(app)
        org = app.organisation_for_host("test.localhost")
        for i in range(1, count + 1):
            p = add_proposal(container, f"Idée {i:02d}", "Une idée pour le quartier.", "markdown",
                             supporters[0] if supporters else None,
                             category="Nature" if i % 2 else "Mobilité", scope="Nord" if i % 5 == 0 else "Sud")
            for uid in (supporters or [])[:i % 7]:
                cast_support(container, p, uid, {})
            for _c in range(i % 3 if supporters else 0):
                add_comment(p, org, supporters[0], "Bonne idée pour le quartier.")


def test_sorts_filters_and_pagination(site):
    users = [site.user(f"p{i}@example.org") for i in range(6)]
    _seed(site, 25, users)
    visitor = site.browser()
    page = visitor.get(BASE + "?order=supported")
    first = titles(page)
    assert len(first) == 20 and first[0] == "Idée 06"         # 6 supports, the oldest such
    assert "page=2" in page.text
    second = titles(visitor.get(BASE + "?order=supported&page=2"))
    assert len(second) == 5 and not set(first) & set(second)
    assert titles(visitor.get(BASE + "?order=recent"))[0] == "Idée 25"
    commented = titles(visitor.get(BASE + "?order=commented"))
    assert commented[:2] == ["Idée 02", "Idée 05"]              # 2 comments, oldest first (as supports)
    nature = titles(visitor.get(BASE + "?category=Nature&order=recent"))
    assert nature[0] == "Idée 25" and all(int(t[-2:]) % 2 for t in nature)
    north = titles(visitor.get(BASE + "?scope=Nord&order=recent"))
    assert north == ["Idée 25", "Idée 20", "Idée 15", "Idée 10", "Idée 05"]
    assert titles(visitor.get(BASE + "?category=Inconnue&order=recent"))[0] == "Idée 25"


def test_random_order_is_stable_for_a_visitor_while_paging(site):
    _seed(site, 25)
    visitor = site.browser()
    once = titles(visitor.get(BASE))
    assert titles(visitor.get(BASE)) == once
    rest = titles(visitor.get(BASE + "?page=2"))
    assert len(set(once) | set(rest)) == 25


def test_mine_filter_and_text_search(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    site.create(ana, title="Un composteur collectif", body="Pour réduire les déchets du quartier.")
    bob = site.browser("bob@example.org")
    site.create(bob, title="Une piste cyclable", body="Pour aller au collège à vélo en sécurité.")
    assert titles(ana.get(BASE + "?mine=1")) == ["Un composteur collectif"]
    assert titles(bob.get(BASE, params={"q": "collège"})) == ["Une piste cyclable"]


def test_a_get_of_the_listing_or_a_proposal_writes_nothing(site):
    _seed(site, 5)
    visitor = site.browser()
    visitor.get(BASE)
    before = site.platform.db.lastTransaction()
    for path in (BASE, BASE + "?order=supported&page=2", BASE + "1/", BASE + "export.json",
                 BASE + "states.css"):
        visitor.get(path)
    assert site.platform.db.lastTransaction() == before


def test_proposals_hidden_by_moderation_vanish_from_the_listing(site):
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana, title="Une publicité pour mon commerce").location
    for i in range(3):
        site.user(f"r{i}@example.org")
        reporter = site.browser(f"r{i}@example.org")
        form = site.form_with(reporter.get(url), "reason")
        form["reason"] = "spam"
        form.submit()
    visitor = site.browser()
    assert "Une publicité" not in visitor.get(BASE).text
    assert "Une publicité" not in visitor.get(BASE + "export.json").text


def test_comments_and_follow_are_offered_on_a_proposal(site):
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    page = site.create(ana).follow()
    form = site.form_with(page, "body")
    form["body"] = "Et une fontaine aussi !"
    page = form.submit().follow()
    assert "Et une fontaine aussi !" in page.text
    assert "Comments: 1" in ana.get(BASE).text or "Commentaires : 1" in ana.get(BASE).text
    assert 'action="' in page.text and "follow" in page.text


def test_concurrent_supports_from_separate_connections_are_all_counted(site):
    users = [site.user(f"c{i}@example.org") for i in range(24)]
    with site.platform.tx() as app:
        container = site.container(app)
        for i in range(3):
            add_proposal(container, f"Proposition {i}", "Une proposition à soutenir.", "markdown",
                         None, catalog=False)
    db = site.platform.db
    retries = []

    def supporter(uids):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            for uid in uids:
                for name in ("1", "2", "3"):
                    for attempt in range(20):
                        try:
                            with tm:
                                org = get_app_root(conn).organisation_for_host("test.localhost")
                                c = org.spaces["budget"]["proposals"]
                                cast_support(c, c[name], uid, {})
                            break
                        except ConflictError:
                            retries.append(1)
        finally:
            conn.close()

    threads = [threading.Thread(target=supporter, args=(users[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with site.platform.tx() as app:
        container = site.container(app)
        index = container.proposal_index
        for name in ("1", "2", "3"):
            assert container[name].supports == 24
            assert len(container[name].supporters) == 24
            assert index.support_counts[container[name].number] == 24
        assert len(index.by_support) == 3


def test_most_commented_follows_comments_as_they_come_and_go(site):
    from beffroi.comments import delete_comment
    from beffroi_proposals import _build_comment_order
    uid = site.user("camille@example.org")
    _seed(site, 3)
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        comment = add_comment(site.container(app)["3"], org, uid, "Oui !")
    assert titles(site.browser().get(BASE + "?order=commented"))[0] == "Idée 03"
    with site.platform.tx() as app:
        delete_comment(site.container(app)["3"].comments[comment.__name__])
    assert titles(site.browser().get(BASE + "?order=commented"))[0] == "Idée 01"
    with site.platform.tx() as app:      # an index from before the ordering existed
        org = app.organisation_for_host("test.localhost")
        add_comment(site.container(app)["2"], org, uid, "Bien vu.")
        site.container(app).proposal_index.by_comments = None
        _build_comment_order(app)
    assert titles(site.browser().get(BASE + "?order=commented"))[0] == "Idée 02"
