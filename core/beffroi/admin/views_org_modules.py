"""Organisation-wide defaults of module settings (the "organisation" layer of
default → organisation → space → phase): what every space gets until its own admins
change it."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.admin.forms import validate_whole
from beffroi.forms import make_form
from beffroi.i18n import _
from beffroi.modulesettings import schema_defaults, settings_changed
from beffroi.resources.admin import OrgModule, OrgModules


def configurable_modules(request):
    """Allowed, installed modules that have module-wide settings, by title."""
    plugins = request.registry.beffroi
    infos = [plugins.modules[name] for name in request.organisation.allowed_plugins
             if name in plugins.modules and plugins.modules[name].settings_schema is not None]
    return sorted(infos, key=lambda info: request.localizer.translate(info.title).lower())


@view_config(context=OrgModules, permission="org.admin", request_method="GET",
             renderer="beffroi:templates/admin/org_modules.pt")
def org_modules(context, request):
    return {"page_title": _("Module defaults"), "modules": configurable_modules(request),
            "base": request.resource_url(context)}


@view_config(context=OrgModule, permission="org.admin", request_method=("GET", "POST"),
             renderer="beffroi:templates/admin/org_module.pt")
def org_module(context, request):
    info = request.registry.beffroi.modules.get(context.module_name)
    if info is None or info.settings_schema is None \
            or context.module_name not in request.organisation.allowed_plugins:
        raise HTTPNotFound()
    schema = info.settings_schema()
    form = make_form(request, schema, action=request.url)
    org = request.organisation

    def stored():
        current = {**schema_defaults(info.settings_schema), **org.module_settings.get(info.name, {})}
        return {k: v for k, v in current.items() if k in schema}
    if request.method == "POST":
        appstruct, html = validate_whole(request, form, stored)
        if appstruct is not None:
            appstruct.pop("csrf_token", None)
            org.module_settings[info.name] = dict(appstruct)
            actionlog.record(request, "module.defaults", info.name)
            for space in org.spaces.values():
                settings_changed(request, space, info.name)
            request.session.flash(request.localizer.translate(_("Settings saved.")))
            return HTTPFound(location=request.url)
    else:
        html = form.render(stored())
    return {"page_title": info.title, "form": html,
            "back": request.resource_url(context.__parent__)}
