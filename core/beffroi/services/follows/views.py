"""Follow and unfollow: one POST form for spaces, content objects and participants."""
from __future__ import annotations

from markupsafe import Markup
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.traversal import find_resource
from pyramid.view import view_config

from beffroi.services.follows import model as follows
from beffroi.i18n import _
from beffroi.resources.organisation import SiteTools
from beffroi.resources.user import User
from beffroi.views.site import safe_came_from
from beffroi.visibility import is_open


def resolve_target(request, key):
    """The object a follow key names in the request's organisation, or None."""
    org = request.organisation
    if not isinstance(key, str) or not key or len(key) > 500:
        return None
    if key.startswith("@"):
        user = org.users.get(key[1:])
        return user if user is not None and not user.deleted else None
    if not key.startswith("/") or key.startswith("/-"):
        return None
    try:
        obj = find_resource(org, key)
    except (KeyError, ValueError, TypeError):
        return None
    # find_resource stops at objects that do not traverse further: insist on the exact path
    try:
        return obj if follows.target_key(obj) == key.rstrip("/") else None
    except ValueError:
        return None


def follow_button(request, obj) -> Markup:
    """The "Follow"/"Unfollow" form for ``obj`` (``h.follow_button(obj)``); nothing for
    visitors who are not logged in, nor on one's own profile."""
    user = request.user
    if user is None or (isinstance(obj, User) and obj.id == user.id):
        return Markup("")
    key = follows.target_key(obj)
    following = follows.is_following(request.organisation, user.id, key)
    if not following and not isinstance(obj, User) and not is_open(obj):
        return Markup("")
    t = request.localizer.translate
    label = t(_("Unfollow")) if following else t(_("Follow"))
    return Markup(
        '<form method="post" action="{action}" class="inline follow-form">'
        '<input type="hidden" name="csrf_token" value="{csrf}">'
        '<input type="hidden" name="target" value="{key}">'
        '<input type="hidden" name="action" value="{verb}">'
        '<input type="hidden" name="came_from" value="{back}">'
        '<button type="submit" class="secondary" aria-pressed="{pressed}">{label}</button>'
        '</form>'
    ).format(action=request.application_url + "/-/follow", csrf=request.session.get_csrf_token(),
             key=key, verb="unfollow" if following else "follow", back=request.path_qs,
             pressed="true" if following else "false", label=label)


@view_config(context=SiteTools, name="follow", permission="participate", request_method="POST")
def follow_view(context, request):
    """Follow or unfollow the target named in the form, then go back."""
    back = safe_came_from(request, request.POST.get("came_from", ""))
    key = request.POST.get("target", "")
    target = resolve_target(request, key)
    if target is None or not (isinstance(target, User)
                              or request.has_permission("view", target)):
        raise HTTPNotFound()
    t = request.localizer.translate
    if request.POST.get("action") != "unfollow" and not isinstance(target, User) \
            and not is_open(target):
        # hidden, deleted, unpublished or withdrawn: nothing more will happen to follow
        request.session.flash(t(_("This content can no longer be followed.")), "error")
        return HTTPFound(location=back)
    if request.POST.get("action") == "unfollow":
        follows.unfollow(context.organisation, request.user.id, follows.target_key(target))
        request.session.flash(t(_("You no longer follow this.")))
    else:
        follows.follow(context.organisation, request.user.id, follows.target_key(target))
        request.session.flash(t(_("You follow this now: you will be notified of what happens.")))
    return HTTPFound(location=back)
