"""Module settings resolve schema default → organisation → space → phase, in one place."""
from __future__ import annotations

import colander


def schema_defaults(factory) -> dict:
    """The defaults a settings schema declares (missing values left out)."""
    if factory is None:
        return {}
    schema = factory()
    out = {}
    for node in schema.children:
        if node.default is not colander.null and not isinstance(node.default, colander.deferred):
            out[node.name] = node.default
    return out


def resolve_settings(info, organisation, container, phase_id=None) -> dict:
    """The effective settings of a module in a space.

    Later layers win: the schema's defaults, then the organisation's settings for
    this module, then the space's (``container.settings``), then — for settings of
    the phase schema — those of ``phase_id`` (the active phase when omitted)."""
    values = schema_defaults(info.settings_schema)
    values.update(schema_defaults(info.phase_settings_schema))
    values.update(organisation.module_settings.get(info.name, {}))
    values.update(container.settings)
    if phase_id is None:
        phase_id = container.space.active_phase_id
    if phase_id is not None:
        values.update(container.phase_settings.get(phase_id, {}))
    return values


def module_settings(request, container, phase_id=None) -> dict:
    info = request.registry.beffroi.modules[container.module_name]
    return resolve_settings(info, request.organisation, container, phase_id)


def settings_changed(request, space, module_name=None):
    """Run ``ModuleInfo.on_settings_changed`` of the modules enabled in ``space`` (only
    ``module_name`` when given): called by the admin views after a save or a phase
    change, inside the same transaction."""
    modules = request.registry.beffroi.modules
    for name, container in list(space.modules.items()):
        info = modules.get(name)
        if info is None or info.on_settings_changed is None:
            continue
        if module_name is None or name == module_name:
            info.on_settings_changed(request, container)
