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
    from beffroi.services.search import changes
    changes.changed(space)                 # the organisation search, after commit
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
    if not info.fits(space.space_type):
        raise NotAllowed(f"module {module_name!r} is for spaces of type "
                         f"{', '.join(info.space_types)}, not {space.space_type!r}")
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


def copy_space(plugins, organisation, space, slug, title, request=None):
    """A new, unpublished space ``slug`` made like ``space``: its type, description,
    territory, visibility, parent, phases (dates and calls to action included) and
    modules with their settings and per-phase settings. Never participants' content,
    roles or follows. Raises ``NameError_``/``ValueError`` on a bad or taken slug and
    ``NotAllowed`` when a module is no longer allowed for the organisation."""
    from copy import deepcopy
    copy = Space(title, space.space_type, space.description, visibility=space.visibility,
                 parent=space.parent, scope=space.scope)
    organisation.spaces.add(slug, copy)
    new_ids = {}
    for phase in space.phases:
        twin = copy.add_phase(Phase(phase.title, phase.start, phase.end, phase.description,
                                    phase.cta_text, phase.cta_url))
        new_ids[phase.id] = twin.id
    if space.phase_pinned:
        copy.activate_phase(new_ids[space.pinned_phase_id])
    for name, container in space.modules.items():
        if container.module_name not in plugins.modules:
            continue                     # an uninstalled plugin's module is left behind
        twin = enable_module(plugins, organisation, copy, container.module_name, request)
        twin.title = container.title
        twin.settings.update(deepcopy(dict(container.settings)))
        for phase_id, values in container.phase_settings.items():
            if phase_id in new_ids:
                twin.phase_settings[new_ids[phase_id]] = deepcopy(dict(values))
        if not container.enabled:
            disable_module(plugins, copy, container.module_name, request)
    return copy
