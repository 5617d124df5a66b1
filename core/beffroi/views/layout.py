"""What every page template gets: the skin's layout, the organisation, helpers."""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from beffroi.i18n import LANGUAGE_NAMES, _, plural_wording


_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def _escape(value) -> str:
    """``value`` escaped as Chameleon escapes text (``Markup`` kept): the apostrophes of
    French stay apostrophes; double quotes are escaped (safe in a double-quoted attribute)."""
    return str(escape(value)).replace("&#39;", "'")


def skin_for(request, organisation=None):
    skins = request.registry.beffroi.skins
    if not skins:
        raise RuntimeError("no skin is installed: install beffroi-skin-default (skins/default)")
    name = getattr(organisation, "skin", None)
    return skins.get(name) or skins.get("default") or next(iter(skins.values()))


def org_or_none(request):
    """The organisation whose look and links a page wears: None outside organisations
    and in the system administration (``/-/system``, neutral on every host: it belongs
    to no commune)."""
    if getattr(getattr(request, "matched_route", None), "name", None) == "system":
        return None
    try:
        return request.organisation
    except Exception:
        return None


class Helpers:
    """Small functions templates call as ``h.…``."""

    def __init__(self, request):
        self.request = request

    def t(self, message, mapping=None):
        return self.request.localizer.translate(message, mapping=mapping)

    def plural(self, singular, plural, n, mapping=None, domain="beffroi"):
        """A count with its noun in the page's language: ``<tal:n replace="h.plural(
        '${n} place', '${n} places', meeting.capacity, domain='beffroi_meetings')"/>``
        (see ``beffroi.i18n.pluralize``: the same shapes and errors; a plugin's template
        names its own domain). Write it in ``tal:replace``/``tal:content``: extraction
        does not read it in a ``${…}`` of the text (``i18n_tools check`` says so).

        Returns markup: the message escaped, its ``${names}`` filled with ``mapping``'s
        values escaped unless they are ``Markup`` already (``h.html(...)``), so a number
        may come wrapped in ``<strong>``."""
        wording = plural_wording(self.request, singular, plural, n, domain)
        values = {"n": n, **(mapping or {})}
        filled = _PLACEHOLDER.sub(
            lambda m: _escape(values[m.group(1)]) if m.group(1) in values else m.group(0),
            _escape(wording))
        return Markup(filled)

    def local(self, value):
        """A stored (UTC) datetime in the organisation's time zone."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        if getattr(value, "tzinfo", None) is None:
            return value
        try:
            return value.astimezone(ZoneInfo(self.request.organisation.timezone))
        except (ZoneInfoNotFoundError, ValueError, AttributeError):
            return value

    def date(self, value):
        if value is None:
            return ""
        value = self.local(value)
        return value.strftime("%d/%m/%Y") if self.request.locale_name == "fr" \
            else value.strftime("%Y-%m-%d")

    def iso(self, value):
        """A datetime for ``<time datetime="…">``: ISO 8601 to the second with its offset
        (HTML refuses more than three decimals; stored times have six)."""
        if value is None:
            return None
        return value.isoformat(timespec="seconds")

    def branding_url(self):
        """The organisation's ``branding.css`` with the version of its colour, so that a
        change shows at once (and the stylesheet may be cached for a year)."""
        from beffroi.views.site import branding_version
        org = org_or_none(self.request)
        if org is None:
            return None
        return f"{self.request.application_url}/-/branding.css?v={branding_version(org)}"

    def legal_links(self):
        """``(title, url)`` of the organisation's pages for the footer (terms of use,
        legal notice, privacy policy, accessibility statement)."""
        from beffroi.services.orgpages.model import TITLES, written_pages
        org = org_or_none(self.request)
        if org is None:
            return []
        base = self.request.application_url + "/-/pages/"
        return [(TITLES[page.slug], base + page.slug) for page in written_pages(org)]

    def datetime(self, value):
        """Date and time (hours and minutes) in the organisation's time zone."""
        if value is None:
            return ""
        return f"{self.date(value)} {self.local(value).strftime('%H:%M')}"

    def html(self, sanitised):
        """Mark text sanitised on the way in as safe to show."""
        return Markup(sanitised or "")

    def csrf(self):
        return self.request.session.get_csrf_token()

    def is_staff(self):
        """Does the participant administer anything (organisation or one of its spaces)?"""
        from beffroi.security import STAFF_ROLES
        user, org = self.request.user, self.request.organisation
        if user is None:
            return False
        if org.org_roles(user.id):
            return True
        return any(set(s.space_roles(user.id)) & set(STAFF_ROLES) for s in org.spaces.values())

    def can(self, permission, context=None):
        return bool(self.request.has_permission(
            permission, context if context is not None else self.request.context))

    def comments(self, content):
        """The comment thread of a commentable ``content`` and its form (empty otherwise)."""
        from beffroi.services.comments.model import is_commentable
        if not is_commentable(content):
            return Markup("")
        from beffroi.services.comments.views import thread_markup
        return thread_markup(self.request, content)

    def follow_button(self, obj):
        """A "Follow"/"Unfollow" button for a space, a content object or a participant."""
        from beffroi.services.follows.views import follow_button
        return follow_button(self.request, obj)

    def unread_notifications(self):
        """How many notifications the logged-in participant has not read (0 for visitors)."""
        from beffroi.services.notifications.model import unread_count
        user = self.request.user
        return unread_count(self.request.organisation, user.id) if user is not None else 0

    def report_form(self, content):
        """A "Report" disclosure (``<details>``, no script) opening a small accessible form
        to report ``content`` to moderators (logged-in only)."""
        from beffroi.services.moderation.model import REASON_TITLES
        request = self.request
        if request.user is None:
            return Markup("")
        t = request.localizer.translate
        # ids must be unique on a page listing many items: the object id is
        oid = getattr(content, "_p_oid", None)
        uid = "report-" + (oid.hex() if oid else getattr(content, "__name__", None) or "content")
        # a required select starts with an empty choice: nobody reports "spam" by default
        options = Markup('<option value="">{}</option>').format(t(_("Choose…"))) + Markup(
            "").join(Markup('<option value="{}">{}</option>').format(code, t(title))
                     for code, title in REASON_TITLES.items())
        return Markup(
            '<details class="report"><summary>{button}</summary>'
            '<form method="post" action="{action}" class="report-form">'
            '<input type="hidden" name="csrf_token" value="{csrf}">'
            '<input type="hidden" name="came_from" value="{back}">'
            '<label for="{uid}-reason">{label}</label> '
            '<select id="{uid}-reason" name="reason" required>{options}</select> '
            '<label for="{uid}-details" class="visually-hidden">{details}</label>'
            '<input id="{uid}-details" name="details" maxlength="1000" placeholder="{details}"> '
            '<button type="submit" class="secondary">{button}</button></form></details>'
        ).format(action=request.resource_url(content, "report"), csrf=self.csrf(),
                 back=request.path_qs, uid=uid, label=t(_("Report as")), options=options,
                 details=t(_("Explanation (optional)")), button=t(_("Report")))

    def meta_description(self, text=None):
        """The page's ``<meta name="description">`` as plain text of at most 160
        characters: ``text`` (plain or HTML), else the description of what the page shows
        (a space), else the organisation's description, else its name; None outside an
        organisation."""
        from beffroi.views.page_meta import plain_summary
        org = org_or_none(self.request)
        if org is None:
            return None
        context = getattr(self.request, "context", None)
        for candidate in (text, getattr(context, "description", None),
                          getattr(org, "description", None)):
            summary = plain_summary(candidate)
            if summary:
                return summary
        return org.name


def add_globals(event):
    request = event.get("request")
    if request is None:
        return
    org = org_or_none(request)
    skin = skin_for(request, org)
    event.setdefault("layout", get_renderer(skin.layout).implementation())
    event.setdefault("skin", skin)
    event.setdefault("org", org)
    event.setdefault("h", Helpers(request))
    event.setdefault("user", request.user if org is not None else None)
    event.setdefault("page_title", "")
    event.setdefault("languages", [(code, LANGUAGE_NAMES.get(code, code))
                                   for code in (org.locales if org else ("fr", "en"))])
    event.setdefault("_", _)
    if org is not None:
        for extra in request.registry.beffroi.call("extra_template_vars", request=request):
            for key, value in (extra or {}).items():
                event.setdefault(key, value)


def includeme(config):
    config.add_subscriber(add_globals, BeforeRender)
