"""One sorted order per state, territory and category (``ProposalIndex.facet_orders``):
kept true through every write (supports with a minimum to count, comments, answers,
edits, withdrawals, a write during the evolve step), and a filtered page — by number or
by cursors — shows what walking the whole order shows."""
from __future__ import annotations

import html
import re

import transaction

from beffroi.services.comments.model import add_comment, delete_comment
from beffroi_proposals.index import FACET_SORTS, ORDERED_FACETS, build_facet_orders
from beffroi_proposals.models import add_proposal, set_state, update_proposal, withdraw
from beffroi_proposals.supports import cast_support, withdraw_support

HOST = "test.localhost"
BASE = "/budget/proposals/"
#: A category starting with the last code point: above ``("category", "\U0010ffff")``.
ODD = "\U0010ffff Divers"


def titles(page):
    return re.findall(r'<h2><a href="[^"]+/proposals/\d+/">([^<]+)</a></h2>', page.text)


def _expected(index):
    withdrawn = set(index.members(("withdrawn", True)))
    out = {}
    for facet in index.facets.keys():
        if facet[0] in ORDERED_FACETS:
            for sort in FACET_SORTS:
                keys = {index.sort_key(sort, n) for n in index.facets[facet] if n not in withdrawn}
                if keys:
                    out[(facet, sort)] = keys
    return out


def _kept(index):
    return {key: set(tree) for key, tree in index.facet_orders.items() if len(tree)}


def _busy_space(site):
    site.settings(categories="Mobilité\nNature", scopes="Nord\nSud")
    users = [site.user(f"p{i}@example.org") for i in range(20)]
    with site.platform.tx() as app:
        container = site.container(app)
        proposals = [add_proposal(container, f"Idée {i:02d}", "Une idée pour le quartier.",
                                  "markdown", users[0], category="Nature" if i % 2 else "Mobilité",
                                  scope="Nord" if i % 3 == 0 else "Sud") for i in range(1, 41)]
        for i, proposal in enumerate(proposals, start=1):
            for uid in users[:i % 19]:                     # counts up to 18: levels move
                cast_support(container, proposal, uid, {})
        update_proposal(proposals[3], proposals[3].title, "Autre texte.", "markdown",
                        scope="Nord", category="Nature")
        set_state(proposals[5], "accepted", "<p>Oui.</p>", None)
        set_state(proposals[6], "rejected", "<p>Non.</p>", None)
        withdraw(proposals[7])
        withdraw_support(container, proposals[17], users[0], {})
        withdraw_support(container, proposals[15], users[1], {})   # 15 → 14: a level back
    return users


def test_every_write_keeps_the_orders_per_filter_true(site):
    _busy_space(site)
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert _kept(index) == _expected(index)
        assert (("category", "Nature"), "supported") in index.facet_orders


def test_a_filtered_page_is_the_same_with_and_without_its_own_order(site):
    _busy_space(site)
    visitor = site.browser()
    urls = [f"{BASE}?category=Nature&order={o}" for o in ("supported", "recent", "commented")] \
        + [f"{BASE}?scope=Nord&order=supported", f"{BASE}?state=accepted&order=recent",
           f"{BASE}?category=Nature&order=supported&page=2"]
    fast = [titles(visitor.get(url)) for url in urls]
    with site.platform.tx() as app:                  # as an index made before: walk instead
        site.container(app).proposal_index.facet_orders = None
    walked = [titles(browser_get) for browser_get in (site.browser().get(url) for url in urls)]
    assert fast == walked and all(fast[:3]) and len(fast[0]) == 20
    with site.platform.tx() as app:                  # the evolve step builds them again
        index = site.container(app).proposal_index
        build_facet_orders(index)
        assert _kept(index) == _expected(index)


def _walk(browser, url):
    seen, pages = [], 0
    while url:
        page = browser.get(url)
        seen.extend(titles(page))
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next"', page.text)
        url = html.unescape(match.group(1)) if match else None
        assert pages < 50
    return seen


def test_a_category_above_the_last_text_bound_keeps_its_order_true(site):
    site.settings(categories=f"Nature\n{ODD}")
    uid = site.user("ana@example.org")
    with site.platform.tx() as app:
        container = site.container(app)
        made = [add_proposal(container, f"Idée {i}", "Une idée.", "markdown", uid, category=ODD)
                for i in range(3)]
        cast_support(container, made[2], "u1", {})      # 0 → 1: a level up
        withdraw(made[1])
    visitor = site.browser()
    assert titles(visitor.get(BASE, params={"category": ODD, "order": "supported"})) \
        == ["Idée 2", "Idée 0"]
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert _kept(index) == _expected(index)
        build_facet_orders(index)                         # the evolve step builds it too
        assert (("category", ODD), "supported") in index.facet_orders


def test_minimum_supports_and_comments_keep_the_orders_per_filter_true(site):
    site.settings(categories="Mobilité\nNature", scopes="Nord\nSud", minimum_supports_to_count=3)
    settings = {"minimum_supports_to_count": 3}
    uid = site.user("ana@example.org")
    with site.platform.tx() as app:
        org = app.organisation_for_host(HOST)
        container = site.container(app)
        made = [add_proposal(container, f"Idée {i:02d}", "Une idée.", "markdown", uid,
                             category="Nature" if i % 2 else "Mobilité", scope="Nord")
                for i in range(1, 9)]
        for person in ("a", "b", "c"):
            for p in made[:3]:                 # the third support makes all three count
                cast_support(container, p, person, settings)
        withdraw_support(container, made[0], "b", settings)   # below: b's others stop
        cast_support(container, made[4], "c", settings)
        comments = [add_comment(made[i % 4], org, uid, f"Avis {i}") for i in range(9)]
        delete_comment(comments[0])
        set_state(made[1], "accepted", "<p>Oui.</p>", None)
        set_state(made[1], "", "", None)                     # the answer taken back
        set_state(made[2], None, "", None)
        update_proposal(made[3], made[3].title, "Autre.", "markdown", scope="", category="")
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert _kept(index) == _expected(index)


def test_a_filtered_listing_walked_by_cursors_matches_the_walking_path(site):
    site.settings(categories="Mobilité\nNature", scopes="Nord\nSud")
    uid = site.user("ana@example.org")
    with site.platform.tx() as app:
        container = site.container(app)
        for i in range(1, 71):
            p = add_proposal(container, f"Idée {i:02d}", "Une idée.", "markdown", uid,
                             category="Nature" if i % 3 else "Mobilité", catalog=False)
            for k in range((i * 7) % 23):
                cast_support(container, p, f"u{k}", {})
            if i % 11 == 0:
                withdraw(p)
    for i in range(3):          # three reports hide proposal 4
        site.user(f"r{i}@example.org")
        reporter = site.browser(f"r{i}@example.org")
        form = site.form_with(reporter.get(BASE + "4/"), "reason")
        form["reason"] = "spam"
        form.submit()
    visitor = site.browser()
    urls = [f"{BASE}?category=Nature&order={o}" for o in FACET_SORTS]
    fast = [_walk(visitor, url) for url in urls]
    past = titles(visitor.get(urls[0] + "&page=999"))
    with site.platform.tx() as app:
        site.container(app).proposal_index.facet_orders = None
    walked = [_walk(visitor, url) for url in urls]
    assert fast == walked
    assert "Idée 04" not in fast[0] and "Idée 22" not in fast[0] and len(fast[0]) == 42
    assert past == titles(visitor.get(urls[0] + "&page=999")) == fast[0][40:]


def test_two_supports_in_one_category_at_once_both_commit(site):
    """Two supports of different proposals of one category, each moving its key, in two
    transactions at once: the buckets merge, neither conflicts."""
    site.settings(categories="Nature")
    uid = site.user("ana@example.org")
    with site.platform.tx() as app:
        container = site.container(app)
        for i in range(1, 7):
            add_proposal(container, f"Idée {i}", "Une idée.", "markdown", uid, category="Nature",
                         scope="Nord")
        cast_support(container, container["1"], "w", {})   # the allowances exist
    db = site.platform.db
    managers = [transaction.TransactionManager() for _i in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in managers]
    try:
        for k, (tm, conn) in enumerate(zip(managers, conns)):
            tm.begin()
            from beffroi.resources.root import get_app_root
            container = get_app_root(conn).organisation_for_host(HOST).spaces["budget"]["proposals"]
            cast_support(container, container[str(2 + 3 * k)], f"x{k}", {})
        for tm in managers:
            tm.commit()
    finally:
        for conn in conns:
            conn.close()
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert _kept(index) == _expected(index)


def _open(db):
    from beffroi.resources.root import get_app_root
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tm.begin()
    return tm, conn, get_app_root(conn)


def test_a_write_while_the_evolve_step_runs_is_not_lost(site):
    """``beffroi evolve`` on a running site: a proposal created (or supported) while
    ``proposals.0006_facet_orders`` builds the orders must be in them afterwards."""
    from ZODB.POSException import ConflictError

    from beffroi_proposals import _build_facet_orders
    site.settings(categories="Nature")
    uid = site.user("ana@example.org")
    with site.platform.tx() as app:
        container = site.container(app)
        first = add_proposal(container, "Idée 1", "Une idée.", "markdown", uid, category="Nature")
        container.proposal_index.facet_orders = None          # an index made before
    step_tm, step_conn, step_app = _open(site.platform.db)
    _build_facet_orders(step_app)                             # the step, not committed yet
    write_tm, write_conn, write_app = _open(site.platform.db)
    container = write_app.organisation_for_host(HOST).spaces["budget"]["proposals"]
    add_proposal(container, "Idée 2", "Une idée.", "markdown", uid, category="Nature")
    cast_support(container, container[str(first.number)], "u1", {})
    write_tm.commit()
    try:
        step_tm.commit()
    except ConflictError:                                     # run again, as evolve would
        step_tm.abort()
        step_tm.begin()
        _build_facet_orders(step_app)
        step_tm.commit()
    finally:
        step_conn.close()
        write_conn.close()
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert index.facet_orders is not None
        assert _kept(index) == _expected(index)
    assert titles(site.browser().get(BASE, params={"category": "Nature", "order": "supported"})) \
        == ["Idée 1", "Idée 2"]


def test_evolve_upgrades_a_layout_1_index_then_builds_its_orders_per_filter(site):
    """A database from before layout 2 with both steps pending: ``beffroi evolve`` runs
    0003 (layout) before 0006 (orders per filter), which then builds them."""
    from BTrees.IIBTree import IIBTree, IITreeSet
    from BTrees.LLBTree import LLTreeSet

    from beffroi.evolve import evolve
    from beffroi_proposals.index import MAX_COUNT, RANDOM_ORDERS, ProposalIndex, support_key
    site.settings(categories="Mobilité\nNature")
    with site.platform.tx() as app:
        container = site.container(app)
        for i in range(1, 31):
            p = add_proposal(container, f"Idée {i:02d}", "Une idée.", "markdown", None,
                             category="Nature" if i % 2 else "Mobilité", catalog=False)
            for k in range(i % 7):
                cast_support(container, p, f"u{k}", {})
            if i % 9 == 0:
                withdraw(p)
        new = container.proposal_index
        numbers = list(new.all)
        old = ProposalIndex.__new__(ProposalIndex)
        old.__dict__.update(
            last_number=30, salt=new.salt, all=IITreeSet(numbers),
            recent=IITreeSet(MAX_COUNT - n for n in numbers),
            by_support=LLTreeSet(support_key(new.supports.get(n), n) for n in numbers),
            support_counts=IIBTree({n: new.supports.get(n) for n in numbers}),
            randoms=tuple(LLTreeSet((new.random_rank(k, n) << 32) | n for n in numbers)
                          for k in range(RANDOM_ORDERS)),
            facets=new.facets, user_supports=new.user_supports,
            by_comments=LLTreeSet(support_key(0, n) for n in numbers), comment_counts=IIBTree())
        container.proposal_index = old
        for name in ("proposals.0003_listing_layout", "proposals.0006_facet_orders"):
            app.evolved.remove(name)
    walked = titles(site.browser().get(BASE, params={"category": "Nature", "order": "supported"}))
    ran = evolve(site.platform.db, site.platform.plugins.evolve_steps, out=lambda *_a: None)
    assert ran == ["proposals.0003_listing_layout", "proposals.0006_facet_orders"]
    with site.platform.tx() as app:
        index = site.container(app).proposal_index
        assert index.layout == 2 and index.facet_orders is not None
        assert _kept(index) == _expected(index)
    assert titles(site.browser().get(BASE, params={"category": "Nature", "order": "supported"})) \
        == walked and len(walked) == 13
