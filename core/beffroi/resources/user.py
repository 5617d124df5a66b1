"""A participant account, local to one organisation."""
from __future__ import annotations

import uuid

from persistent import Persistent

from beffroi.resources.folder import now


class User(Persistent):
    __parent__ = None
    __name__ = None
    #: Kept for databases written before session records (``beffroi.accounts.sessions``); unused.
    session_version = 0
    #: Server-side session records (``beffroi.accounts.sessions``): OOBTree, made at first login.
    sessions = None
    #: Is the password long enough for an administrator (15 characters)? Learnt when it
    #: is set or typed at login; None until then. Admin pages ask for a longer one when False.
    admin_grade_password = None
    avatar = None            # ZODB Blob (PNG, JPEG or WebP checked by Pillow) or None
    avatar_type = None       # its media type
    #: e-mail about notifications: "none", "immediate", "daily" or "weekly" (digests)
    notification_mail = "daily"
    #: notification kinds this participant does not want (neither in the app nor by mail)
    muted_notification_kinds = ()
    #: when (UTC) the participant agreed to receive the organisation's newsletters; None: no
    newsletter_consent = None
    #: the version of the organisation's terms of use accepted, and when (UTC)
    accepted_terms_version = 0
    accepted_terms_at = None

    def __init__(self, email, name, password_hash=None, locale=None):
        self.id = uuid.uuid4().hex
        self.email = email.strip().lower()
        self.name = name
        self.nickname = ""
        self.password_hash = password_hash
        self.locale = locale
        self.confirmed = False
        self.blocked = False
        self.blocked_reason = ""
        self.official = False
        self.deleted = False
        self.created = now()

    @property
    def display_name(self):
        """The name shown with contributions: the nickname when given, and "Deleted
        participant" (a TranslationString, translated by templates) once deleted."""
        if self.deleted:
            from beffroi.i18n import _
            return _("Deleted participant")
        return self.nickname or self.name
