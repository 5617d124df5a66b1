"""More commands: spaces, modules and accounts from the terminal."""
from __future__ import annotations

import getpass


def _space_add(env, args):
    from beffroi.system.organisations import find_organisation
    from beffroi.spaces import add_space
    with env.app_root() as app:
        org = find_organisation(app, args.organisation)
        space = add_space(env.plugins, org, args.slug, args.title, args.type,
                          args.description or "", visibility=args.visibility, scope=args.scope or "")
        space.published = args.publish
    env.out(f"created space {args.slug!r} in {org.id}: http://{org.host}/{args.slug}/")


def _module_enable(env, args):
    from beffroi.system.organisations import find_organisation
    from beffroi.spaces import disable_module, enable_module
    with env.app_root() as app:
        org = find_organisation(app, args.organisation)
        space = org.spaces.get(args.space)
        if space is None:
            raise ValueError(f"no space {args.space!r} in {org.id}")
        if args.disable:
            disable_module(env.plugins, space, args.module)
        else:
            enable_module(env.plugins, org, space, args.module)
    env.out(f"{args.module} {'disabled' if args.disable else 'enabled'} in {args.space}")


def _user_add(env, args):
    from beffroi.accounts.users import create_user
    from beffroi.system.organisations import find_organisation
    password = args.password or getpass.getpass("password: ")
    with env.app_root() as app:
        org = find_organisation(app, args.organisation)
        user = create_user(org, args.email, args.name, password, confirmed=True,
                           admin="admin" in (args.org_role or ()))
        if args.org_role:
            org.set_org_roles(user.id, args.org_role)
    env.out(f"created {args.email} in {org.id}")


def add_commands(sub):
    from beffroi.cli.mail import add_commands as add_mail_commands
    add_mail_commands(sub)
    p = sub.add_parser("space", help="spaces")
    s = p.add_subparsers(dest="space_command", metavar="ACTION")
    s.required = True
    a = s.add_parser("add", help="create a space")
    a.add_argument("organisation", help="id or host")
    a.add_argument("--slug", required=True)
    a.add_argument("--title", required=True)
    a.add_argument("--type", default="participatory_process")
    a.add_argument("--description")
    a.add_argument("--visibility", default="public", choices=("public", "private", "transparent"))
    a.add_argument("--scope", help="territory")
    a.add_argument("--publish", action="store_true")
    a.set_defaults(func=_space_add)

    p = sub.add_parser("module", help="enable or disable a module in a space")
    p.add_argument("organisation", help="id or host")
    p.add_argument("space")
    p.add_argument("module")
    p.add_argument("--disable", action="store_true")
    p.set_defaults(func=_module_enable)

    p = sub.add_parser("user", help="participant accounts")
    s = p.add_subparsers(dest="user_command", metavar="ACTION")
    s.required = True
    a = s.add_parser("add", help="create a confirmed account")
    a.add_argument("organisation", help="id or host")
    a.add_argument("--email", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--password", help="prompted when omitted")
    a.add_argument("--org-role", action="append", choices=("admin", "user_manager"))
    a.set_defaults(func=_user_add)
    from beffroi.cli.plugins import add_commands as add_plugin_commands   # new-plugin, check-plugin, hooks
    add_plugin_commands(sub)
    from beffroi.cli.system import add_commands as add_system_commands
    add_system_commands(sub)
    __import__("beffroi.cli.notify", fromlist=["_"]).add_commands(sub)     # send-digests
    __import__("beffroi.cli.upkeep", fromlist=["_"]).add_commands(sub)     # backup, restore, pack
