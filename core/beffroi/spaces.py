"""Operations on spaces and their modules, shared by the web, the CLI and the demo."""
from __future__ import annotations

from beffroi.resources.module import ModuleContainer
from beffroi.resources.space import Phase, Space
from beffroi.sanitise import sanitise_html


class NotAllowed(Exception):
    """The module is unknown or not allowed for the organisation."""


def add_space(plugins, organisation, slug, title, space_type, description="", request=None, **kw):
    if space_type not in plugins.space_types:
        raise ValueError(f"unknown space type {space_type!r}; installed: "
                         f"{sorted(plugins.space_types)}")
    space = Space(title, space_type, sanitise_html(description), **kw)
    organisation.spaces.add(slug, space)
    if request is not None:
        localizer = request.localizer
    else:
        from beffroi.i18n import localizer_for
        localizer = localizer_for(plugins, organisation.default_locale)
    info = plugins.space_types[space_type]
    for phase_title in (info.default_phases if info.has_phases else ()):
        # stored as plain text in the organisation's language, editable afterwards
        space.add_phase(Phase(str(localizer.translate(phase_title))))
    return space


def enable_module(plugins, organisation, space, module_name, request=None):
    """Enable ``module_name`` in ``space``; re-enabling brings the old data back."""
    info = plugins.modules.get(module_name)
    if info is None:
        raise NotAllowed(f"module {module_name!r} is not installed")
    if module_name not in organisation.allowed_plugins:
        raise NotAllowed(f"module {module_name!r} is not allowed for this organisation")
    container = space.modules.get(module_name)
    if container is None:
        container = ModuleContainer(module_name)
        space.modules.add(module_name, container)
    container.enabled = True
    if info.on_enable is not None:
        info.on_enable(request, container)
    return container


def disable_module(plugins, space, module_name, request=None):
    """Disable a module: hidden from participants, every item kept."""
    container = space.modules[module_name]
    container.enabled = False
    info = plugins.modules.get(module_name)
    if info is not None and info.on_disable is not None:
        info.on_disable(request, container)
    return container
