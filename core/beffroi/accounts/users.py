"""Participant accounts: rules shared by the web pages, the admin pages and the CLI.

Creating an account, the password policy, what deleting an account removes, and
what "download my data" contains. Views stay thin; this module holds the rules.
"""
from __future__ import annotations

import re

from pyramid.i18n import TranslationString

from beffroi.i18n import _
from beffroi.accounts.passwords import hash_password, is_common_password
from beffroi.resources.user import User

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
MIN_PASSWORD = 10
MIN_ADMIN_PASSWORD = 15
MAX_PASSWORD = 1024
MAX_NAME = 100


class AccountError(ValueError):
    """Bad account data; ``message`` (translatable) says what to change."""

    def __init__(self, message):
        self.message = message
        text = message.interpolate() if isinstance(message, TranslationString) else str(message)
        super().__init__(text)


def password_problem(password, admin=False, email=None):
    """What is wrong with ``password`` (a translatable message), or None when it is fine.

    At least 10 characters (15 for administrators), at most 1024, not a common
    password and not the e-mail address."""
    password = password or ""
    minimum = MIN_ADMIN_PASSWORD if admin else MIN_PASSWORD
    if len(password) < minimum:
        if admin:
            return _("Administrators need a password of at least ${min} characters.",
                     mapping={"min": minimum})
        return _("The password must have at least ${min} characters.", mapping={"min": minimum})
    if len(password) > MAX_PASSWORD:
        return _("The password is too long (${max} characters at most).", mapping={"max": MAX_PASSWORD})
    if is_common_password(password):
        return _("This password is too common: it is among the first ones tried by attackers. "
                 "Choose another, for example several unrelated words.")
    if email and password.strip().lower() in (email.lower(), email.lower().split("@")[0]):
        return _("The password must not be your e-mail address.")
    return None


def check_password(password, admin=False, email=None):
    """Raise ``AccountError`` when ``password`` breaks the policy (see ``password_problem``)."""
    problem = password_problem(password, admin, email)
    if problem is not None:
        raise AccountError(problem)


def needs_strong_password(organisation, user_id):
    """Does this account hold an organisation admin role or a space admin role?"""
    if user_id is None:
        return False
    if "admin" in organisation.org_roles(user_id):
        return True
    return any("admin" in space.space_roles(user_id) for space in organisation.spaces.values())


def note_password_length(user, password):
    """Remember whether ``password`` (just set, or just typed right at login) is long
    enough for an administrator; writes only when that changes."""
    grade = len(password or "") >= MIN_ADMIN_PASSWORD
    if user.admin_grade_password is not grade:
        user.admin_grade_password = grade


def needs_longer_password(organisation, user):
    """Does ``user`` hold an admin role with a password known to be shorter than the
    administrators' minimum? (They must choose a longer one before admin pages.)"""
    return (user is not None and user.admin_grade_password is False
            and needs_strong_password(organisation, user.id))


def normalise_email(email):
    """``email`` stripped and lower-cased, or ``AccountError`` when it is not an address
    mail can be sent to: syntax checked by the ``email-validator`` library (RFC 5321/5322,
    no DNS lookup), no control character, ASCII local part (SMTPUTF8 is not assumed)."""
    from email_validator import EmailNotValidError, validate_email
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AccountError(_("Enter a valid e-mail address, like name@example.org."))
    local, _at, domain = email.rpartition("@")
    # organisations of a development set-up (make serve, the demo, tests) live under
    # .localhost, a name the library reserves: check its syntax on a stand-in domain
    probe = f"{local}@{domain[:-len('localhost')]}org" if domain.endswith(".localhost") else email
    try:
        validate_email(probe, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise AccountError(_("Enter a valid e-mail address, like name@example.org.")) from None
    return email


def check_name(name):
    name = " ".join((name or "").split())
    if not name:
        raise AccountError(_("The name is required."))
    if len(name) > MAX_NAME:
        raise AccountError(_("The name is too long (${max} characters at most).", mapping={"max": MAX_NAME}))
    return name


def create_user(organisation, email, name, password, confirmed=False, locale=None, admin=False):
    """A new account of ``organisation``; raises ``AccountError`` on bad data."""
    email = normalise_email(email)
    name = check_name(name)
    if organisation.users.find_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    check_password(password, admin=admin, email=email)
    user = User(email, name, hash_password(password), locale)
    user.confirmed = confirmed
    note_password_length(user, password)
    return organisation.users.add_user(user)


def set_password(organisation, user, password):
    """Check the policy (stricter for administrators), store the hash, end every
    session of the account (the caller logs the current browser in again) and spend
    every link still out (``tokens.revoke_credentials_tokens``)."""
    from beffroi.accounts.sessions import end_all_sessions
    from beffroi.accounts.tokens import revoke_credentials_tokens
    check_password(password, admin=needs_strong_password(organisation, user.id), email=user.email)
    user.password_hash = hash_password(password)
    note_password_length(user, password)
    end_all_sessions(user)
    revoke_credentials_tokens(organisation, user.id)


def author_name(request, user_id):
    """What a page shows as the author of something ``user_id`` wrote (translated):
    the name, or "Deleted participant" once the account is gone."""
    user = request.organisation.users.get(user_id) if user_id else None
    if user is None or user.deleted:
        return request.localizer.translate(_("Deleted participant"))
    return user.nickname or user.name


# --- the /-/account area ------------------------------------------------------------------

class AccountArea:
    """Transient ``/-/account`` segment: the logged-in participant's own pages
    (views registered with ``context=AccountArea, name="…"``)."""

    def __init__(self, parent, organisation):
        self.__parent__ = parent
        self.__name__ = "account"
        self.organisation = organisation

    def __getitem__(self, name):
        raise KeyError(name)


# --- deleting an account --------------------------------------------------------------------

def delete_account(request, user):
    """Delete ``user``'s account: personal data wiped, roles and links removed, every
    plugin told (``on_account_deleted``). What they wrote stays, shown as written by
    "Deleted participant"; the id remains so content still points at a tombstone."""
    from beffroi.accounts.sessions import end_all_sessions
    org = request.organisation
    request.registry.beffroi.call("on_account_deleted", request=request, user=user)
    org.users.by_email.pop(user.email.lower(), None)
    end_all_sessions(user)               # logged out everywhere at once
    org.set_org_roles(user.id, ())
    for space in org.spaces.values():
        if space.space_roles(user.id):
            space.set_space_roles(user.id, ())
    user.deleted = True
    user.email = ""
    user.name = ""
    user.nickname = ""
    user.password_hash = None
    user.avatar = None
    user.avatar_type = None
    user.locale = None
