"""Pages: rich-text pages inside a space (the first module, the proof of the plugin contract)."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, PermissionInfo, hookimpl
from beffroi.api import ApiInfo, FieldDoc, containers_of, public_items
from beffroi_pages.content import Page, add_page, page_text

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_pages")


class PagesSettings(colander.MappingSchema):
    order = colander.SchemaNode(
        colander.String(), title=_("Order of the pages"), default="position",
        validator=colander.OneOf(("position", "title", "recent")),
        widget=deform.widget.SelectWidget(values=(
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
    for container in containers_of(app_root, "pages"):
        for page in container.values():
            if page.__dict__.get("summary") is None:
                page.summary = ""


def _row(page):
    return {"id": page.__name__, "title": page.title, "summary": page.summary,
            "body_html": page.body, "created": page.created.isoformat(),
            "modified": page.modified.isoformat()}


API_ROW_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "title", "summary", "body_html", "created", "modified"],
    "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "body_html": {"type": "string"},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
    },
}


def _api_row(request, page):
    return dict(_row(page), summary=page.summary or "") if isinstance(page, Page) else None


def _demo_content(container):
    add_page(container, "À propos de la démarche",
             "<p>Cette page présente le calendrier, les règles et l'équipe de la démarche.</p>",
             summary="Le calendrier et les règles.")
    add_page(container, "Foire aux questions",
             "<h2>Qui peut participer ?</h2><p>Toute personne habitant le territoire, dès 16 ans.</p>",
             summary="Les réponses aux questions fréquentes.")


@hookimpl
def register_modules():
    return [ModuleInfo(
        name="pages",
        title=_("Pages"),
        description=_("Information pages written by the space's team."),
        icon="📄",
        permissions=(
            PermissionInfo("pages.create", _("Create pages"), ("admin",)),
            PermissionInfo("pages.edit", _("Edit pages"), ("admin",)),
            PermissionInfo("pages.delete", _("Delete pages"), ("admin",)),
        ),
        settings_schema=PagesSettings,
        phase_settings_schema=PagesPhaseSettings,
        indexes=(IndexInfo("pages.text", "text", page_text),),
        search=("title", "summary", "body"),
        evolve_steps=(EvolveStep("pages.0001_summary", _add_summary,
                                 "give every page a summary field"),),
        open_data=lambda request, container: [_row(p) for p in public_items(container.values())],
        open_data_columns=("id", "title", "summary", "body_html", "created", "modified"),
        open_data_fields={
            "id": FieldDoc("text", _("Identifier of the page in its space, as in its address")),
            "title": FieldDoc("text", _("Title of the page")),
            "summary": FieldDoc("text", _("Short summary shown in the list of pages")),
            "body_html": FieldDoc("text", _("Content of the page, as sanitised HTML")),
            "created": FieldDoc("date-time", _("When the page was created (ISO 8601, UTC)")),
            "modified": FieldDoc("date-time", _("When the page was last changed (ISO 8601, UTC)")),
        },
        organisation_export=lambda container: [_row(p) for p in container.values()],
        demo_content=_demo_content,
        api=ApiInfo(row=_api_row, schema=API_ROW_SCHEMA),
    )]


@hookimpl
def on_configure(config):
    config.include("beffroi_pages.views")
