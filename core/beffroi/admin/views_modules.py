"""Administration of a space's modules: enable, disable, settings (global and per phase)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.admin.forms import validate_whole
from beffroi.forms import make_form
from beffroi.i18n import _
from beffroi.modulesettings import resolve_settings, settings_changed
from beffroi.resources.admin import AdminArea, AdminModule, AdminSpace
from beffroi.security import module_available
from beffroi.spaces import NotAllowed, disable_module, enable_module


@view_config(context=AdminArea, request_method="GET", renderer="beffroi:templates/admin/index.pt")
def admin_index(context, request):
    """What this person administers: organisation areas for organisation admins and user
    managers, then only the spaces they administer or moderate."""
    if request.user is None:
        raise HTTPForbidden()
    org = context.organisation
    spaces = sorted(org.spaces.values(), key=lambda s: s.title.lower())
    administered = [s for s in spaces if request.has_permission("space.admin", s)]
    moderated = [s for s in spaces if s not in administered
                 and request.has_permission("space.moderate", s)]
    org_admin = bool(request.has_permission("org.admin", org))
    user_manager = bool(request.has_permission("org.manage_users", org))
    if not (administered or moderated or org_admin or user_manager):
        raise HTTPForbidden()
    return {"page_title": _("Administration"), "spaces": administered, "moderated": moderated,
            "org_admin": org_admin, "user_manager": user_manager}


def module_rows(request, space):
    """One row per module an admin may see here: allowed, or already present."""
    plugins = request.registry.beffroi
    org = request.organisation
    names = set(n for n in org.allowed_plugins
                if n in plugins.modules and plugins.modules[n].fits(space.space_type))
    names |= set(space.modules.keys())
    rows = []
    for name in sorted(names):
        container = space.modules.get(name)
        info = plugins.modules.get(name)
        rows.append({
            "name": name,
            "title": request.localizer.translate(info.title) if info else name,
            "description": request.localizer.translate(info.description) if info else "",
            "container": container,
            "available": container is not None and module_available(request, container)
            or container is None and info is not None,
            "enabled": container is not None and container.enabled,
            "count": len(container) if container is not None else 0,
            "has_settings": info is not None and bool(info.settings_schema or info.phase_settings_schema),
            "has_template": info is not None and info.template is not None,
        })
    return rows


@view_config(context=AdminSpace, permission="space.admin", request_method="GET",
             renderer="beffroi:templates/admin/space.pt")
def admin_space(context, request):
    space = context.managed_space
    return {"page_title": space.title, "space": space, "rows": module_rows(request, space),
            "base": request.resource_url(context)}


@view_config(context=AdminSpace, name="enable", permission="space.admin", request_method="POST")
def enable(context, request):
    name = request.POST.get("module", "")
    try:
        enable_module(request.registry.beffroi, request.organisation, context.managed_space,
                      name, request)
    except NotAllowed:
        request.session.flash(request.localizer.translate(
            _("This module cannot be enabled here.")), "error")
        return HTTPFound(location=request.resource_url(context))
    actionlog.record(request, "module.enable", name, space=context.managed_space.slug)
    request.session.flash(request.localizer.translate(_("Module enabled.")))
    return HTTPFound(location=request.resource_url(context))


@view_config(context=AdminSpace, name="disable", permission="space.admin", request_method="POST")
def disable(context, request):
    name = request.POST.get("module", "")
    if name not in context.managed_space.modules:
        raise HTTPNotFound()
    disable_module(request.registry.beffroi, context.managed_space, name, request)
    actionlog.record(request, "module.disable", name, space=context.managed_space.slug)
    request.session.flash(request.localizer.translate(
        _("Module disabled. Its content is kept and comes back when it is enabled again.")))
    return HTTPFound(location=request.resource_url(context))


@view_config(context=AdminModule, permission="space.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/admin/module_settings.pt")
def module_settings_view(context, request):
    space = context.managed_space
    container = space.modules.get(context.module_name)
    info = request.registry.beffroi.modules.get(context.module_name)
    if container is None or info is None:
        raise HTTPNotFound()
    phase_id = request.params.get("phase") or None
    if phase_id is not None and space.phase(phase_id) is None:
        raise HTTPNotFound()
    factory = info.phase_settings_schema if phase_id else info.settings_schema
    if factory is None:
        raise HTTPNotFound()
    schema = factory()
    form = make_form(request, schema, action=request.url)
    current = resolve_settings(info, request.organisation, container, phase_id)
    if request.method == "POST":
        appstruct, html = validate_whole(
            request, form, lambda: {k: v for k, v in current.items() if k in schema})
        if appstruct is not None:
            appstruct.pop("csrf_token", None)
            layer = dict(container.phase_settings.get(phase_id, {})) if phase_id \
                else dict(container.settings)
            # a value left as shown keeps coming from where it came from (the
            # organisation's default, the space's setting); only changed values are stored
            for key, value in appstruct.items():
                if key in layer or value != current.get(key):
                    layer[key] = value
            if phase_id:
                container.phase_settings[phase_id] = layer
            else:
                container.settings.clear()
                container.settings.update(layer)
            settings_changed(request, space, context.module_name)
            actionlog.record(request, "module.settings", context.module_name, space=space.slug,
                             phase=space.phase(phase_id).title if phase_id else "")
            request.session.flash(request.localizer.translate(_("Settings saved.")))
            return HTTPFound(location=request.url)
    else:
        html = form.render({k: v for k, v in current.items() if k in schema})
    return {"page_title": info.title, "space": space, "container": container, "form": html,
            "phase": space.phase(phase_id) if phase_id else None,
            "has_phase_settings": info.phase_settings_schema is not None,
            "base": request.resource_url(context)}
