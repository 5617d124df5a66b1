"""Templates: storage, sharing and use. See the package docstring.

Storage layout:

- each organisation keeps its templates in its own library (``organisation.template_library``,
  a ``TemplateLibrary``: template id → ``Template``), made on the first save only;
- the platform keeps one registry of the templates their organisation shares, at the
  application root (``AppRoot.shared_templates``: ``(organisation id, template id)`` →
  the same ``Template``). Another organisation reaches a template only through that
  registry, so a template that is not shared cannot be seen or used elsewhere.

A template holds JSON text made by the module's ``TemplateInfo.to_template`` (or
``item_to_template``): plain data only, so nothing of the source organisation — no
persistent object, answer, author or person id — can travel with it.
"""
from __future__ import annotations

import json
import uuid

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.i18n import _
from beffroi.resources.folder import now

#: Largest template data, in characters of JSON.
MAX_DATA = 1_000_000
TITLE_MAX = 150
DESCRIPTION_MAX = 2000


class TemplateError(ValueError):
    """A template that cannot be saved or used; ``message`` says why, for the admin."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Template(Persistent):
    """One saved template: module content as JSON text, and where it comes from."""

    shared = False

    def __init__(self, module_name, title, description, data_json, organisation, creator_id):
        self.id = uuid.uuid4().hex[:12]
        self.module_name = module_name
        self.title = title
        self.description = description
        self.data_json = data_json
        self.organisation_id = organisation.id
        self.organisation_name = organisation.name
        self.creator_id = creator_id
        self.created = now()

    @property
    def key(self) -> str:
        """``"<organisation id>:<template id>"``: how forms name a template."""
        return f"{self.organisation_id}:{self.id}"

    @property
    def data(self):
        """A fresh copy of the template's data (JSON-decoded each time)."""
        return json.loads(self.data_json)


class TemplateLibrary(Persistent):
    """The templates one organisation saved."""

    def __init__(self):
        self.templates = OOBTree()


def library_of(organisation, create=False):
    """The organisation's library (None before its first save unless ``create``)."""
    return organisation.part("template_library", TemplateLibrary, create)


def _registry(organisation, create=False):
    """The platform's registry of shared templates, at the application root."""
    from beffroi.resources.root import get_app_root
    jar = organisation._p_jar
    if jar is None:
        return None
    app_root = get_app_root(jar)
    registry = getattr(app_root, "shared_templates", None)
    if registry is None and create:
        registry = app_root.shared_templates = OOBTree()
    return registry


def plain_json(data) -> str:
    """``data`` as JSON text, or ``TemplateError`` when it is not plain data (dicts with
    text keys, lists, text, numbers, booleans, None) or larger than ``MAX_DATA``."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError):
        raise TemplateError(_("This module gave data that cannot be kept in a template.")) from None
    if len(text) > MAX_DATA:
        raise TemplateError(_("This content is too large to be kept as a template."))
    return text


def save_template(organisation, module_name, title, description, data, shared, creator_id):
    """Keep ``data`` (what ``TemplateInfo.to_template`` gave) as a new template of
    ``organisation``; with ``shared`` other organisations of the platform may use it.
    Returns the ``Template``; raises ``TemplateError``."""
    template = Template(module_name, title.strip()[:TITLE_MAX],
                        (description or "").strip()[:DESCRIPTION_MAX], plain_json(data),
                        organisation, creator_id)
    library_of(organisation, create=True).templates[template.id] = template
    set_shared(organisation, template, shared)
    return template


def set_shared(organisation, template, shared):
    """Share ``template`` with every organisation of the platform, or stop sharing it."""
    template.shared = bool(shared)
    registry = _registry(organisation, create=shared)
    if registry is None:
        return
    key = (organisation.id, template.id)
    if shared:
        registry[key] = template
    elif key in registry:
        del registry[key]


def delete_template(organisation, template):
    """Remove ``template`` from its organisation and from the platform's registry.
    What was made from it stays."""
    set_shared(organisation, template, False)
    library = library_of(organisation)
    if library is not None and template.id in library.templates:
        del library.templates[template.id]


def own_templates(organisation, module_name=None):
    """The organisation's templates (of one module when named), by title."""
    library = library_of(organisation)
    found = list(library.templates.values()) if library is not None else []
    if module_name is not None:
        found = [t for t in found if t.module_name == module_name]
    return sorted(found, key=lambda t: (t.title.lower(), t.id))


def shared_by_others(organisation, module_name=None):
    """Templates other organisations of the platform share (of one module when named)."""
    registry = _registry(organisation)
    if registry is None:
        return []
    found = [t for (org_id, _tid), t in registry.items() if org_id != organisation.id
             and (module_name is None or t.module_name == module_name)]
    return sorted(found, key=lambda t: (t.title.lower(), t.organisation_name.lower(), t.id))


def usable_template(organisation, key):
    """The template named ``key`` (``Template.key``) that ``organisation`` may use: its
    own, or one another organisation shares. None otherwise — a template that is not
    shared is as unknown to another organisation as one that does not exist."""
    org_id, _sep, template_id = (key or "").partition(":")
    if org_id == organisation.id:
        library = library_of(organisation)
        return library.templates.get(template_id) if library is not None else None
    registry = _registry(organisation)
    return registry.get((org_id, template_id)) if registry is not None else None


def own_template(organisation, template_id):
    """One of the organisation's own templates, or None."""
    library = library_of(organisation)
    return library.templates.get(template_id) if library is not None else None


def use_template(plugins, container, template):
    """Make content in ``container`` from ``template`` through its module's
    ``TemplateInfo.from_template``; returns what it made. Raises ``TemplateError`` when
    the module is another one, is not installed, or refuses the data."""
    info = plugins.modules.get(template.module_name)
    if info is None or info.template is None or container.module_name != template.module_name:
        raise TemplateError(_("This template is for another module."))
    try:
        return info.template.from_template(container, template.data)
    except ValueError as exc:
        message = exc.args[0] if exc.args else _("This template cannot be used here.")
        raise TemplateError(message) from None


def organisation_arrived(app_root, organisation):
    """After ``organisation`` is imported into this platform (``beffroi org import``):
    its templates carry its new id, and those it shares join this platform's registry."""
    for template in own_templates(organisation):
        template.organisation_id = organisation.id
        template.organisation_name = organisation.name
        if template.shared:
            if getattr(app_root, "shared_templates", None) is None:
                app_root.shared_templates = OOBTree()
            app_root.shared_templates[(organisation.id, template.id)] = template


def organisation_left(app_root, organisation):
    """Before ``organisation`` is taken off this platform: its shared templates leave
    the registry (what other organisations made from them stays)."""
    registry = getattr(app_root, "shared_templates", None)
    if registry is not None:
        for key in list(registry.keys(min=(organisation.id, ""), max=(organisation.id, "\uffff"))):
            del registry[key]
