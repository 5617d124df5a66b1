"""System administration under ``/-/system/``: organisations and their first admins.

Reached through the ``system`` route on every organisation host and on the dedicated
host ``beffroi.system_host`` when it is set. System admins (``AppRoot.system.admins``)
have no participant account: their session key is ``security.SYSTEM_SESSION_KEY``."""
from __future__ import annotations

import secrets

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.view import forbidden_view_config, view_config
from pyramid_zodbconn import get_connection

from beffroi.services.actionlog import model as actionlog

from beffroi.accounts import throttle
from beffroi.accounts.users import EMAIL_RE, AccountError, create_user
from beffroi.forms import make_form, validate
from beffroi.i18n import LANGUAGE_NAMES, _
from beffroi.system.organisations import create_organisation, set_hosts, time_zone_names
from beffroi.accounts.passwords import burn_time, verify_password
from beffroi.resources.admin import SystemOrganisation, SystemOrganisations, SystemRoot
from beffroi.resources.organisation import LOCALES, REGISTRATION_MODES
from beffroi.resources.root import get_app_root
from beffroi.security import SYSTEM_SESSION_ID_KEY, SYSTEM_SESSION_KEY, current_system_admin
from beffroi.accounts.sessions import end_session, open_session
from beffroi.tenancy import normalise_host
from beffroi.urls import organisation_url
from beffroi.accounts.views_login import CredentialsSchema
from beffroi.admin.forms import checkbox_set, field_error, host_problem, lines, validate_whole
from beffroi.accounts.views_login import TOO_MANY, client_address
from beffroi.views.site import safe_came_from

INVITE_TTL = 7 * 24 * 3600
MODES = {"open": _("Open: anyone can register"),
         "invitation": _("On invitation only"), "closed": _("Closed")}


def system_root(request):
    """Route factory: the system area, on an organisation host or the system host."""
    system_host = normalise_host(request.registry.settings.get("beffroi.system_host", ""))
    if not system_host or normalise_host(request.host) != system_host:
        request.organisation          # unknown host → neutral 404; secondary host → 301
    return SystemRoot(get_app_root(get_connection(request)))


def includeme(config):
    config.add_route("system", "/-/system/*traverse", factory=system_root)


def system_url(request, *parts):
    return request.application_url + "/-/system/" + "".join(f"{p}/" for p in parts)


# --- login -------------------------------------------------------------------------------

class SystemLoginSchema(CredentialsSchema):
    """System admins log in with an e-mail and a password, like participants."""


class SystemThrottle:
    """Gives ``beffroi.accounts.throttle`` a place outside every organisation for the failed
    logins of system admins: ``AppRoot.system.login_throttle``, made on the first failure."""

    def __init__(self, system):
        self._system = system

    @property
    def throttle(self):
        return getattr(self._system, "login_throttle", None)

    @throttle.setter
    def throttle(self, tree):
        self._system.login_throttle = tree


def _throttled(holder, request, email):
    return (throttle.is_throttled(holder, throttle.LOGIN_ACCOUNT, email)
            or throttle.is_throttled(holder, throttle.LOGIN_ADDRESS, client_address(request)))


@view_config(route_name="system", context=SystemRoot, name="login",
             request_method=("GET", "POST"), renderer="beffroi:templates/form.pt")
def system_login(context, request):
    form = make_form(request, SystemLoginSchema(), buttons=("login",), action=request.url)
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            email = appstruct["email"].strip().lower()
            holder = SystemThrottle(context.app_root.system)
            admin = context.app_root.system.admins.get(email)
            if _throttled(holder, request, email):
                error = TOO_MANY             # same answer whether the account exists or not
            else:
                if admin is None:
                    burn_time()              # same cost whether the account exists or not
                elif verify_password(admin, appstruct["password"]) and \
                        not getattr(admin, "blocked", False):
                    throttle.reset(holder, throttle.LOGIN_ACCOUNT, email)
                    request.session.invalidate()   # new session: no fixation, no participant left
                    request.session[SYSTEM_SESSION_KEY] = email
                    request.session[SYSTEM_SESSION_ID_KEY] = open_session(
                        admin, request.user_agent or "")
                    return HTTPFound(location=safe_came_from(request, "/-/system/"))
                throttle.record(holder, throttle.LOGIN_ACCOUNT, email)
                throttle.record(holder, throttle.LOGIN_ADDRESS, client_address(request))
                error = _("Wrong e-mail address or password.")
            html = form.render({"email": appstruct["email"]})
    else:
        html = form.render()
    return {"page_title": _("System administration"), "form": html, "error": error}


@view_config(route_name="system", context=SystemRoot, name="logout", request_method="POST")
def system_logout(context, request):
    admin = current_system_admin(request)
    if admin is not None:
        end_session(admin, request.session.get(SYSTEM_SESSION_ID_KEY))
    request.session.invalidate()
    return HTTPFound(location=system_url(request, "login"))


@forbidden_view_config(route_name="system")
def system_forbidden(exc, request):
    if current_system_admin(request) is None and request.method == "GET":
        return HTTPFound(location=system_url(request, "login"))
    response = render_to_response("beffroi:templates/error.pt", {
        "page_title": _("Access refused"),
        "message": _("Only system administrators enter this area.")}, request=request)
    response.status_int = 403
    return response


# --- organisations -----------------------------------------------------------------------

@view_config(route_name="system", context=SystemRoot, permission="system.admin",
             request_method="GET", renderer="beffroi:templates/system/index.pt")
def system_index(context, request):
    orgs = sorted(context.app_root.organisations.values(), key=lambda o: o.name.lower())
    return {"page_title": _("System administration"), "organisations": orgs,
            "admin": current_system_admin(request), "base": system_url(request)}


@colander.deferred
def _module_choices(node, kw):
    request = kw["request"]
    return deform.widget.CheckboxChoiceWidget(values=[
        (name, request.localizer.translate(info.title))
        for name, info in sorted(request.registry.beffroi.modules.items())])


def _check_organisation(form_node, value):
    """Cross-field checks: hosts free and valid, default locale among the locales."""
    bindings = form_node.bindings
    app_root, org = bindings["app_root"], bindings["organisation"]
    error = colander.Invalid(form_node)
    problem = host_problem(app_root, value["host"], org)
    if problem:
        error["host"] = problem
    seen = {normalise_host(value["host"])}
    for host in lines(value["secondary_hosts"]):
        problem = host_problem(app_root, host, org)
        if problem is None and normalise_host(host) in seen:
            problem = _("A host is given twice.")
        seen.add(normalise_host(host))
        if problem:
            error["secondary_hosts"] = problem
            break
    if value["default_locale"] not in value["locales"]:
        error["default_locale"] = _("The default language must be one of the languages chosen.")
    if error.children:
        raise error


class OrganisationSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_("Name"),
                               validator=colander.Length(min=1, max=200))
    host = colander.SchemaNode(colander.String(), title=_("Host name"),
                               description=_("For example: participation.commune.example.org"),
                               validator=colander.Length(max=253))
    secondary_hosts = colander.SchemaNode(
        colander.String(), title=_("Other host names"), missing="",
        description=_("One per line; they redirect to the host name above."),
        widget=deform.widget.TextAreaWidget(rows=3))
    locales = checkbox_set([(c, LANGUAGE_NAMES.get(c, c)) for c in LOCALES], _("Languages"),
                           validator=colander.Length(min=1))
    default_locale = colander.SchemaNode(
        colander.String(), title=_("Default language"), validator=colander.OneOf(LOCALES),
        widget=deform.widget.SelectWidget(values=[(c, LANGUAGE_NAMES.get(c, c)) for c in LOCALES]))
    timezone = colander.SchemaNode(
        colander.String(), title=_("Time zone"), default="Europe/Paris",
        description=_("Dates and times are shown in it: an IANA name such as Europe/Paris, "
                      "America/Cayenne or Pacific/Noumea."),
        validator=colander.Function(lambda value: value in time_zone_names(),
                                    _("Not a known time zone: give an IANA name such as "
                                      "Europe/Paris.")),
        preparer=lambda value: value.strip() if isinstance(value, str) else value)
    registration_mode = colander.SchemaNode(
        colander.String(), title=_("Registration"), validator=colander.OneOf(REGISTRATION_MODES),
        widget=deform.widget.SelectWidget(values=list(MODES.items())))
    allowed_plugins = colander.SchemaNode(colander.Set(), title=_("Allowed modules"),
                                          widget=_module_choices, missing=set())
    upload_max_mb = colander.SchemaNode(colander.Integer(), title=_("Largest upload (MB)"),
                                        validator=colander.Range(1, 1024), default=10)
    smtp_host = colander.SchemaNode(colander.String(), title=_("SMTP server"), missing="",
                                    description=_("Leave empty to use the platform's mail server."))
    smtp_port = colander.SchemaNode(colander.Integer(), title=_("SMTP port"), missing=587,
                                    validator=colander.Range(1, 65535))
    smtp_username = colander.SchemaNode(colander.String(), title=_("SMTP user name"), missing="")
    smtp_password = colander.SchemaNode(
        colander.String(), title=_("SMTP password"), missing="",
        description=_("Leave empty to keep the current password."),
        widget=deform.widget.PasswordWidget(autocomplete="new-password"))
    smtp_starttls = colander.SchemaNode(colander.Boolean(), title=_("Use STARTTLS"), missing=False)
    smtp_sender = colander.SchemaNode(colander.String(), title=_("Sender address"), missing="",
                                      validator=colander.Regex(EMAIL_RE.pattern,
                                                               _("Not a valid e-mail address.")))


def organisation_form(request, app_root, organisation, button):
    schema = OrganisationSchema(validator=_check_organisation)
    return make_form(request, schema, buttons=(button,), action=request.url,
                     bindings={"app_root": app_root, "organisation": organisation})


def _apply(org, appstruct):
    """Set the fields every organisation form shares (hosts apart)."""
    org.name = appstruct["name"].strip()
    org.locales = tuple(c for c in LOCALES if c in appstruct["locales"])
    org.default_locale = appstruct["default_locale"]
    org.registration_mode = appstruct["registration_mode"]
    org.timezone = appstruct["timezone"]
    org.allowed_plugins.clear()
    org.allowed_plugins.update(appstruct["allowed_plugins"])
    org.upload_max_bytes = appstruct["upload_max_mb"] * 1024 * 1024
    old = dict(org.smtp_settings or {})
    org.smtp_settings = {
        "host": appstruct["smtp_host"].strip(), "port": appstruct["smtp_port"],
        "username": appstruct["smtp_username"].strip(),
        "password": appstruct["smtp_password"] or old.get("password", ""),
        "starttls": appstruct["smtp_starttls"], "sender": appstruct["smtp_sender"].strip(),
    }


def _current(org):
    smtp = org.smtp_settings or {}
    return {"name": org.name, "host": org.host, "secondary_hosts": "\n".join(org.secondary_hosts),
            "locales": set(org.locales), "default_locale": org.default_locale,
            "registration_mode": org.registration_mode, "timezone": org.timezone,
            "allowed_plugins": set(org.allowed_plugins),
            "upload_max_mb": max(1, org.upload_max_bytes // (1024 * 1024)),
            "smtp_host": smtp.get("host", ""), "smtp_port": smtp.get("port") or 587,
            "smtp_username": smtp.get("username", ""), "smtp_starttls": bool(smtp.get("starttls")),
            "smtp_sender": smtp.get("sender", "")}


@view_config(route_name="system", context=SystemOrganisations, name="add",
             permission="system.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/form.pt")
def organisation_add(context, request):
    form = organisation_form(request, context.app_root, None, "create")
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            org = create_organisation(
                context.app_root, appstruct["name"], appstruct["host"],
                lines(appstruct["secondary_hosts"]), locales=sorted(appstruct["locales"]),
                default_locale=appstruct["default_locale"],
                registration_mode=appstruct["registration_mode"],
                allowed_plugins=appstruct["allowed_plugins"])
            _apply(org, appstruct)
            actionlog.record(request, "organisation.create", org.name, organisation=org,
                             host=org.host)
            request.session.flash(request.localizer.translate(_("Organisation created.")))
            return HTTPFound(location=system_url(request, "organisations", org.id))
    else:
        html = form.render({"locales": set(LOCALES), "default_locale": "fr", "timezone": "Europe/Paris",
                            "registration_mode": "open", "upload_max_mb": 10,
                            "allowed_plugins": set(request.registry.beffroi.modules)})
    return {"page_title": _("New organisation"), "form": html}


@view_config(route_name="system", context=SystemOrganisation, permission="system.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/system/organisation.pt")
def organisation_edit(context, request):
    org = context.organisation
    form = organisation_form(request, context.app_root, org, "save")
    if request.method == "POST":
        appstruct, html = validate_whole(request, form, lambda: _current(org))
        if appstruct is not None:
            set_hosts(context.app_root, org, appstruct["host"], lines(appstruct["secondary_hosts"]))
            _apply(org, appstruct)
            actionlog.record(request, "organisation.edit", org.name, organisation=org)
            request.session.flash(request.localizer.translate(_("Organisation saved.")))
            return HTTPFound(location=system_url(request, "organisations", org.id))
    else:
        html = form.render(_current(org))
    admins = [org.users.get(uid) for uid, roles in org.roles.items() if "admin" in roles]
    return {"page_title": org.name, "org_edited": org, "form": html,
            "admins": [a for a in admins if a is not None], "base": system_url(request)}


# --- inviting an organisation's first admin ---------------------------------------------

class InviteSchema(colander.MappingSchema):
    email = colander.SchemaNode(colander.String(), title=_("E-mail address"),
                                validator=colander.Regex(EMAIL_RE.pattern, _("Not a valid e-mail address.")),
                                widget=deform.widget.TextInputWidget(type="email", autocomplete="off"))
    name = colander.SchemaNode(colander.String(), title=_("Name"),
                               validator=colander.Length(min=1, max=100))


def invite_form(request, org):
    action = system_url(request, "organisations", org.id) + "invite"
    return make_form(request, InviteSchema(), buttons=("send",), action=action)


def set_password_url(request, org, token):
    """Link to the set-password page on the organisation's own host (``beffroi.urls``)."""
    return organisation_url(request.registry.settings, org, f"/-/password/set?token={token}")


def invite_admin(request, org, email, name):
    """Give the organisation admin role to ``email`` (a new unconfirmed account if needed)
    and mail a link to choose a password, valid 7 days."""
    from beffroi.services.mail.queue import queue_mail
    from beffroi.accounts.tokens import issue_token
    user = org.users.find_by_email(email)
    if user is None:
        # the random password is never told: the invitee sets their own from the link
        user = create_user(org, email, name, secrets.token_urlsafe(32), confirmed=False)
    org.set_org_roles(user.id, set(org.org_roles(user.id)) | {"admin"})
    token = issue_token(org, user.id, "invite", INVITE_TTL)
    t = request.localizer.translate
    text = t(_(
        "Hello ${name},\n\nYou are invited to administer ${org} on its citizen participation "
        "platform.\nChoose your password with this link (valid 7 days):\n\n${url}\n",
        mapping={"name": user.name, "org": org.name, "url": set_password_url(request, org, token)}))
    queue_mail(org, user.email, t(_("Administer ${org}", mapping={"org": org.name})), text)
    actionlog.record(request, "organisation.invite_admin", user.email, organisation=org)
    return user


@view_config(route_name="system", context=SystemOrganisation, name="invite",
             permission="system.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/form.pt")
def organisation_invite(context, request):
    org = context.organisation
    form = invite_form(request, org)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            try:
                invite_admin(request, org, appstruct["email"], appstruct["name"])
            except AccountError:
                html = field_error(form, appstruct, "email", _("This address cannot be used."))
            else:
                request.session.flash(request.localizer.translate(
                    _("Invitation sent to ${email}.", mapping={"email": appstruct["email"]})))
                return HTTPFound(location=system_url(request, "organisations", org.id))
    else:
        html = form.render()
    return {"page_title": _("Invite an administrator of ${org}", mapping={"org": org.name}),
            "intro": _("They receive an e-mail with a link to choose their password, valid 7 days."),
            "form": html}
