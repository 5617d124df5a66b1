"""Notification pages: the list at ``/-/notifications``, the settings at
``/-/account/notifications`` and the unsubscribe link of every e-mail."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.services.notifications import model as core
from beffroi.accounts.users import AccountArea
from beffroi.i18n import _
from beffroi.resources.organisation import SiteTools
from beffroi.services.mail.unsubscribe import unsubscribe_answer

TEMPLATES = "beffroi:templates/notifications/"


@view_config(context=SiteTools, name="notifications", permission="participate",
             request_method="GET", renderer=TEMPLATES + "list.pt")
def notification_list(context, request):
    """The participant's latest notifications, unread ones marked (reading changes nothing)."""
    kinds = core.notification_kinds(request.registry.beffroi)
    events = core.inbox_events(context.organisation, request.user.id)
    return {"page_title": _("Notifications"), "events": events, "kinds": kinds,
            "unread": core.unread_count(context.organisation, request.user.id)}


@view_config(context=SiteTools, name="notifications", permission="participate",
             request_method="POST")
def mark_read(context, request):
    core.mark_all_read(context.organisation, request.user.id)
    request.session.flash(request.localizer.translate(_("All notifications are marked as read.")))
    return HTTPFound(location=request.application_url + "/-/notifications")


def _followed(request):
    """What the participant follows, as ``(title, url or None, object)``, still existing."""
    from beffroi.services.follows.model import followed_by
    from beffroi.resources.user import User
    from beffroi.services.follows.views import resolve_target
    out = []
    for key in followed_by(request.organisation, request.user.id):
        obj = resolve_target(request, key)
        if obj is None:
            continue
        if isinstance(obj, User):
            out.append((request.localizer.translate(obj.display_name), None, obj))
        else:
            out.append((getattr(obj, "title", "") or key, request.resource_url(obj), obj))
    return sorted(out, key=lambda row: str(row[0]).lower())


def _settings_values(request, choice, muted, error=None):
    kinds = core.notification_kinds(request.registry.beffroi)
    return {"page_title": _("Notification settings"), "choices": core.MAIL_CHOICE_TITLES,
            "choice": choice, "muted": set(muted), "error": error,
            "kinds": sorted(kinds.values(), key=lambda i: i.kind),
            "followed": _followed(request)}


@view_config(context=AccountArea, name="notifications", permission="participate",
             request_method="GET", renderer=TEMPLATES + "settings.pt")
def settings_form(context, request):
    user = request.user
    return _settings_values(request, core.mail_choice(user), user.muted_notification_kinds)


@view_config(context=AccountArea, name="notifications", permission="participate",
             request_method="POST", renderer=TEMPLATES + "settings.pt")
def settings_save(context, request):
    """Save how the participant wants e-mail and which kinds they want at all."""
    user = request.user
    kinds = core.notification_kinds(request.registry.beffroi)
    choice = request.POST.get("mail", "")
    wanted = set(request.POST.getall("kinds"))
    muted = tuple(sorted(k for k in kinds if k not in wanted))
    if choice not in core.MAIL_CHOICES:
        request.response.status_int = 400
        return _settings_values(request, core.mail_choice(user), muted,
                                error=_("Choose how often you want e-mail."))
    user.notification_mail = choice
    user.muted_notification_kinds = muted
    request.session.flash(request.localizer.translate(_("Your notification settings are saved.")))
    return HTTPFound(location=request.application_url + "/-/account/notifications")


@view_config(context=SiteTools, name="unsubscribe", request_method="GET",
             renderer=TEMPLATES + "unsubscribe.pt")
def unsubscribe_page(context, request):
    """The link of every e-mail: a confirmation button (a GET never changes anything)."""
    return unsubscribe_answer(request, context.organisation, _("Stop e-mail notifications"),
                              core.check_unsubscribe_token)


def _stop_mail(user):
    if user.notification_mail != "none":      # a second click writes nothing
        user.notification_mail = "none"


# The signed token proves the request comes from the mail's recipient, which is what the
# CSRF token would prove; mail clients' one-click unsubscribe (RFC 8058) sends no CSRF token.
@view_config(context=SiteTools, name="unsubscribe", request_method="POST", require_csrf=False,
             renderer=TEMPLATES + "unsubscribe.pt")
def unsubscribe(context, request):
    """Set the e-mail choice of the token's participant to "none", without logging in."""
    return unsubscribe_answer(request, context.organisation, _("Stop e-mail notifications"),
                              core.check_unsubscribe_token, stop=_stop_mail)
