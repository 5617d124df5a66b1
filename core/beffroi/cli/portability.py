"""``beffroi org export|import|remove``: an organisation leaves or arrives with all its data."""
from __future__ import annotations


def _export(env, args):
    from beffroi.system.organisations import find_organisation
    from beffroi.system.portability import export_organisation
    from beffroi.resources.root import get_app_root
    conn = env.db.open()
    try:
        org = find_organisation(get_app_root(conn), args.organisation)
        manifest = export_organisation(conn, env.plugins, org, args.output)
    finally:
        conn.close()
    env.out(f"exported {manifest['name']} ({manifest['spaces']} spaces, "
            f"{manifest['participants']} participants) to {args.output}")


def _import(env, args):
    from beffroi.system.portability import import_organisation
    with env.app_root() as app:
        conn = app._p_jar
        org = import_organisation(conn, app, env.plugins, args.file, args.host,
                                  args.secondary_host)
        name, host = org.name, org.host
    env.out(f"imported {name} on http://{host}/")


def _remove(env, args):
    from beffroi.system.organisations import find_organisation
    from beffroi.system.portability import remove_organisation
    if not args.yes:
        raise ValueError("removing an organisation deletes its data here: export it first, "
                         "then repeat with --yes")
    with env.app_root() as app:
        org = find_organisation(app, args.organisation)
        name = org.name
        remove_organisation(app, org)
    env.out(f"removed {name}")


def add_commands(orgsub):
    p = orgsub.add_parser("export", help="write an organisation and all its data to a ZIP file")
    p.add_argument("organisation", help="id or host")
    p.add_argument("-o", "--output", required=True, help="the ZIP file to write")
    p.set_defaults(func=_export)
    p = orgsub.add_parser("import", help="load an organisation exported from another platform")
    p.add_argument("file")
    p.add_argument("--host", help="primary host here (default: the exported one)")
    p.add_argument("--secondary-host", action="append", help="secondary hosts here (repeat)")
    p.set_defaults(func=_import)
    p = orgsub.add_parser("remove", help="remove an organisation from this platform")
    p.add_argument("organisation", help="id or host")
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=_remove)
