"""``beffroi reindex`` (the organisation search) and ``beffroi open-data`` (the archives)."""
from __future__ import annotations

from beffroi.cli.env import CommandError


def _organisation_ids(env, wanted):
    from beffroi.system.organisations import find_organisation
    with env.app_root() as app:
        if wanted:
            return [find_organisation(app, wanted).id]
        return list(app.organisations.keys())


def _reindex(env, args):
    from beffroi.resources.root import app_root_of
    from beffroi.services.search.queue import reindex
    env.db                                      # registers the modules' search declarations
    for oid in _organisation_ids(env, args.organisation):
        with app_root_of(env.db) as app:
            organisation = app.organisations[oid]
            count = reindex(organisation)
            host = organisation.host
        env.out(f"{host}: {count} documents indexed for the search")


def _open_data(env, args):
    from beffroi.app import make_config
    from beffroi.services.opendata.store import refresh_all
    ids = _organisation_ids(env, args.organisation)
    if args.organisation and not ids:
        raise CommandError(f"no organisation {args.organisation!r}")
    settings = dict(env.settings, **{"beffroi.db": env.db, "beffroi.jobs": "false"})
    config = make_config(settings)
    config.commit()                                 # views, translations, plugins: as served
    registry = config.registry
    count = 0
    for oid in ids:
        count += refresh_all(env.db, registry, env.settings, force=not args.if_stale, only=oid,
                             out=env.out)
    env.out(f"{count} open-data archive(s) rebuilt")


def add_commands(sub):
    p = sub.add_parser("reindex", help="rebuild the search index of the organisations")
    p.add_argument("organisation", nargs="?", help="id or host (default: every organisation)")
    p.set_defaults(func=_reindex)
    p = sub.add_parser("open-data", help="rebuild the open-data archives of the organisations")
    p.add_argument("organisation", nargs="?", help="id or host (default: every organisation)")
    p.add_argument("--if-stale", action="store_true",
                   help="only those older than beffroi.open_data.max_age minutes")
    p.set_defaults(func=_open_data)
