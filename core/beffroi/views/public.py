"""Citizen pages: the organisation home, a space, a module's entry point."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from beffroi.kit import module_nav
from beffroi.resources.module import ModuleContainer
from beffroi.resources.organisation import Organisation
from beffroi.resources.space import Space


def visible_spaces(request, organisation):
    """Spaces the requester may see, in title order."""
    spaces = [s for s in organisation.spaces.values() if request.has_permission("view", s)]
    return sorted(spaces, key=lambda s: s.title.lower())


def space_type_title(request, space):
    info = request.registry.beffroi.space_types.get(space.space_type)
    return request.localizer.translate(info.title) if info else space.space_type


@view_config(context=Organisation, permission="view", request_method="GET",
             renderer="beffroi:templates/home.pt")
def home(context, request):
    blocks = []
    for result in request.registry.beffroi.call("extra_home_blocks", request=request,
                                                organisation=context):
        blocks.extend(result or ())
    from beffroi.services.homepage.views import home_values
    spaces = visible_spaces(request, context)
    return dict(home_values(request, context, spaces),
                page_title=context.name, spaces=spaces,
                promoted=[s for s in spaces if s.promoted and s.published],
                blocks=blocks, space_type_title=lambda s: space_type_title(request, s))


@view_config(context=Space, permission="view", request_method="GET",
             renderer="beffroi:templates/space.pt")
def space_view(context, request):
    children = [s for s in visible_spaces(request, request.organisation)
                if s.parent == context.__name__]
    parent = request.organisation.spaces.get(context.parent) if context.parent else None
    nav = module_nav(request, context)
    blocks = []
    for result in request.registry.beffroi.call("extra_space_blocks", request=request,
                                                space=context):
        blocks.extend(result or ())
    return {"blocks": blocks, "page_title": context.title, "space": context, "nav": nav,
            "children": children, "parent": parent, "phase": context.active_phase,
            "today": context.today(), "figures": space_figures(request, context),
            "type_title": space_type_title(request, context)}


def space_figures(request, space) -> dict:
    """What a space's page counts: contributions (items in its usable modules) and
    the people following it. Cheap: container lengths and one follower count."""
    from beffroi.services.follows.model import follower_count
    from beffroi.security import module_available
    contributions = sum(len(c) for c in space.modules.values()
                        if c.enabled and module_available(request, c))
    return {"contributions": contributions,
            "followers": follower_count(request.organisation, space)}


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
