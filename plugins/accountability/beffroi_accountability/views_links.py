"""Linking a result to the items it came from: an admin searches the space's items
(the catalog's text indexes of the space's modules) or types an item's address, then
links; followers of the item hear that it became a result."""
from __future__ import annotations

from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory
from pyramid.traversal import find_resource

from beffroi.api import (
    LinkRefused, flash, is_public, item_key, link_items, publish, text_search_paths, unlink_items,
)
from beffroi_accountability.content import Result

_ = TranslationStringFactory("beffroi_accountability")
RELATION = "led_to_result"
SEARCH_LIMIT = 30


def _text_indexes(request, space):
    """Names of the text indexes of the modules enabled in ``space`` (not results)."""
    modules = request.registry.beffroi.modules
    names = []
    for container in space.modules.values():
        info = modules.get(container.module_name)
        if info is None or container.module_name == "results":
            continue
        names.extend(index.name for index in info.indexes if index.kind == "text")
    return names


def search_items(request, result, text):
    """Items of the result's space whose text matches ``text`` (what the admin may see,
    at most ``SEARCH_LIMIT``), as (key, object)."""
    space = result.__parent__.space
    prefix = item_key(space) + "/"
    own = item_key(result.__parent__) + "/"
    found, seen = [], set()
    for index in _text_indexes(request, space):
        for path in text_search_paths(request.organisation, index, text):
            if not path.startswith(prefix) or path.startswith(own) or path in seen:
                continue
            seen.add(path)
            obj = _at(request.organisation, path)
            if obj is not None and request.has_permission("view", obj):
                found.append((path, obj))
            if len(found) >= SEARCH_LIMIT:
                return found
    return found


def _at(organisation, path):
    try:
        return find_resource(organisation, path.strip("/").split("/"))
    except (KeyError, ValueError, TypeError):
        return None


def path_of_address(request, address) -> str | None:
    """The item path an admin typed: a whole URL of this organisation's site, or a path
    (``/space/proposals/3/``). None for an address of another site."""
    address = address.strip()
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        host = (parts.hostname or "").lower()
        if host not in {h.split(":")[0].lower() for h in request.organisation.all_hosts()}:
            return None
        address = parts.path
    return address.split("?")[0].split("#")[0].strip("/")


def link_view(context, request):
    """GET: the search form and what it finds; POST: link what was chosen."""
    errors, typed = [], {"q": request.params.get("q", "").strip()[:200],
                         "address": request.POST.get("address", "")}
    if request.method == "POST":
        chosen = [p for p in request.POST.getall("item") if p]
        for address in typed["address"].split()[:SEARCH_LIMIT]:
            path = path_of_address(request, address)
            if path is None:
                errors.append(_("This address is not on this organisation's site: only items "
                                "of the same organisation can be linked."))
            else:
                chosen.append(path)
        if not chosen and not errors:
            errors.append(_("Choose an item found by the search or type its address."))
        items = []
        for path in chosen:
            obj = _at(request.organisation, path)
            if obj is None or obj is context or isinstance(obj, Result) \
                    or not request.has_permission("view", obj) or not getattr(obj, "title", ""):
                errors.append(_("No item to link at “${path}”.", mapping={"path": path}))
                continue
            items.append(obj)
        if not errors:
            added = 0
            try:
                for obj in items:
                    if link_items(obj, context, RELATION):
                        added += 1
                        if is_public(obj):
                            publish(request, "results.linked", obj, title=context.title,
                                    url=request.resource_url(context))
            except LinkRefused:
                errors.append(_("Items of another organisation cannot be linked."))
            else:
                flash(request, _("Items linked to the result: ${n}.", mapping={"n": added}))
                return HTTPFound(location=request.resource_url(context, anchor="origins"))
    found = search_items(request, context, typed["q"]) if typed["q"] else []
    return {"page_title": _("Link the result to where it came from"), "result": context,
            "found": found, "typed": typed, "errors": errors,
            "searched": bool(typed["q"])}


def unlink_view(context, request):
    path = request.POST.get("item", "").strip("/")
    obj = _at(request.organisation, path)
    removed = False
    if path:
        try:
            removed = unlink_items(obj if obj is not None else path, context, RELATION)
        except LinkRefused:
            removed = False
    flash(request, _("The link is removed.") if removed else _("There was no such link."),
          "" if removed else "error")
    return HTTPFound(location=request.resource_url(context, anchor="origins"))


def includeme(config):
    tpl = "beffroi_accountability:templates/"
    config.add_view(link_view, context=Result, name="link", permission="results.manage",
                    request_method=("GET", "POST"), renderer=tpl + "link.pt")
    config.add_view(unlink_view, context=Result, name="unlink", permission="results.manage",
                    request_method="POST")
