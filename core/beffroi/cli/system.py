"""``beffroi system-admin``: platform administrators, who belong to no organisation."""
from __future__ import annotations

import getpass


def add_system_admin(app_root, email, password, name=None):
    """Create the system admin ``email`` or change their password; returns True if new."""
    from beffroi.accounts.users import EMAIL_RE, AccountError, check_password
    from beffroi.accounts.passwords import hash_password
    from beffroi.resources.user import User
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not a valid e-mail address")
    check_password(password, admin=True)
    existing = app_root.system.admins.get(email)
    if existing is not None:
        existing.password_hash = hash_password(password)
        return False
    admin = User(email, name or email.split("@")[0], hash_password(password))
    admin.confirmed = True
    app_root.system.admins[email] = admin
    return True


def _system_admin_add(env, args):
    password = args.password or getpass.getpass("password (15 characters at least): ")
    with env.app_root() as app:
        created = add_system_admin(app, args.email, password, args.name)
    env.out(f"{'created' if created else 'updated the password of'} system admin {args.email}; "
            f"log in at /-/system/login on any organisation host")


def _system_admin_list(env, args):
    with env.app_root() as app:
        for email in app.system.admins.keys():
            env.out(email)


def add_commands(sub):
    p = sub.add_parser("system-admin", help="system administrators (outside every organisation)")
    s = p.add_subparsers(dest="system_admin_command", metavar="ACTION")
    s.required = True
    a = s.add_parser("add", help="create a system admin, or set their password")
    a.add_argument("--email", required=True)
    a.add_argument("--name")
    a.add_argument("--password", help="prompted when omitted (15 characters at least)")
    a.set_defaults(func=_system_admin_add)
    a = s.add_parser("list", help="list system admins")
    a.set_defaults(func=_system_admin_list)
