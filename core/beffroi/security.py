"""One security policy: identity from the signed session (valid while its server-side
record lives, see ``beffroi.accounts.sessions``), permissions from one table.

Who may do what is decided by ``PERMISSIONS`` (core) plus the permissions plugins
declare, each granted to roles. Roles come from three places: the organisation
(``admin``, ``user_manager``), the space in the context's lineage (``admin``,
``moderator``, ``evaluator``, ``collaborator``, ``member``) and the system
(system admins, outside every organisation). A space role counts only inside its own
space: a moderator of one space is nobody in another.
"""
from __future__ import annotations

from pyramid.authorization import Authenticated, Everyone
from pyramid.security import Allowed, Denied

from beffroi.resources.module import ModuleContainer
from beffroi.resources.space import Space

#: Core permissions → roles holding them. ``everyone`` and ``authenticated`` are
#: pseudo-roles; space roles apply only within their space; organisation admins hold all.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": ("everyone",),
    "participate": ("authenticated",),
    "space.preview": ("admin", "moderator", "evaluator", "collaborator"),
    "space.moderate": ("admin", "moderator"),
    "space.evaluate": ("admin", "evaluator"),
    "space.admin": ("admin",),
    "org.admin": (),                     # organisation admins only
    "org.manage_users": ("user_manager",),
}

ORG_ROLES = ("admin", "user_manager")
#: Roles that may see a space before it is published or while it is private.
STAFF_ROLES = ("admin", "moderator", "evaluator", "collaborator")


def lineage_of(context, kind):
    """The nearest ``kind`` in the lineage of ``context``; administration objects
    count as inside the space they manage (``managed_space``)."""
    while context is not None:
        if isinstance(context, kind):
            return context
        managed = getattr(context, "managed_space", None)
        if managed is not None and isinstance(managed, kind):
            return managed
        context = getattr(context, "__parent__", None)
    return None


class SecurityPolicy:
    """Pyramid 2 security policy. Identity is the ``User`` of the request's organisation."""

    def identity(self, request):
        return request.user

    def authenticated_userid(self, request):
        user = request.user
        return user.id if user is not None else None

    def remember(self, request, userid, **kw):
        """Open a server-side session record (``beffroi.accounts.sessions``) and a fresh cookie."""
        from beffroi.accounts.sessions import open_session
        request.session.invalidate()              # new session id on login: no fixation
        user = request.organisation.users.get(userid)
        if user is None:
            return []
        request.session["uid"] = userid
        request.session["org"] = request.organisation.id
        request.session["sid"] = open_session(user, request.user_agent or "")
        return []

    def forget(self, request, **kw):
        """End this browser's session on the server too: a copy of the cookie is worthless."""
        from beffroi.accounts.sessions import end_session
        user = request.user
        if user is not None:
            end_session(user, request.session.get("sid"))
        request.session.invalidate()
        return []

    def permits(self, request, context, permission):
        return permits(request, request.user, context, permission)


def load_user(request):
    """The logged-in participant, or None (reified as ``request.user``)."""
    uid = request.session.get("uid")
    if not uid:
        return None
    try:
        org = request.organisation
    except Exception:
        return None
    if request.session.get("org") != org.id:       # a session from another organisation
        return None
    user = org.users.get(uid)
    if user is None or user.blocked or user.deleted:
        return None
    # a session ended by logout, "log out everywhere", a password change or a block
    from beffroi.accounts.sessions import check_session, session_timeout
    if not check_session(user, request.session.get("sid"), session_timeout(request.registry.settings)):
        return None
    return user


def roles_in(user, organisation, space):
    """The pseudo-roles and roles ``user`` holds in ``space`` (which may be None)."""
    roles = {"everyone"}
    if user is None:
        return roles
    roles.add("authenticated")
    roles.update(f"org:{r}" for r in organisation.org_roles(user.id))
    if space is not None:
        roles.update(space.space_roles(user.id))
    return roles


def grants_for(request, permission):
    if permission in PERMISSIONS:
        return PERMISSIONS[permission]
    perm = request.registry.beffroi.permissions.get(permission)
    return perm.roles if perm is not None else None


def module_available(request, container):
    """A module can be used when its plugin is installed and allowed for the organisation."""
    name = container.module_name
    return (name in request.registry.beffroi.modules
            and name in request.organisation.allowed_plugins)


SYSTEM_SESSION_KEY = "system_admin"      # distinct from participants' "uid"
SYSTEM_SESSION_ID_KEY = "system_sid"     # its server-side session record (beffroi.accounts.sessions)


def current_system_admin(request):
    """The system admin logged in on this browser session, or None (cached per request).

    System admins live in ``AppRoot.system.admins`` (e-mail → account) and have no
    participant account; their session key is not the participants' one."""
    # cached on the request, not in the environ: a retried request (pyramid_retry)
    # shares the environ but has a new database connection
    cache = request.__dict__.setdefault("_beffroi_system_admin", [])
    if cache:
        return cache[0]
    admin = None
    email = request.session.get(SYSTEM_SESSION_KEY)
    if email:
        from pyramid_zodbconn import get_connection

        from beffroi.resources.root import get_app_root
        from beffroi.accounts.sessions import check_session, session_timeout
        admin = get_app_root(get_connection(request)).system.admins.get(email)
        if admin is not None and (getattr(admin, "blocked", False) or not check_session(
                admin, request.session.get(SYSTEM_SESSION_ID_KEY),
                session_timeout(request.registry.settings))):
            admin = None
    cache.append(admin)
    return admin


def permits(request, user, context, permission):
    from beffroi.resources.admin import SystemNode
    if isinstance(context, SystemNode) or permission == "system.admin":
        # the system area belongs to no organisation: only system admins, nothing else
        if permission == "system.admin" and current_system_admin(request) is not None:
            return Allowed("system admins administer the platform")
        return Denied("only system admins enter the system area")
    organisation = request.organisation
    weak = weak_admin_password(request, user)
    if user is not None and not weak and "admin" in organisation.org_roles(user.id):
        return Allowed(f"organisation admins hold {permission!r}")
    grants = grants_for(request, permission)
    if grants is None:
        return Denied(f"unknown permission {permission!r}")
    space = lineage_of(context, Space)
    roles = roles_in(user, organisation, space)
    roles.update(r.split(":", 1)[1] for r in list(roles) if r.startswith("org:"))
    if space is not None:
        if not weak and "admin" in space_roles_of(space, user):
            return Allowed("space admins hold every permission of their space")
        staff = bool(roles & set(STAFF_ROLES))
        if not space.published and not staff:
            return Denied("the space is not published")
        member = bool(space_roles_of(space, user))
        if space.visibility == "private" and not member:
            return Denied("the space is private")
        if space.visibility != "public" and not member:
            # in private and transparent spaces only members take part
            roles.discard("authenticated")
        container = lineage_of(context, ModuleContainer)
        if container is not None and not (container.enabled and module_available(request, container)):
            return Denied("the module is disabled or unavailable")
    if weak:
        roles.discard("admin")         # until they choose a password long enough for it
    if roles & set(grants):
        return Allowed(f"{permission!r} is granted to {sorted(roles & set(grants))}")
    return Denied(f"{permission!r} needs one of {list(grants)}")


def weak_admin_password(request, user):
    """Does ``user`` hold an admin role with a password shorter than administrators
    need? Their admin roles then count for nothing until they choose a longer one
    (``accounts_core.needs_longer_password``); cached per request."""
    if user is None or user.admin_grade_password is not False:
        return False
    cache = request.__dict__.setdefault("_beffroi_weak_admin", {})
    if user.id not in cache:
        from beffroi.accounts.users import needs_longer_password
        cache[user.id] = needs_longer_password(request.organisation, user)
    return cache[user.id]


def space_roles_of(space, user):
    return space.space_roles(user.id) if user is not None else ()


def principals_for(request):
    """Principals in Pyramid's sense, for code that wants them (views, templates)."""
    user = request.user
    if user is None:
        return [Everyone]
    return [Everyone, Authenticated, f"user:{user.id}"]
