"""One sorted order per state, territory and category (``ProposalIndex.facet_orders``):
kept true through every write, and a filtered page shows what walking the whole
order shows."""
from __future__ import annotations

import re

from beffroi_proposals.index import FACET_SORTS, ORDERED_FACETS, build_facet_orders
from beffroi_proposals.models import add_proposal, set_state, update_proposal, withdraw
from beffroi_proposals.supports import cast_support, withdraw_support

BASE = "/budget/proposals/"


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
