"""An organisation (tenant): a metropolis, a commune, a union of communes, an association."""
from __future__ import annotations

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.mapping import PersistentMapping

from beffroi.resources.folder import Folder, now

REGISTRATION_MODES = ("open", "invitation", "closed")
LOCALES = ("fr", "en")


class SiteTools:
    """The transient ``/-/`` segment: site-level pages that never collide with space slugs."""

    def __init__(self, organisation):
        self.__parent__ = organisation
        self.__name__ = "-"
        self.organisation = organisation

    def __getitem__(self, name):
        if name == "admin":
            from beffroi.resources.admin import AdminArea
            return AdminArea(self, name, self.organisation)
        if name == "account":
            from beffroi.accounts.users import AccountArea
            return AccountArea(self, self.organisation)
        raise KeyError(name)


class Users(Folder):
    """Participants of one organisation, by id, with a unique e-mail index."""

    def __init__(self):
        super().__init__()
        self.by_email = OOBTree()     # lower-cased e-mail → user id

    def find_by_email(self, email):
        uid = self.by_email.get((email or "").strip().lower())
        return self.get(uid) if uid is not None else None

    def add_user(self, user):
        email = user.email.lower()
        if email in self.by_email:
            raise ValueError(f"an account with {email} already exists")
        self.add(user.id, user, validate=False)
        self.by_email[email] = user.id
        return user

    def change_email(self, user, new_email):
        new_email = new_email.strip().lower()
        if new_email in self.by_email:
            raise ValueError(f"an account with {new_email} already exists")
        self.by_email.pop(user.email.lower(), None)
        user.email = new_email
        self.by_email[new_email] = user.id


class Organisation(Persistent):
    """A tenant. Every lookup of a request starts here, chosen by the request's host."""
    __parent__ = None
    __name__ = None
    smtp_settings = None     # dict (host, port, username, password, starttls, sender) or None
    tokens = None            # OOBTree sha256(token) → Token (beffroi.accounts.tokens), made on first use
    throttle = None          # OOBTree (window, kind, key) → Length (beffroi.accounts.throttle)
    moderation = None        # beffroi.services.moderation.model.Moderation, made on first report
    action_log = None        # beffroi.services.actionlog.model.ActionLog, made on first admin act
    moderation_threshold = 3                 # reports that hide content automatically
    upload_max_bytes = 10 * 1024 * 1024      # largest accepted upload (system admin sets it)

    def __init__(self, name, host, secondary_hosts=(), locales=LOCALES, default_locale="fr",
                 timezone="Europe/Paris"):
        self.name = name
        self.host = host
        self.secondary_hosts = tuple(secondary_hosts)
        self.locales = tuple(locales)
        self.default_locale = default_locale
        self.timezone = timezone
        self.description = ""
        self.primary_colour = "#1f5fa8"
        self.logo = None                 # ZODB Blob or None
        self.logo_type = None
        self.skin = "default"
        self.registration_mode = "open"
        self.allowed_plugins = OOTreeSet()
        self.module_settings = PersistentMapping()   # module name → {setting: value}
        self.roles = OOBTree()           # user id → tuple of organisation roles
        self.users = Users()
        self.spaces = Folder(owner=self)
        self.created = now()

    #: Set once when the organisation is added to the platform. The organisation is the
    #: traversal root of its requests, so its own ``__name__`` stays '' and it has no
    #: ``__parent__``: URLs read /<space>/, never /<organisation-id>/<space>/.
    id = None

    def __getitem__(self, name):
        if name == "-":
            return SiteTools(self)
        return self.spaces[name]

    def get(self, name, default=None):
        try:
            return self[name]
        except KeyError:
            return default

    def part(self, name, factory, create=False):
        """A store a service keeps on the organisation as attribute ``name`` (action log,
        moderation, follows …), made by ``factory`` on the first write only: a read
        (``create=False``) never writes and gets None when nothing was stored yet."""
        value = getattr(self, name, None)
        if value is None and create:
            value = factory()
            setattr(self, name, value)
        return value

    def all_hosts(self):
        return (self.host,) + tuple(self.secondary_hosts)

    def org_roles(self, user_id):
        return self.roles.get(user_id, ())

    def set_org_roles(self, user_id, roles):
        roles = tuple(sorted(set(roles)))
        if roles:
            self.roles[user_id] = roles
        else:
            self.roles.pop(user_id, None)
