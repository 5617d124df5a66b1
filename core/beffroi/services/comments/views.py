"""Views of comments, for every content type with ``commentable = True``.

``<content>/comment`` (POST) adds a comment or a reply. A comment's own URL is
``<content>/comments/<id>/<action>``: content objects do not traverse further, so the
``comments`` view finds the comment and calls the view named ``<action>`` registered
for it (``edit``, ``delete``, ``vote`` below, moderation's ``report`` …), permission
and CSRF checks included.
"""
from __future__ import annotations

from markupsafe import Markup
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.renderers import render, render_to_response
from pyramid.view import render_view_to_response, view_config

from beffroi.services.comments import model as core
from beffroi.services.follows import model as follows
from beffroi.services.moderation import model as moderation
from beffroi.accounts.users import author_name
from beffroi.i18n import _
from beffroi.services.notifications.queue import publish
from beffroi.resources.folder import Content

TEMPLATES = "beffroi:templates/comments/"


def _commentable(context):
    if not core.is_commentable(context):
        raise HTTPNotFound()
    return context


def comment_url(request, comment):
    """Where a comment is shown: its anchor on the commented object's page."""
    return request.resource_url(comment.commented) + f"#comment-{comment.__name__}"


def can_comment(request, content) -> bool:
    return (request.user is not None and core.comments_open(content, request)
            and bool(request.has_permission("participate", content)))


def thread_markup(request, content, form=None) -> Markup:
    """The thread of ``content`` and its comment form (``h.comments(content)``).

    ``form`` carries what was typed and the error when a POST is shown again."""
    user = request.user
    values = {
        "content": content,
        "tree": core.thread(content),
        "count": core.comment_count(content),
        "can_comment": can_comment(request, content),
        "is_open": core.comments_open(content, request),
        "user_id": user.id if user is not None else None,
        "is_moderator": bool(request.has_permission("space.moderate", content)),
        "max_depth": core.MAX_DEPTH,
        "max_length": core.max_length(content, request.organisation),
        "alignments": core.ALIGNMENTS,
        "author": lambda comment: author_name(request, comment.creator),
        "is_hidden": moderation.is_hidden,
        "form": form or {},
        "login_url": request.application_url + "/-/login?came_from=" + request.path_qs,
    }
    return Markup(render(TEMPLATES + "thread.pt", values, request=request))


def _form_page(request, content, form, page_title, action, comment=None, parent=None):
    """A page of its own showing the form with its error next to the field and what the
    person typed (works without JavaScript); 400 when it reports an error."""
    if parent is None and form.get("reply_to"):
        parent = core.get_comment(content, form["reply_to"])
    response = render_to_response(TEMPLATES + "form.pt", {
        "page_title": page_title, "content": content, "form": form, "action": action,
        "comment": comment, "alignments": core.ALIGNMENTS, "parent": parent,
        "parent_author": author_name(request, parent.creator) if parent is not None else "",
        "is_hidden": moderation.is_hidden,
        "max_length": core.max_length(content, request.organisation),
        "back": request.resource_url(content) + (
            f"#comment-{comment.__name__}" if comment is not None else "#comments"),
    }, request=request)
    if form.get("error"):
        response.status_int = 400
    return response


def _require_comment_authorisation(request, content):
    """Verifications the space's admins require to comment in a module that declares the
    ``comment`` action (``ModuleInfo.actions``); raises ``AuthorisationRequired``."""
    from pyramid.traversal import find_interface

    from beffroi.resources.module import ModuleContainer
    from beffroi.services.verification.authorisations import container_actions, require_authorisation
    container = find_interface(content, ModuleContainer)
    if container is not None and "comment" in container_actions(request, container):
        require_authorisation(request, container, "comment",
                              came_from=request.resource_url(content))


@view_config(context=Content, name="comment", permission="participate",
             request_method="GET")
def reply_form_view(context, request):
    """The form to answer one comment (a page of its own: threads stay light)."""
    content = _commentable(context)
    parent = core.get_comment(content, request.params.get("reply_to", ""))
    if parent is None or parent.deleted or moderation.is_hidden(parent):
        raise HTTPNotFound()
    form = {"reply_to": parent.__name__, "alignment": "0"}
    if not core.comments_open(content, request):
        form["error"], form["field"] = request.localizer.translate(_("Comments are closed.")), "body"
    elif parent.depth + 1 >= core.MAX_DEPTH:
        form["error"] = request.localizer.translate(_("Replies go three levels deep at most."))
    return _form_page(request, content, form, _("Reply"), request.resource_url(content, "comment"),
                      parent=parent)


@view_config(context=Content, name="comment", permission="participate",
             request_method="POST")
def add_comment_view(context, request):
    """Add a comment (or a reply), follow the content, notify its followers."""
    content = _commentable(context)
    post = request.POST
    form = {"body": post.get("body", ""), "alignment": post.get("alignment", "0"),
            "reply_to": post.get("reply_to", "")}
    title = _("Reply") if form["reply_to"] else _("Comment")
    if not core.comments_open(content, request):
        form["error"], form["field"] = _("Comments are closed."), "body"
        return _form_page(request, content, form, title, request.resource_url(content, "comment"))
    _require_comment_authorisation(request, content)
    try:
        comment = core.add_comment(content, request.organisation, request.user.id,
                                   form["body"], form["alignment"], form["reply_to"] or None)
    except core.CommentError as exc:
        form["error"] = request.localizer.translate(exc.message, mapping=exc.mapping)
        form["field"] = exc.field
        return _form_page(request, content, form, title, request.resource_url(content, "comment"))
    follows.follow(request.organisation, request.user.id, content)
    publish(request, "comments.new", content, actor=request.user,
            title=str(getattr(content, "title", "") or ""), url=comment_url(request, comment))
    request.session.flash(request.localizer.translate(_("Your comment is published.")))
    return HTTPFound(location=comment_url(request, comment))


@view_config(context=Content, name="comments", permission="view")
def comment_dispatch(context, request):
    """``<content>/comments/<id>/<action>``: call the view ``<action>`` of that comment."""
    content = _commentable(context)
    if not request.subpath:
        return HTTPFound(location=request.resource_url(content) + "#comments")
    comment = core.get_comment(content, request.subpath[0])
    if comment is None:
        raise HTTPNotFound()
    action = request.subpath[1] if len(request.subpath) > 1 else ""
    if not action:
        return HTTPFound(location=comment_url(request, comment))
    if len(request.subpath) > 2:
        raise HTTPNotFound()
    if moderation.is_hidden(comment) and action != "report" \
            and not request.has_permission("space.moderate", comment):
        from beffroi.services.moderation.views import HiddenByModeration
        raise HiddenByModeration()
    response = render_view_to_response(comment, request, name=action)
    if response is None:
        raise HTTPNotFound()
    return response


def _own(request, comment):
    if request.user is None or comment.creator != request.user.id or comment.deleted:
        raise HTTPForbidden()
    return comment


@view_config(context=core.Comment, name="edit", permission="participate",
             request_method=("GET", "POST"))
def edit_comment_view(comment, request):
    """Change one's own comment (text and alignment)."""
    _own(request, comment)
    content = comment.commented
    action = request.resource_url(comment, "edit")
    if request.method == "GET":
        form = {"body": comment.body, "alignment": str(comment.alignment)}
        return _form_page(request, content, form, _("Edit your comment"), action, comment)
    form = {"body": request.POST.get("body", ""), "alignment": request.POST.get("alignment", "0")}
    try:
        body = core.check_body(form["body"], core.max_length(content, request.organisation))
        alignment = core.parse_alignment(form["alignment"])
    except core.CommentError as exc:
        form["error"] = request.localizer.translate(exc.message, mapping=exc.mapping)
        form["field"] = exc.field
        return _form_page(request, content, form, _("Edit your comment"), action, comment)
    comment.edit(body, alignment)
    request.session.flash(request.localizer.translate(_("Your comment is saved.")))
    return HTTPFound(location=comment_url(request, comment))


@view_config(context=core.Comment, name="delete", permission="participate",
             request_method="POST")
def delete_comment_view(comment, request):
    """Delete one's own comment; its replies stay."""
    _own(request, comment)
    core.delete_comment(comment)
    request.session.flash(request.localizer.translate(_("Your comment is deleted.")))
    return HTTPFound(location=comment_url(request, comment))


@view_config(context=core.Comment, name="vote", permission="participate",
             request_method="POST")
def vote_comment_view(comment, request):
    """Vote a comment up or down; the same vote again withdraws it."""
    t = request.localizer.translate
    if comment.deleted:
        request.session.flash(t(_("A deleted comment cannot be voted on.")))
    elif comment.creator == request.user.id:
        request.session.flash(t(_("You cannot vote on your own comment.")))
    else:
        value = {"up": 1, "down": -1}.get(request.POST.get("vote"))
        if value is None:
            request.session.flash(t(_("Unknown vote.")))
        else:
            comment.vote(request.user.id, value)
    return HTTPFound(location=comment_url(request, comment))
