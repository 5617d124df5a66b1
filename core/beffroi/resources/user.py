"""A participant account, local to one organisation."""
from __future__ import annotations

import uuid

from persistent import Persistent

from beffroi.resources.folder import now


class User(Persistent):
    __parent__ = None
    __name__ = None
    #: Bumped when the password changes: sessions opened before then stop being valid.
    session_version = 0
    avatar = None            # ZODB Blob (PNG, JPEG or WebP checked by Pillow) or None
    avatar_type = None       # its media type
    #: e-mail about notifications: "none", "immediate", "daily" or "weekly" (digests)
    notification_mail = "daily"
    #: notification kinds this participant does not want (neither in the app nor by mail)
    muted_notification_kinds = ()

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
