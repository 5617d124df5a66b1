"""Ballots live in a sharded tree (first voters at once do not conflict); budgets made
before keep working and are converted by evolve step ``budgets.0001_sharded_ballots``."""
from __future__ import annotations

from BTrees.OOBTree import OOBTree

from beffroi.sharded import ShardedTree


def test_an_older_budget_votes_before_and_after_the_evolve_step(site):
    url = site.budget(projects=[("Jardin", 40_000), ("Piste", 50_000)])
    ana, bob = site.user("ana@example.org"), site.user("bob@example.org")
    assert site.read(url, lambda b: isinstance(b.ballots, ShardedTree))
    ana_browser = site.browser("ana@example.org")
    site.vote(ana_browser, url, 1)

    def as_before(budget):                             # as an older version stored it
        budget.ballots = OOBTree(dict(budget.ballots.items()))
    site.read(url, as_before)
    site.checkout(ana_browser, url)                    # works on the plain tree
    from beffroi_budgets import _shard_ballots
    with site.platform.tx() as app:
        _shard_ballots(app)
    bob_browser = site.browser("bob@example.org")
    site.vote(bob_browser, url, 2)
    site.checkout(bob_browser, url)
    ballots = site.read(url, lambda b: (type(b.ballots).__name__,
                                        sorted((uid, v.checked_out is not None) for uid, v in b.ballots.items()),
                                        b.voters()))
    assert ballots == ("ShardedTree", sorted([(ana, True), (bob, True)]), 2)
