"""The module kit: what every participation module needs and the core does for it.

A module declares (``ModuleInfo`` fields, a schema, a factory); the core serves:

- its translations (``<package>/locale``) and static folder (``<package>/static`` at
  ``/-/static/<module>/``), by convention;
- ``container``, ``space``, ``nav`` and ``kit`` (macros ``space_nav`` and ``open_data``)
  in every template rendered under one of its containers;
- the GET/POST/validate/flash/redirect form cycle (``form_view``);
- open data at ``<space>/<module>/export.csv`` and ``export.json`` from one row function
  (``ModuleInfo.open_data``), with the spreadsheet formula guard;
- the loops over organisations and spaces for organisation export, personal-data
  download, account-deletion clean-up and demo content (``ModuleInfo`` callables).
"""
from __future__ import annotations

import csv
import io
import json
import os
from typing import Iterator

from pyramid.events import BeforeRender
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationString, TranslationStringFactory
from pyramid.response import Response
from pyramid.traversal import find_interface

from beffroi.infos import NavItem
from beffroi.resources.module import ModuleContainer
from beffroi.uploads import content_disposition

_ = TranslationStringFactory("beffroi")

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV
#: injection"): such cells get a leading apostrophe. Empty cells stay empty.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- where a module's containers are -----------------------------------------------------

def containers_of(root, module_name) -> Iterator[ModuleContainer]:
    """Every container of module ``module_name``, enabled or not.

    ``root`` is the application root (every organisation) or one ``Organisation``.
    Yields ``ModuleContainer`` objects, organisation by organisation, space by space;
    for evolve steps and commands. Raises nothing; an empty iterator when none."""
    organisations = root.organisations.values() if hasattr(root, "organisations") else (root,)
    for organisation in organisations:
        for space in organisation.spaces.values():
            container = space.modules.get(module_name)
            if container is not None:
                yield container


def module_container(context) -> ModuleContainer | None:
    """The ``ModuleContainer`` ``context`` is in (itself included), or ``None``."""
    return find_interface(context, ModuleContainer)


# --- navigation and template globals ---------------------------------------------------------

def module_nav(request, space, current=None) -> list[NavItem]:
    """Navigation of ``space``: its usable modules (all of them for its admins, marked
    ``extra["usable"]``), then what plugins add (``extra_space_navigation``)."""
    from beffroi.security import module_available
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
    for extra in request.registry.beffroi.call("extra_space_navigation", request=request,
                                               space=space):
        items.extend(extra or ())
    return items


def _module_globals(event):
    request = event.get("request")
    context = getattr(request, "context", None) if request is not None else None
    container = module_container(context) if context is not None else None
    if container is None:
        return
    from pyramid.renderers import get_renderer
    event.setdefault("kit", get_renderer("beffroi:templates/kit.pt").implementation())
    event.setdefault("container", container)
    event.setdefault("space", container.space)
    if "nav" not in event:
        event["nav"] = module_nav(request, container.space, container)


# --- the form cycle ----------------------------------------------------------------------------

def flash(request, message, queue="") -> None:
    """Show ``message`` (a translation string or text) on the next page; ``queue`` is
    ``""`` for information or ``"error"``."""
    request.session.flash(request.localizer.translate(message), queue)


def form_view(request, schema, *, apply, title, appstruct=None, buttons=("save",),
              message=None):
    """The GET/POST/validate/flash/redirect cycle of an add or edit form.

    ``schema`` is a colander schema instance; on GET the form shows ``appstruct`` (the
    stored values of an edit form). On a valid POST, ``apply(appstruct)`` does the write
    and returns the resource to go to; ``message`` is flashed and the answer is a 302
    to it. Otherwise returns ``{"page_title": title, "form": html}`` for the template,
    the errors shown beside the fields and nothing typed lost."""
    from beffroi.forms import make_form, validate
    form = make_form(request, schema, buttons=buttons, action=request.url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            data.pop("csrf_token", None)
            target = apply(data)
            if message is not None:
                flash(request, message)
            return HTTPFound(location=request.resource_url(target))
    else:
        html = form.render(appstruct or {})
    return {"page_title": title, "form": html}


# --- open data ---------------------------------------------------------------------------------

def spreadsheet_safe(value) -> str:
    """``value`` as CSV text a spreadsheet shows and never runs: ``None`` → ``""``;
    text starting with ``= + - @``, tab or CR gets a leading apostrophe (OWASP CSV
    injection); everything else, empty text and numbers (``-3`` stays a number)
    included, is unchanged."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def translated_rows(rows, request=None):
    """``rows`` (dicts) with every gettext ``TranslationString`` value (a state's label,
    "Deleted participant") translated for the person of ``request``. Without a request
    such a value raises ``TypeError`` naming it, so a module's tests catch an export
    that would show English to a French reader."""
    out = []
    for row in rows:
        if any(isinstance(v, TranslationString) for v in row.values()):
            if request is None:
                bad = next(v for v in row.values() if isinstance(v, TranslationString))
                raise TypeError(f"untranslated message {str(bad)!r} in an export: pass request=")
            row = {k: request.localizer.translate(v) if isinstance(v, TranslationString) else v
                   for k, v in row.items()}
        out.append(row)
    return out


def csv_response(rows, columns, filename, request=None) -> Response:
    """A ``text/csv`` attachment of ``rows`` (dicts) with the header ``columns``, every
    cell passed through ``spreadsheet_safe`` (after ``translated_rows(rows, request)``).
    UTF-8 with a byte-order mark so that spreadsheets read accents right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in translated_rows(rows, request):
        writer.writerow([spreadsheet_safe(row.get(c)) for c in columns])
    response = Response(buffer.getvalue(), content_type="text/csv", charset="utf-8")
    response.content_disposition = content_disposition(filename)
    return response


def json_response(data, filename, request=None) -> Response:
    """A JSON attachment of ``data`` (JSON-serialisable; dates become ISO text); a list
    of rows is translated first (``translated_rows``) when ``request`` is given."""
    if request is not None and isinstance(data, list) and all(isinstance(r, dict) for r in data):
        data = translated_rows(data, request)
    response = Response(json.dumps(data, ensure_ascii=False, indent=1, default=_iso),
                        content_type="application/json", charset="utf-8")
    response.content_disposition = content_disposition(filename, inline=True)
    return response


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def open_data_view(context, request):
    """``<space>/<module>/export.csv|json``: the module's ``open_data`` rows (404 when
    the module declares none)."""
    info = request.registry.beffroi.modules.get(context.module_name)
    if info is None or info.open_data is None:
        raise HTTPNotFound()
    rows = list(info.open_data(request, context))
    stem = f"{context.space.__name__}-{context.__name__}"
    if request.view_name.endswith(".json"):
        return json_response(rows, stem + ".json", request=request)
    columns = list(info.open_data_columns or (rows[0].keys() if rows else ()))
    return csv_response(rows, columns, stem + ".csv", request=request)


# --- the loops a module no longer writes -----------------------------------------------------

def organisation_export_of_modules(plugins, organisation) -> dict:
    """``{module: {space slug: data}}`` from every module's ``organisation_export``."""
    out = {}
    for name, info in sorted(plugins.modules.items()):
        if info.organisation_export is None:
            continue
        for container in containers_of(organisation, name):
            out.setdefault(name, {})[container.space.__name__] = info.organisation_export(container)
    return out


def portable_data_of_modules(request, user) -> Iterator[tuple[str, dict]]:
    """``(file stem, data)`` for "download my data": ``(module, {space slug: data})`` for
    every module holding something of ``user``, then what plugins add
    (``extra_portable_data``)."""
    plugins = request.registry.beffroi
    yield from _module_portable_data(request, plugins, user)
    for extra in plugins.call("extra_portable_data", request=request, user=user):
        for stem, data in sorted((extra or {}).items()):
            if data:
                yield stem, data


def _module_portable_data(request, plugins, user):
    for name, info in sorted(plugins.modules.items()):
        if info.portable_data is None:
            continue
        found = {}
        for container in containers_of(request.organisation, name):
            data = info.portable_data(request, container, user)
            if data:
                found[container.space.__name__] = data
        if found:
            yield name, found


def account_deleted_in_modules(request, user) -> None:
    """Call every module's ``on_account_deleted`` on each of its containers."""
    for name, info in request.registry.beffroi.modules.items():
        if info.on_account_deleted is not None:
            for container in containers_of(request.organisation, name):
                info.on_account_deleted(request, container, user)


def fill_demo_content(plugins, container) -> None:
    """Give an empty ``container`` its module's demo content, if it declares some."""
    info = plugins.modules.get(container.module_name)
    if info is not None and info.demo_content is not None and not len(container):
        info.demo_content(container)


def _package(module):
    """(import name, folder) of the package holding a plugin ``module``."""
    import importlib
    import types
    if not isinstance(module, types.ModuleType):
        return "", None          # a plugin object (tests): no package conventions
    name = module.__name__ if hasattr(module, "__path__") else module.__name__.rpartition(".")[0]
    if not name:
        return "", None
    package = importlib.import_module(name)
    return name, os.path.dirname(package.__file__) if getattr(package, "__file__", None) else None


# --- conventions at start-up -------------------------------------------------------------------

def configure_modules(config, plugins) -> None:
    """Translations and static folder of every module's package, by convention, then
    the open-data views and template globals."""
    for record in plugins.plugins.values():
        if record.name == "beffroi":
            continue           # the core's own catalogs are added by the app
        package, folder = _package(record.module)
        if folder and os.path.isdir(os.path.join(folder, "locale")):
            config.add_translation_dirs(f"{package}:locale/")
    for name in sorted(plugins.modules):
        package, folder = _package(plugins.plugins[plugins.module_plugin[name]].module)
        if folder and os.path.isdir(os.path.join(folder, "static")):
            config.add_static_view(f"-/static/{name}", f"{package}:static", cache_max_age=3600)
    for view_name in ("export.csv", "export.json"):
        config.add_view(open_data_view, context=ModuleContainer, name=view_name,
                        permission="view", request_method="GET")
    config.add_subscriber(_module_globals, BeforeRender)
