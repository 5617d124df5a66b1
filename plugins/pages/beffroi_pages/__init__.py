"""Pages: rich-text pages inside a space (the first module, the proof of the plugin contract)."""
from __future__ import annotations

import colander
from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, PermissionInfo, hookimpl
from beffroi.visibility import public_items
from beffroi_pages.content import Page, page_text

beffroi_api = ">=1.0,<2"
_ = TranslationStringFactory("beffroi_pages")


class PagesSettings(colander.MappingSchema):
    order = colander.SchemaNode(
        colander.String(), title=_("Order of the pages"), default="position",
        validator=colander.OneOf(("position", "title", "recent")),
        widget=__import__("deform").widget.SelectWidget(values=(
            ("position", _("In the order they were created")),
            ("title", _("Alphabetical")), ("recent", _("Most recently changed first")))))
    show_search = colander.SchemaNode(colander.Boolean(), title=_("Show a search box"),
                                      default=True, missing=False)


class PagesPhaseSettings(colander.MappingSchema):
    announcement = colander.SchemaNode(
        colander.String(), title=_("Announcement shown above the pages during this phase"),
        default="", missing="", validator=colander.Length(max=500))


def _add_summary(app_root):
    """Pages created before 0.1 get an empty summary."""
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("pages")
            if container is None:
                continue
            for page in container.values():
                if not hasattr(page, "summary") or page.__dict__.get("summary") is None:
                    page.summary = ""


@hookimpl
def register_modules():
    return [ModuleInfo(
        name="pages",
        title=_("Pages"),
        description=_("Information pages written by the space's team."),
        icon="📄",
        content_types=(Page,),
        permissions=(
            PermissionInfo("pages.create", _("Create pages"), ("admin",)),
            PermissionInfo("pages.edit", _("Edit pages"), ("admin",)),
            PermissionInfo("pages.delete", _("Delete pages"), ("admin",)),
        ),
        settings_schema=PagesSettings,
        phase_settings_schema=PagesPhaseSettings,
        indexes=(IndexInfo("pages.text", "text", page_text),),
        evolve_steps=(EvolveStep("pages.0001_summary", _add_summary,
                                 "give every page a summary field"),),
        export=lambda request, container: [
            {"id": p.__name__, "title": p.title, "summary": p.summary, "body_html": p.body,
             "created": p.created.isoformat(), "modified": p.modified.isoformat()}
            for p in public_items(container.values())],
    )]


@hookimpl
def configure(config):
    config.add_translation_dirs("beffroi_pages:locale/")
    config.include("beffroi_pages.views")


@hookimpl
def demo_content(container):
    if container.module_name != "pages" or len(container):
        return
    from beffroi_pages.content import add_page
    add_page(container, "À propos de la démarche",
             "<p>Cette page présente le calendrier, les règles et l'équipe de la démarche.</p>",
             summary="Le calendrier et les règles.")
    add_page(container, "Foire aux questions",
             "<h2>Qui peut participer ?</h2><p>Toute personne habitant le territoire, dès 16 ans.</p>",
             summary="Les réponses aux questions fréquentes.")


@hookimpl
def export_organisation(organisation):
    out = {}
    for space in organisation.spaces.values():
        container = space.modules.get("pages")
        if container is not None:
            out[space.__name__] = [
                {"id": p.__name__, "title": p.title, "summary": p.summary, "body_html": p.body}
                for p in container.values()]
    return {"pages": out}
