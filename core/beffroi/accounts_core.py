"""Creating accounts and checking passwords: rules shared by the web and the CLI."""
from __future__ import annotations

import re

from beffroi.passwords import hash_password
from beffroi.resources.user import User

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
MIN_PASSWORD = 10
MIN_ADMIN_PASSWORD = 15


class AccountError(ValueError):
    """Bad account data; the message says what to change."""


def check_password(password, admin=False):
    minimum = MIN_ADMIN_PASSWORD if admin else MIN_PASSWORD
    if len(password or "") < minimum:
        raise AccountError(f"the password must have at least {minimum} characters")
    if len(password) > 1024:
        raise AccountError("the password is too long (1024 characters at most)")


def create_user(organisation, email, name, password, confirmed=False, locale=None):
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not a valid e-mail address")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise AccountError("the name is required (100 characters at most)")
    if organisation.users.find_by_email(email) is not None:
        raise AccountError(f"an account with {email} already exists")
    check_password(password)
    user = User(email, name, hash_password(password), locale)
    user.confirmed = confirmed
    return organisation.users.add_user(user)
