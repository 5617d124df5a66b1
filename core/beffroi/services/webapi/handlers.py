"""The operations of ``/-/api/v1/``: each takes ``(request, op, params, query, body)``
and returns ``(status, data)``, or raises ``ApiError``.

What a person may read is decided as on the site: ``request.has_permission("view", …)``
for spaces (unpublished and private spaces are not there for outsiders) and
``beffroi.visibility.is_public`` for every item and comment (hidden, deleted,
unpublished content never appears, not even to moderators: the API is no moderation
tool). Writes call the functions the HTML views call, as the token's owner.
"""
from __future__ import annotations

import base64
import binascii
import itertools
import json

from beffroi.i18n import _
from beffroi.services.webapi.document import BASE, PAGE_LIMIT_DEFAULT
from beffroi.services.webapi.problems import ApiError
from beffroi.visibility import is_public


# --- paging by an opaque cursor -------------------------------------------------------------

def encode_cursor(name, position) -> str:
    """An opaque cursor: the last name shown and its position (fallback when that item
    has gone)."""
    raw = json.dumps([name, position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """``(name, position)`` of a cursor (``(None, 0)`` without one); 422 for anything
    else (a text, but not one of ours)."""
    if not cursor:
        return None, 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, position = json.loads(raw)
        if isinstance(name, str) and isinstance(position, int) and position >= 0:
            return name, position
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    message = _("This cursor is not one the API gave: start again without it.")
    raise ApiError(422, message, errors=[{"field": "cursor", "message": message}])


def resume(make, after, position):
    """The ``(name, object)`` pairs of ``make()`` after the one named ``after``; when it
    has gone, those after ``position`` (its place when the cursor was given)."""
    if after is None:
        yield from make()
        return
    found = False
    for name, obj in make():
        if found:
            yield name, obj
        elif name == after:
            found = True
    if not found:
        yield from itertools.islice(make(), position, None)


def folder_entries(folder):
    """``entries(after, position)`` over a core ``Folder`` in name order: resuming costs
    a BTree lookup, not a walk from the start (the names are the keys)."""
    def entries(after, position):
        keys = folder._items.keys(min=after, excludemin=True) if after is not None \
            else folder._items.keys()
        return ((name, folder._items[name]) for name in keys)
    return entries


def list_entries(make):
    """``entries(after, position)`` over any iterable of pairs (``make()`` makes it anew)."""
    return lambda after, position: resume(make, after, position)


def paged(query, entries, render):
    """One page after the query's cursor: ``entries(after, position)`` gives the
    ``(name, object)`` pairs from there in a stable order, each rendered by
    ``render(obj)`` (None: left out). Only the page's objects are rendered."""
    limit = query.get("limit") or PAGE_LIMIT_DEFAULT
    after, position = decode_cursor(query.get("cursor"))
    items, last, consumed = [], None, position
    for name, obj in entries(after, position):
        row = render(obj)
        if row is None:
            consumed += 1
            continue
        if len(items) == limit:
            return {"items": items, "next_cursor": encode_cursor(last, consumed)}
        items.append(row)
        last = name
        consumed += 1
    return {"items": items, "next_cursor": None}


# --- the organisation, spaces and phases ------------------------------------------------------

def organisation(request, op, params, query, body):
    org = request.organisation
    return 200, {"name": org.name, "description": org.description or "",
                 "url": request.application_url + "/", "locales": list(org.locales),
                 "default_locale": org.default_locale, "time_zone": org.timezone}


def me(request, op, params, query, body):
    user, token = request.user, request.api_token
    return 200, {"id": user.id, "name": user.display_name if hasattr(user, "display_name")
                 else user.name, "scope": token.scope}


def _space(request, slug):
    space = request.organisation.spaces.get(slug)
    if space is None or not request.has_permission("view", space):
        raise ApiError(404, _("No space you may see has this slug."))
    return space


def _phase_row(phase, current):
    return {"id": phase.id, "title": phase.title, "description": phase.description or "",
            "start": phase.start.isoformat() if phase.start else None,
            "end": phase.end.isoformat() if phase.end else None,
            "current": current is not None and phase.id == current.id}


def space_row(request, space):
    from beffroi.security import module_available
    plugins = request.registry.beffroi
    current = space.active_phase
    modules = []
    for name, container in space.modules.items():
        if not (container.enabled and module_available(request, container)):
            continue
        info = plugins.modules[container.module_name]
        modules.append({
            "name": name,
            "title": container.title or request.localizer.translate(info.title),
            "api": f"{request.application_url}{BASE}/spaces/{space.__name__}/{name}"
            if info.api is not None else None})
    return {"slug": space.__name__, "title": space.title,
            "description_html": space.description or "", "type": space.space_type,
            "visibility": space.visibility, "scope": getattr(space, "scope", "") or "",
            "url": request.resource_url(space),
            "current_phase": _phase_row(current, current) if current is not None else None,
            "modules": modules}


def spaces(request, op, params, query, body):
    org = request.organisation

    def render(space):
        return space_row(request, space) if request.has_permission("view", space) else None
    return 200, paged(query, folder_entries(org.spaces), render)


def space(request, op, params, query, body):
    return 200, space_row(request, _space(request, params["space"]))


def phases(request, op, params, query, body):
    space = _space(request, params["space"])
    current = space.active_phase
    return 200, {"items": [_phase_row(p, current) for p in space.phases]}


# --- a module's items ----------------------------------------------------------------------

def _container(request, op, params):
    from beffroi.security import module_available
    space = _space(request, params["space"])
    container = space.modules.get(op.module)
    if container is None or container.module_name != op.module or not container.enabled \
            or not module_available(request, container) \
            or not request.has_permission("view", container):
        raise ApiError(404, _("This space has no such module."))
    return container


def _api(request, op):
    return request.registry.beffroi.modules[op.module].api


def _row(request, api, item):
    if not is_public(item) or not request.has_permission("view", item):
        return None
    return api.row(request, item)


def _entries(request, api, container):
    if api.items is not None:
        return list_entries(lambda: ((item.__name__, item) for item in api.items(request, container)))
    return folder_entries(container)


def items(request, op, params, query, body):
    api = _api(request, op)
    container = _container(request, op, params)
    return 200, paged(query, _entries(request, api, container),
                      lambda item: _row(request, api, item))


def _item(request, op, params):
    api = _api(request, op)
    container = _container(request, op, params)
    item = container.get(params["item"])
    row = _row(request, api, item) if item is not None else None
    if row is None:
        raise ApiError(404, _("No item you may read has this id here."))
    return api, item, row


def item(request, op, params, query, body):
    return 200, _item(request, op, params)[2]


def create(request, op, params, query, body):
    api = _api(request, op)
    container = _container(request, op, params)
    created = api.create(request, container, body)
    row = _row(request, api, created)
    if row is None:          # made, but not public (moderation before publication)
        raise ApiError(409, _("Created, but not visible yet."))
    return 201, row


def support(request, op, params, query, body):
    api, item, _row_before = _item(request, op, params)
    api.support(request, item, request.method == "PUT")
    return 200, _row(request, api, item)


# --- comments ----------------------------------------------------------------------------------

def comment_row(request, comment):
    from beffroi.accounts.users import author_name
    from beffroi.services.comments.model import is_readable
    if not is_readable(comment) or not is_public(comment):
        return None
    return {"id": comment.__name__, "reply_to": comment.reply_to, "depth": comment.depth,
            "author": request.localizer.translate(author_name(request, comment.creator)),
            "body_html": comment.html or "", "alignment": comment.alignment,
            "score": comment.score(), "created": comment.created.isoformat(),
            "edited": comment.edited.isoformat() if comment.edited else None}


def _commentable(request, op, params):
    from beffroi.services.comments.model import is_commentable
    _api_, item, _row_ = _item(request, op, params)
    if not is_commentable(item):
        raise ApiError(404, _("This item takes no comments."))
    return item


def comments(request, op, params, query, body):
    from beffroi.services.comments.model import comment_folder
    item = _commentable(request, op, params)
    folder = comment_folder(item)
    found = sorted(folder.values(), key=lambda c: (c.created, c.__name__)) if folder is not None else []
    return 200, paged(query, list_entries(lambda: ((c.__name__, c) for c in found)),
                      lambda c: comment_row(request, c))


def add_comment(request, op, params, query, body):
    """As the form under an item (``beffroi.services.comments.views.post_comment``)."""
    from beffroi.services.comments.model import CommentError
    from beffroi.services.comments.views import post_comment
    item = _commentable(request, op, params)
    if not request.has_permission("participate", item):
        raise ApiError(403, _("You may not comment here."))
    try:
        comment = post_comment(request, item, body["body"], str(body.get("alignment", 0)),
                               body.get("reply_to") or None)
    except CommentError as exc:
        message = request.localizer.translate(exc.message, mapping=exc.mapping)
        raise ApiError(422, message, errors=[{"field": exc.field, "message": message}]) from None
    return 201, comment_row(request, comment)
