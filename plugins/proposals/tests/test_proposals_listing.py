"""The listing: filters, sorts, pagination, moderation, comments; reads never write;
supports cast concurrently are all counted."""
from __future__ import annotations

import html
import re
import threading

import transaction
from ZODB.POSException import ConflictError

from beffroi.services.comments.model import add_comment
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


def _walk_pages(browser, url, cookies=True):
    """Titles of every page, following the "Next page" links from ``url`` (as a client
    that keeps no cookie when ``cookies`` is False)."""
    seen, pages = [], 0
    while url:
        if not cookies:
            browser.reset()
        page = browser.get(url)
        seen.extend(titles(page))
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next"', page.text)
        url = html.unescape(match.group(1)) if match else None
        assert pages < 50
    return seen, pages


def test_random_order_shows_every_proposal_once_with_and_without_cookies(site):
    _seed(site, 45)
    everyone = {f"Idée {i:02d}" for i in range(1, 46)}
    anonymous = site.browser()
    seen, pages = _walk_pages(anonymous, BASE, cookies=False)
    assert pages == 3 and len(seen) == 45 and set(seen) == everyone   # the seed is in the links
    other, _pages = _walk_pages(anonymous, BASE, cookies=False)
    assert sorted(other) == sorted(seen)
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    first, _pages = _walk_pages(ana, BASE)
    assert len(first) == 45 and set(first) == everyone
    again, _pages = _walk_pages(ana, BASE)          # the same order on her next visit
    assert again == first
    by_number = [titles(ana.get(BASE, params={"page": n}))for n in (1, 2, 3)]
    assert sum(by_number, []) == first


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
                 BASE + "states.css", BASE + "?order=supported&after=1048576.0.2&page=2",
                 BASE + "?seed=5&page=999&q=id%C3%A9e"):
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
        assert len(index.orders["supported"]) == 3


def test_most_commented_follows_comments_as_they_come_and_go(site):
    from beffroi.services.comments.model import delete_comment
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


def _seed_many(site, count):
    """``count`` proposals; proposal i has (i * 7) % 41 supports (levels above 16 are
    coarse in the index and refined at read time); every 9th is withdrawn."""
    from beffroi_proposals.models import withdraw
    site.settings(categories="Mobilité\nNature")
    supports = {}
    with site.platform.tx() as app:
        container = site.container(app)
        for i in range(1, count + 1):
            p = add_proposal(container, f"Idée {i:03d}", "Une idée pour le quartier.", "markdown",
                             None, category="Nature" if i % 2 else "Mobilité", catalog=False)
            supports[i] = (i * 7) % 41
            for k in range(supports[i]):
                cast_support(container, p, f"u{k}", {})
            if i % 9 == 0:
                withdraw(p)
    return supports


def _number(title):
    return int(title.rsplit(" ", 1)[1])


def test_a_deep_page_shows_the_right_proposals_and_a_page_past_the_end_the_last(site):
    supports = _seed_many(site, 130)
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    for i in range(3):          # three reports hide proposal 5
        site.user(f"r{i}@example.org")
        reporter = site.browser(f"r{i}@example.org")
        form = site.form_with(reporter.get(BASE + "5/"), "reason")
        form["reason"] = "spam"
        form.submit()
    shown = [i for i in supports if i % 9 and i != 5]
    expected = sorted(shown, key=lambda i: (-supports[i], i))
    assert len(expected) == 115                     # 6 pages of 20
    visitor = site.browser()
    for page in (1, 2, 5, 6):
        got = [_number(t) for t in titles(visitor.get(BASE, params={"order": "supported", "page": page}))]
        assert got == expected[(page - 1) * 20:page * 20], page
    past = visitor.get(BASE, params={"order": "supported", "page": 4000})
    assert [_number(t) for t in titles(past)] == expected[100:]
    assert re.search(r'<span aria-current="page">[^<]* 6 [^<]* 6</span>', past.text)
    followed, pages = _walk_pages(visitor, BASE + "?order=supported")
    assert [_number(t) for t in followed] == expected and pages == 6
    recent = [_number(t) for t in titles(visitor.get(BASE, params={"order": "recent", "page": 3}))]
    assert recent == sorted(shown, reverse=True)[40:60]
    nature = [i for i in expected if i % 2]
    got = [_number(t) for t in titles(visitor.get(BASE, params={
        "order": "supported", "category": "Nature", "page": 3}))]
    assert got == nature[40:60]
    withdrawn = [_number(t) for t in titles(visitor.get(BASE, params={
        "order": "recent", "state": "withdrawn"}))]
    assert withdrawn == [126, 117, 108, 99, 90, 81, 72, 63, 54, 45, 36, 27, 18, 9]


def test_bad_paging_parameters_answer_a_page_not_an_error(site):
    _seed(site, 25)
    visitor = site.browser()
    for params in ({"page": "-3"}, {"page": "x"}, {"after": "1.2"}, {"before": "a.b.c"},
                   {"after": "99999999999.0.1"}, {"seed": "-1"}, {"order": "supported", "after": "1048576.0.999"}):
        page = visitor.get(BASE, params=params)
        assert page.status_int == 200


def test_proposals_created_at_once_through_a_server_get_unique_numbers(site, beffroi_settings):
    """12 participants create 4 proposals each at the same moment, through waitress
    with the shipped retry count: none fails, every number is different."""
    from beffroi.app import make_config
    from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once
    settings = {k: v for k, v in beffroi_settings.items() if k != "retry.attempts"}
    app = make_config(settings).make_wsgi_app()          # the shipped retry count
    requests = []
    for i in range(12):
        site.user(f"w{i}@example.org")
        browser = site.browser(f"w{i}@example.org")
        page = browser.get(BASE + "add")
        form = site.form_with(page, "title")
        form["title"], form["body"] = f"Proposition de w{i}", "Un texte assez long pour être accepté."
        fields = [(k, v) for k, v in form.submit_fields("create") if isinstance(v, str)]
        requests.append((BASE + "add", fields, cookie_header(browser)))
        assert csrf_of(page)
    server = LiveServer(app)
    try:      # each of the 12 sends its 4 proposals in a row on one connection
        statuses = post_at_once(server.port, requests, repeat=4)
    finally:
        server.close()
    assert statuses == [302] * 48
    with site.platform.tx() as app_root:
        container = site.container(app_root)
        numbers = [p.number for p in container.values()]
        assert len(numbers) == 48 and len(set(numbers)) == 48
        assert max(numbers) <= 48 + 8       # numbers stay dense
        assert set(container.proposal_index.all) == set(numbers)
    searcher = site.browser()
    assert titles(searcher.get(BASE, params={"q": "w7"})) == ["Proposition de w7"] * 4


def test_an_index_of_the_old_layout_is_read_then_evolved(site):
    """A database from before layout 2 (``last_number`` on the index, exact support
    keys): the listing reads it without writing, the evolve step upgrades it."""
    from BTrees.IIBTree import IIBTree, IITreeSet
    from BTrees.LLBTree import LLTreeSet

    from beffroi_proposals import _upgrade_listing_index
    from beffroi_proposals.index import MAX_COUNT, RANDOM_ORDERS, ProposalIndex, support_key
    supports = _seed_many(site, 30)
    with site.platform.tx() as app:
        container = site.container(app)
        new = container.proposal_index
        old = ProposalIndex.__new__(ProposalIndex)
        numbers = list(new.all)
        withdrawn = set(new.members(("withdrawn", True)))
        old.__dict__.update(
            last_number=30, salt=new.salt, all=IITreeSet(numbers),
            recent=IITreeSet(MAX_COUNT - n for n in numbers),
            by_support=LLTreeSet(support_key(supports[n], n) for n in numbers),
            support_counts=IIBTree({n: supports[n] for n in numbers}),
            randoms=tuple(LLTreeSet((new.random_rank(k, n) << 32) | n for n in numbers)
                          for k in range(RANDOM_ORDERS)),
            facets=new.facets, user_supports=new.user_supports,
            by_comments=LLTreeSet(support_key(0, n) for n in numbers), comment_counts=IIBTree())
        container.proposal_index = old
    expected = sorted((i for i in supports if i not in withdrawn), key=lambda i: (-supports[i], i))
    visitor = site.browser()
    visitor.get(BASE)
    before = site.platform.db.lastTransaction()
    got = [_number(t) for t in titles(visitor.get(BASE, params={"order": "supported"}))]
    assert got == expected[:20]
    assert site.platform.db.lastTransaction() == before
    with site.platform.tx() as app:
        _upgrade_listing_index(app)
        index = site.container(app).proposal_index
        assert index.layout == 2 and not hasattr(index, "last_number")
        assert index.supports.get(30) == supports[30]
        assert index.next_number() == 31
    got = [_number(t) for t in titles(visitor.get(BASE, params={"order": "supported", "page": 2}))]
    assert got == expected[20:40]
