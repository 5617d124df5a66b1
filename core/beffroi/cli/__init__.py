"""The ``beffroi`` command line. Every command takes the .ini file with ``-c``."""
from __future__ import annotations

import argparse
import json
import os
import sys



from beffroi.cli.env import CommandError, Env  # noqa: F401  (commands import them here too)


def _org_add(env, args):
    from beffroi.system.organisations import create_organisation
    with env.app_root() as app:
        org = create_organisation(app, args.name, args.host, args.secondary_host or (),
                                  args.locale or ("fr", "en"), args.default_locale,
                                  args.registration, args.allow or (), time_zone=args.time_zone)
        unknown = [p for p in (args.allow or ()) if p not in env.plugins.modules]
        oid, host = org.id, org.host
    env.out(f"created organisation {oid!r} on http://{host}/")
    if unknown:
        env.out(f"warning: modules not installed here: {', '.join(unknown)}")


def _org_list(env, args):
    with env.app_root() as app:
        rows = [{"id": o.id, "name": o.name, "host": o.host, "time_zone": o.timezone,
                 "secondary_hosts": list(o.secondary_hosts), "locales": list(o.locales),
                 "spaces": len(o.spaces), "participants": len(o.users),
                 "allowed_plugins": sorted(o.allowed_plugins)}
                for o in app.organisations.values()]
    if args.json:
        env.out(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        env.out("no organisation yet: add one with `beffroi org add --name N --host H`")
    for r in rows:
        env.out(f"{r['id']:<28} {r['host']:<32} {r['name']} "
                f"({r['spaces']} spaces, {r['participants']} participants)")


def _org_allow(env, args):
    from beffroi.system.organisations import find_organisation
    unknown = [p for p in args.modules if p not in env.plugins.modules]
    if unknown and not args.force:
        raise CommandError(f"modules not installed: {', '.join(unknown)} "
                           f"(installed: {', '.join(sorted(env.plugins.modules))})")
    with env.app_root() as app:
        org = find_organisation(app, args.organisation)
        if args.revoke:
            for name in args.modules:
                org.allowed_plugins.discard(name)
        else:
            org.allowed_plugins.update(args.modules)
        env.out(f"{org.id}: allowed modules: {', '.join(sorted(org.allowed_plugins)) or '(none)'}")


def _plugins(env, args):
    data = env.plugins.describe()
    if args.json:
        env.out(json.dumps(data, indent=2))
        return
    for p in data:
        env.out(f"{p['name']}  {p['distribution']} {p['version']}".rstrip())
        env.out(f"    hooks: {', '.join(p['hooks'])}")
        if p["modules"]:
            env.out(f"    modules: {', '.join(p['modules'])}")
        if p["space_types"]:
            env.out(f"    space types: {', '.join(p['space_types'])}")


def _evolve(env, args):
    from beffroi.evolve import evolve, pending
    if args.list:
        with env.app_root() as app:
            todo = pending(app, env.plugins.evolve_steps)
        for step in todo:
            env.out(f"pending: {step.name} {step.description}".rstrip())
        if not todo:
            env.out("the database is up to date")
        return
    done = evolve(env.db, env.plugins.evolve_steps, out=env.out)
    env.out(f"{len(done)} step(s) run" if done else "the database is up to date")


def _demo(env, args):
    from beffroi.devkit.demo import create_demo, server_address
    try:
        server = server_address(env.config_path)
    except ValueError as exc:
        raise CommandError(str(exc))
    mail = (env.settings.get("mail.host", "localhost"), env.settings.get("mail.port", "25"))
    with env.app_root() as app:
        lines = create_demo(app, env.plugins, server, mail)
    for line in lines:
        env.out(line)


def build_parser(plugins=None):
    parser = argparse.ArgumentParser(prog="beffroi", description="Run a Beffroi platform.")
    parser.add_argument("-c", "--config", default=os.environ.get("BEFFROI_CONFIG", "development.ini"),
                        help="the .ini file (default: $BEFFROI_CONFIG or development.ini)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    org = sub.add_parser("org", help="organisations (tenants)")
    orgsub = org.add_subparsers(dest="org_command", metavar="ACTION")
    orgsub.required = True
    p = orgsub.add_parser("add", help="create an organisation")
    p.add_argument("--name", required=True)
    p.add_argument("--host", required=True, help="primary host name, e.g. commune.example.org")
    p.add_argument("--secondary-host", action="append", help="a host redirected to the primary one")
    p.add_argument("--locale", action="append", choices=("fr", "en"), help="available locale (repeat)")
    p.add_argument("--default-locale", choices=("fr", "en"))
    p.add_argument("--registration", default="open", choices=("open", "invitation", "closed"))
    p.add_argument("--time-zone", default="Europe/Paris", metavar="ZONE",
                   help="IANA time zone of the dates shown (default Europe/Paris)")
    p.add_argument("--allow", action="append", metavar="MODULE", help="allow a module (repeat)")
    p.set_defaults(func=_org_add)
    p = orgsub.add_parser("list", help="list organisations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_org_list)
    p = orgsub.add_parser("allow", help="allow modules for an organisation (system admin)")
    p.add_argument("organisation", help="id or host")
    p.add_argument("modules", nargs="+")
    p.add_argument("--revoke", action="store_true", help="withdraw the permission instead")
    p.add_argument("--force", action="store_true", help="allow modules not installed here")
    p.set_defaults(func=_org_allow)
    from beffroi.cli.portability import add_commands as add_portability
    add_portability(orgsub)

    p = sub.add_parser("plugins", help="list installed plugins")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_plugins)
    p = sub.add_parser("evolve", help="run pending schema migrations")
    p.add_argument("--list", action="store_true", help="only list pending steps")
    p.set_defaults(func=_evolve)
    p = sub.add_parser("demo", help="create the demo organisations (idempotent)")
    p.set_defaults(func=_demo)
    from beffroi.cli.more import add_commands
    add_commands(sub)
    from beffroi.cli.search import add_commands as add_search_commands
    add_search_commands(sub)
    if plugins is not None:
        plugins.call("register_commands", subparsers=sub)
    return parser


def main(argv=None, out=print):
    argv = list(sys.argv[1:] if argv is None else argv)
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("-c", "--config", default=os.environ.get("BEFFROI_CONFIG", "development.ini"))
    known, _ = pre.parse_known_args(argv)
    env = Env(known.config, out=out)
    try:
        parser = build_parser(env.plugins)
        args = parser.parse_args(argv)
        args.func(env, args)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:     # validation errors from the services (OrganisationError …)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from beffroi.ops.database import database_problem
        from beffroi.plugins import PluginError
        if isinstance(exc, PluginError):
            print(f"error: {exc}", file=sys.stderr)
            return 3
        problem = database_problem(exc)      # locked, unreachable: the same line for every command
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        raise
    finally:
        try:
            env.close()
        except Exception:                    # a lost server connection must not hide the answer
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
