"""A whole space (a participatory process) as a template: its type, description,
visibility, phases (without dates: the next process has its own calendar), and each
module with its settings, per-phase settings and — for modules that declare
``ModuleInfo.template`` — the content its team built (``to_template``). Never
participants, roles, follows or anything they wrote.

Data shape: ``{"space": {"title", "space_type", "description", "visibility",
"phases": [{"title", "description", "cta_text", "cta_url"}]}, "modules": [{"name",
"title", "enabled", "settings": {…}, "phase_settings": {"<phase position>": {…}},
"content": module data or None}]}``.
"""
from __future__ import annotations

import json

from beffroi.i18n import _
from beffroi.services.templates.model import TemplateError

#: The ``Template.module_name`` of a whole-space template (no module has this name).
SPACE = "-space"


def _plain(values) -> dict:
    """The settings of ``values`` that are plain JSON data (others are left out)."""
    out = {}
    for key, value in dict(values).items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue
        out[str(key)] = value
    return out


def space_to_template(plugins, space) -> dict:
    """``space`` as template data (see the module docstring)."""
    positions = {phase.id: i for i, phase in enumerate(space.phases)}
    modules = []
    for name, container in space.modules.items():
        info = plugins.modules.get(container.module_name)
        if info is None:
            continue                      # an uninstalled plugin's module stays behind
        content = info.template.to_template(container) if info.template is not None else None
        modules.append({
            "name": container.module_name, "title": container.title or "",
            "enabled": bool(container.enabled), "settings": _plain(container.settings),
            "phase_settings": {str(positions[pid]): _plain(values)
                               for pid, values in container.phase_settings.items()
                               if pid in positions},
            "content": content})
    return {"space": {"title": space.title, "space_type": space.space_type,
                      "description": space.description, "visibility": space.visibility,
                      "phases": [{"title": p.title, "description": p.description,
                                  "cta_text": p.cta_text, "cta_url": p.cta_url}
                                 for p in space.phases]},
            "modules": modules}


def _damaged():
    return TemplateError(_("This template is damaged and cannot be used."))


def space_from_template(plugins, organisation, data, slug, title, request=None):
    """A new unpublished space ``slug`` made from template ``data``: phases, modules
    allowed in ``organisation`` with their settings and content. Returns ``(space,
    skipped module names)``. Raises ``TemplateError`` (the caller keeps nothing) and
    the core's ``NameError_`` on a bad or taken slug."""
    from beffroi.resources.space import Phase, Space
    from beffroi.sanitise import sanitise_html
    from beffroi.spaces import disable_module, enable_module
    try:
        source, modules = data["space"], data["modules"]
        space_type = source["space_type"]
        phases = source.get("phases") or []
        if not isinstance(modules, list) or not isinstance(phases, list):
            raise _damaged()
    except (KeyError, TypeError):
        raise _damaged() from None
    if space_type not in plugins.space_types:
        raise TemplateError(_("This platform has no spaces of the type of this template."))
    space = Space(title, space_type, sanitise_html(str(source.get("description") or "")),
                  visibility=source.get("visibility") if source.get("visibility") in
                  ("public", "transparent", "private") else "public")
    organisation.spaces.add(slug, space)
    ids = []
    for phase in phases:
        if not isinstance(phase, dict) or not isinstance(phase.get("title"), str):
            raise _damaged()
        ids.append(space.add_phase(Phase(phase["title"][:200], None, None,
                                         str(phase.get("description") or ""),
                                         str(phase.get("cta_text") or ""),
                                         str(phase.get("cta_url") or ""))).id)
    skipped = []
    for module in modules:
        if not isinstance(module, dict) or not isinstance(module.get("name"), str):
            raise _damaged()
        name = module["name"]
        info = plugins.modules.get(name)
        if info is None or name not in organisation.allowed_plugins or not info.fits(space_type):
            skipped.append(name)
            continue
        container = enable_module(plugins, organisation, space, name, request)
        container.title = str(module.get("title") or "")
        schema = info.settings_schema() if info.settings_schema else None
        known = {node.name for node in schema.children} if schema is not None else set()
        container.settings.update({k: v for k, v in dict(module.get("settings") or {}).items()
                                   if k in known})
        phase_schema = info.phase_settings_schema() if info.phase_settings_schema else None
        phase_known = {n.name for n in phase_schema.children} if phase_schema is not None else set()
        for position, values in dict(module.get("phase_settings") or {}).items():
            if str(position).isdigit() and int(position) < len(ids):
                container.phase_settings[ids[int(position)]] = {
                    k: v for k, v in dict(values).items() if k in phase_known}
        if module.get("content") is not None and info.template is not None:
            try:
                info.template.from_template(container, module["content"])
            except ValueError as exc:
                raise TemplateError(exc.args[0] if exc.args else _damaged().message) from None
        if module.get("enabled") is False:
            disable_module(plugins, space, name, request)
    return space, skipped
