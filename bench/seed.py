"""Seeding for the benchmark: objects written directly, committed in batches."""
from __future__ import annotations

import functools

import transaction

from beffroi.services.comments import model as comments
from beffroi.services.comments.model import add_comment
from beffroi.system.organisations import create_organisation
from beffroi.resources.root import get_app_root
from beffroi.resources.user import User
from beffroi.spaces import add_space, enable_module
from beffroi_proposals.models import add_proposal, render_body, withdraw
from beffroi_proposals.supports import cast_support

HOST = "bench.localhost"
SPACE = "budget"
CONCURRENT_SPACE = "concurrency"
WORDS = ("banc", "arbre", "piste", "cyclable", "jardin", "école", "fontaine", "place", "marché",
         "éclairage", "parc", "quartier", "bibliothèque", "compost", "trottoir", "aire", "jeux")
BATCH = 5000
CATEGORIES = ("Mobilité", "Nature", "Culture", "Solidarité")
# Seeded comments come from a small vocabulary: render each distinct text once
# (the core builds a Markdown parser per comment, ~5 ms, which would dominate seeding).
comments.render_markdown = functools.lru_cache(maxsize=1024)(comments.render_markdown)


def create_platform(db, plugins, users=1000):
    """An organisation, two spaces with proposals, and ``users`` participants
    (no password: the benchmark signs their session cookies itself)."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        app = get_app_root(conn)
        org = create_organisation(app, "Bench", HOST, (), allowed_plugins=plugins.modules.keys())
        for slug in (SPACE, CONCURRENT_SPACE):
            space = add_space(plugins, org, slug, slug.title(), "participatory_process")
            space.published = True
            enable_module(plugins, org, space, "proposals")
            space["proposals"].settings["categories"] = "\n".join(CATEGORIES)
        ids = []
        for i in range(users):
            user = User(f"user{i}@bench.localhost", f"Participant {i}")
            user.confirmed = True
            org.users.add_user(user)
            ids.append(user.id)
    conn.close()
    return ids


def texts(rng, count=500):
    """A pool of (title, body, rendered body): rendering Markdown per proposal would be
    most of the seeding time, and the benchmark measures reading, not writing text."""
    out = []
    for _i in range(count):
        title = " ".join(rng.choice(WORDS) for _w in range(5)).capitalize()
        body = title + " : " + " ".join(rng.choice(WORDS) for _w in range(40))
        out.append((title, body, render_body(body, "markdown")))
    return out


def seed(db, user_ids, upto, rng):
    """Grow the bench space to ``upto`` proposals with random supports and comments."""
    pool = texts(rng)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        while True:
            with tm:
                org = get_app_root(conn).organisation_for_host(HOST)
                container = org.spaces[SPACE]["proposals"]
                have = len(container)
                if have >= upto:
                    return
                for _i in range(min(BATCH, upto - have)):
                    title, body, html = rng.choice(pool)
                    proposal = add_proposal(container, title, body, "markdown",
                                            rng.choice(user_ids), catalog=False, body_html=html,
                                            category=rng.choice(CATEGORIES))
                    # a skewed number of supports: most get few, some many
                    for uid in rng.sample(user_ids, min(len(user_ids) // 5, int(rng.paretovariate(1.2)) - 1)):
                        cast_support(container, proposal, uid, {})
                    if rng.random() < 0.2:
                        for _c in range(rng.randint(1, 3)):
                            add_comment(proposal, org, rng.choice(user_ids), "Bonne idée, " + rng.choice(WORDS))
                    if rng.random() < 0.01:
                        withdraw(proposal)
            conn.cacheMinimize()
    finally:
        conn.close()


def seed_concurrency_space(db, count=10):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        org = get_app_root(conn).organisation_for_host(HOST)
        container = org.spaces[CONCURRENT_SPACE]["proposals"]
        names = [add_proposal(container, f"Proposition {i}", "Une proposition à soutenir.",
                              "markdown", None, catalog=False).__name__ for i in range(count)]
    conn.close()
    return names


def numbers_of(db, space):
    """Every proposal number of ``space`` (to check that they are unique)."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        container = get_app_root(conn).organisation_for_host(HOST).spaces[space]["proposals"]
        out = [p.number for p in container.values()]
    conn.close()
    return out


def support_counts(db, space, names):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        org = get_app_root(conn).organisation_for_host(HOST)
        container = org.spaces[space]["proposals"]
        out = {n: (container[n].supports, len(container[n].supporters)) for n in names}
        index = container.proposal_index
        consistent = all(index.support_counts.get(container[n].number, 0) == container[n].supports
                         for n in names)
        if hasattr(index, "orders"):        # layout 2: each key sits at its count's level
            from beffroi.listing import pack
            from beffroi_proposals.index import count_rank
            tree = index.orders["supported"]
            consistent = consistent and all(
                pack(count_rank(container[n].supports), container[n].number) in tree for n in names)
    conn.close()
    return out, consistent

