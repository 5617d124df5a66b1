"""Benchmark of the surveys module: median time of its results pages at 1,000 and
10,000 answers. It prints figures; it asserts nothing.

Answers are submitted through ``Survey.submit`` (the code a participant's request runs,
counts included), committed in batches; each results page is then requested through
the WSGI app in-process, as a visitor (results public). The goal is under 100 ms at
1,000 answers; the ratio 10,000 / 1,000 shows whether a page walks the answers (it
should stay near 1: pages read the per-question counts).

    .venv/bin/python bench/surveys.py [--sizes 1000,10000] [--runs 50]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time

import transaction
from pyramid.request import Request
from ZODB.FileStorage import FileStorage

from beffroi.app import make_config
from beffroi.persistence import Database as DB
from beffroi.resources.root import get_app_root
from beffroi.spaces import add_space, enable_module
from beffroi.system.organisations import create_organisation

HOST = "surveys.bench.localhost"
SPACE = "enquete"
BATCH = 1000


def build(db):
    """The app as shipped (its retry count included) on ``db``, and an organisation with
    a space holding a published survey of every question type, results public."""
    app = make_config({"beffroi.db": db, "beffroi.secret": "bench-" + "x" * 40}).make_wsgi_app()
    plugins = app.registry.beffroi
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        from beffroi_surveys.model import add_survey
        root = get_app_root(conn)
        org = create_organisation(root, "Bench", HOST, (), allowed_plugins=plugins.modules.keys())
        space = add_space(plugins, org, SPACE, "Enquête", "participatory_process")
        space.published = True
        enable_module(plugins, org, space, "surveys")
        container = space["surveys"]
        container.settings["results_public"] = True
        survey = add_survey(container, "Votre quartier")
        survey.add_question("single", "Venez-vous ?", options=["Oui", "Non", "Parfois"])
        survey.add_question("multiple", "Transports", options=["Pied", "Vélo", "Bus", "Voiture"],
                            other=True)
        survey.add_question("ranking", "Classez", options=["Arbres", "Piste", "Jeux", "Bancs"])
        survey.add_question("matrix_single", "Avis", rows=["Propreté", "Bruit", "Sécurité"],
                            options=["Mauvais", "Moyen", "Bon"])
        survey.add_question("short", "Un mot")
        name = survey.__name__
    conn.close()
    return app, name


def answers(rng, n):
    ranking = [0, 1, 2, 3]
    rng.shuffle(ranking)
    out = {1: {"choices": [rng.randrange(3)], "other": None},
           2: {"choices": sorted(rng.sample(range(4), rng.randint(1, 3))),
               "other": "trottinette" if rng.random() < 0.1 else None},
           3: ranking, 4: {r: rng.randrange(3) for r in range(3)}}
    if rng.random() < 0.5:
        out[5] = f"mot {n}"
    return out


def fill(db, name, start, stop, rng):
    """Submit answers ``start`` … ``stop - 1`` (one person each), in batches."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for low in range(start, stop, BATCH):
            with tm:
                org = get_app_root(conn).organisation_for_host(HOST)
                survey = org.spaces[SPACE]["surveys"][name]
                for n in range(low, min(stop, low + BATCH)):
                    survey.submit(f"person-{n}", answers(rng, n))
            conn.cacheMinimize()
    finally:
        conn.close()


def timed(app, path):
    request = Request.blank(path, environ={"HTTP_HOST": HOST})
    start, cpu = time.perf_counter(), time.thread_time()
    response = request.get_response(app)
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    if response.status_int != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return elapsed, cpu


PAGES = (("all questions", ""), ("single choice", "/1"), ("multiple choice", "/2"),
         ("ranking", "/3"), ("matrix", "/4"), ("short answers (page 1)", "/5"))


def measure(app, name, runs):
    """{page: (wall median ms, CPU median ms)}."""
    base = f"/{SPACE}/surveys/{name}/results"
    out = {}
    for label, tail in PAGES:
        timed(app, base + tail)                     # warm the templates and the cache
        samples = [timed(app, base + tail) for _run in range(runs)]
        out[label] = (statistics.median(w for w, _c in samples) * 1000,
                      statistics.median(c for _w, c in samples) * 1000)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=50, help="requests per measured figure")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(2027)
    results = {}
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-surveys-") as tmp:
        os.makedirs(f"{tmp}/blobs")
        db = DB(FileStorage(f"{tmp}/Data.fs", blob_dir=f"{tmp}/blobs"), cache_size=100_000)
        app, name = build(db)
        done = 0
        for size in sizes:
            t0 = time.perf_counter()
            fill(db, name, done, size, rng)
            done = size
            seeded = time.perf_counter() - t0
            results[size] = measure(app, name, args.runs)
            print(f"\nsurveys: {size:,} answers (submitted in {seeded:.1f} s, "
                  f"{seeded / max(1, size - (sizes[sizes.index(size) - 1] if sizes.index(size) else 0)) * 1000:.2f} ms each) "
                  f"— results pages, median of {args.runs}, ms")
            print(f"  {'page':<26} {'wall median':>11} {'CPU median':>10}")
            for label, (wall, cpu) in results[size].items():
                print(f"  {label:<26} {wall:>11.1f} {cpu:>10.1f}")
        db.close()
    if len(sizes) > 1:
        small, big = results[sizes[0]], results[sizes[-1]]
        worst = max(small.values(), key=lambda f: f[0])[0]
        print(f"\nslowest results page at {sizes[0]:,} answers: {worst:.1f} ms wall (goal < 100 ms); "
              f"single-choice page at {sizes[-1]:,} / at {sizes[0]:,}: "
              f"{big['single choice'][0] / small['single choice'][0]:.2f}x; "
              f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
