"""Views of the pages module: listing, reading, writing (the form cycle is the kit's)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, flash, form_view, index_content, module_settings, text_search, visible_to,
)
from beffroi_pages.content import BODY_MAX, SUMMARY_MAX, TITLE_MAX, Page, add_page, remove_page

_ = TranslationStringFactory("beffroi_pages")


class PageSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=1, max=TITLE_MAX))
    summary = colander.SchemaNode(colander.String(), title=_("Summary"), missing="",
                                  validator=colander.Length(max=SUMMARY_MAX))
    body = colander.SchemaNode(colander.String(), title=_("Text"),
                               description=_("HTML is allowed: paragraphs, headings, lists, links, tables."),
                               validator=colander.Length(min=1, max=BODY_MAX),
                               widget=deform.widget.TextAreaWidget(rows=14))


ORDERS = {
    "title": (lambda p: p.title.lower(), False),
    "recent": (lambda p: p.modified, True),
    "position": (lambda p: p.created, False),
}


def listing(context, request):
    settings = module_settings(request, context)
    q = request.params.get("q", "").strip()[:200]
    if q and settings.get("show_search", True):
        pages = [p for p in text_search(request.organisation, "pages.text", q, within=context)
                 if isinstance(p, Page)]
    else:
        key, reverse = ORDERS.get(settings.get("order"), ORDERS["position"])
        pages = sorted(context.values(), key=key, reverse=reverse)
    pages = visible_to(request, pages)        # hidden by moderation: moderators only
    return {"page_title": _("Pages"), "pages": pages, "q": q, "settings": settings,
            "can_create": request.has_permission("pages.create", context)}


def page_view(context, request):
    return {"page_title": context.title, "page": context,
            "can_edit": request.has_permission("pages.edit", context),
            "can_delete": request.has_permission("pages.delete", context)}


def add_view(context, request):
    creator = request.user.id if request.user else None
    return form_view(request, PageSchema(), title=_("New page"), buttons=("create",),
                     apply=lambda data: add_page(context, creator=creator, **data),
                     message=_("Page created."))


def edit_view(context, request):
    def apply(data):
        context.update(data["title"], data["body"], data["summary"])
        index_content(context)
        return context
    return form_view(request, PageSchema(), title=_("Edit the page"), apply=apply,
                     appstruct={"title": context.title, "summary": context.summary,
                                "body": context.body},
                     message=_("Page saved."))


def delete_view(context, request):
    container = context.__parent__
    remove_page(context)
    flash(request, _("Page deleted."))
    return HTTPFound(location=request.resource_url(container))


def includeme(config):
    tpl = "beffroi_pages:templates/"
    config.add_view(listing, context=ModuleContainer, module="pages", permission="view",
                    request_method="GET", renderer=tpl + "listing.pt")
    config.add_view(add_view, context=ModuleContainer, module="pages", name="add",
                    permission="pages.create", request_method=("GET", "POST"),
                    renderer=tpl + "form.pt")
    config.add_view(page_view, context=Page, permission="view", request_method="GET",
                    renderer=tpl + "page.pt")
    config.add_view(edit_view, context=Page, name="edit", permission="pages.edit",
                    request_method=("GET", "POST"), renderer=tpl + "form.pt")
    config.add_view(delete_view, context=Page, name="delete", permission="pages.delete",
                    request_method="POST")
