"""Citizen pages: the organisation home, a space, a module's entry point."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from beffroi.infos import NavItem
from beffroi.resources.module import ModuleContainer
from beffroi.resources.organisation import Organisation
from beffroi.resources.space import Space
from beffroi.security import module_available


def visible_spaces(request, organisation):
    """Spaces the requester may see, in title order."""
    spaces = [s for s in organisation.spaces.values() if request.has_permission("view", s)]
    return sorted(spaces, key=lambda s: s.title.lower())


def module_nav(request, space, current=None):
    """Navigation of a space: its usable modules, then what plugins add."""
    items = []
    admin = request.has_permission("space.admin", space)
    for name, container in space.modules.items():
        usable = container.enabled and module_available(request, container)
        if not usable and not admin:
            continue
        info = request.registry.beffroi.modules.get(container.module_name)
        title = container.title or (request.localizer.translate(info.title) if info else name)
        items.append(NavItem(title=title, url=request.resource_url(container),
                             current=container is current,
                             extra={"usable": usable, "icon": info.icon if info else "⚠"}))
    hook = request.registry.beffroi.space_hook(space)
    for extra in hook.space_navigation(request=request, space=space):
        items.extend(extra or ())
    return items


def space_type_title(request, space):
    info = request.registry.beffroi.space_types.get(space.space_type)
    return request.localizer.translate(info.title) if info else space.space_type


@view_config(context=Organisation, permission="view", request_method="GET",
             renderer="beffroi:templates/home.pt")
def home(context, request):
    blocks = []
    for result in request.registry.beffroi.pm.hook.content_blocks(request=request,
                                                                   organisation=context):
        blocks.extend(result or ())
    return {"page_title": context.name, "spaces": visible_spaces(request, context),
            "blocks": blocks, "space_type_title": lambda s: space_type_title(request, s)}


@view_config(context=Space, permission="view", request_method="GET",
             renderer="beffroi:templates/space.pt")
def space_view(context, request):
    children = [s for s in visible_spaces(request, request.organisation)
                if s.parent == context.__name__]
    parent = request.organisation.spaces.get(context.parent) if context.parent else None
    return {"page_title": context.title, "space": context, "nav": module_nav(request, context),
            "children": children, "parent": parent,
            "type_title": space_type_title(request, context)}


@view_config(context=ModuleContainer, request_method="GET",
             renderer="beffroi:templates/module_unavailable.pt")
def module_fallback(context, request):
    """Reached only when no installed plugin serves this module: tell admins, hide it
    from everyone else."""
    space = context.space
    if not request.has_permission("space.admin", space):
        raise HTTPNotFound()
    return {"page_title": context.title or context.module_name, "space": space,
            "container": context, "nav": module_nav(request, space, context)}
