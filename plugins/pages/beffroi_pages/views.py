"""Views of the pages module: listing, reading, writing."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.catalog import index_content, text_search
from beffroi.forms import make_form, validate
from beffroi.moderation import visible_to
from beffroi.modulesettings import module_settings
from beffroi.resources.module import ModuleContainer
from beffroi.views.public import module_nav
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


def _sorted(container, order):
    pages = list(container.values())
    if order == "title":
        return sorted(pages, key=lambda p: p.title.lower())
    if order == "recent":
        return sorted(pages, key=lambda p: p.modified, reverse=True)
    return sorted(pages, key=lambda p: p.created)


def listing(context, request):
    settings = module_settings(request, context)
    q = request.params.get("q", "").strip()[:200]
    if q and settings.get("show_search", True):
        pages = [p for p in text_search(request.organisation, "pages.text", q, within=context)
                 if isinstance(p, Page)]
    else:
        pages = _sorted(context, settings.get("order", "position"))
    pages = visible_to(request, pages)        # hidden by moderation: moderators only
    return {"page_title": _("Pages"), "container": context, "space": context.space,
            "pages": pages, "q": q, "settings": settings,
            "nav": module_nav(request, context.space, context),
            "can_create": request.has_permission("pages.create", context)}


def page_view(context, request):
    container = context.__parent__
    return {"page_title": context.title, "page": context, "container": container,
            "space": container.space, "nav": module_nav(request, container.space, container),
            "can_edit": request.has_permission("pages.edit", context),
            "can_delete": request.has_permission("pages.delete", context)}


def _form_page(request, container, title, form_html):
    return {"page_title": title, "form": form_html, "container": container,
            "space": container.space}


def add_view(context, request):
    form = make_form(request, PageSchema(), buttons=("create",), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            page = add_page(context, appstruct["title"], appstruct["body"], appstruct["summary"],
                            creator=request.user.id if request.user else None)
            request.session.flash(request.localizer.translate(_("Page created.")))
            return HTTPFound(location=request.resource_url(page))
    else:
        html = form.render()
    return _form_page(request, context, _("New page"), html)


def edit_view(context, request):
    form = make_form(request, PageSchema(), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            context.update(appstruct["title"], appstruct["body"], appstruct["summary"])
            index_content(context)
            request.session.flash(request.localizer.translate(_("Page saved.")))
            return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render({"title": context.title, "summary": context.summary,
                            "body": context.body})
    return _form_page(request, context.__parent__, _("Edit the page"), html)


def delete_view(context, request):
    container = context.__parent__
    remove_page(context)
    request.session.flash(request.localizer.translate(_("Page deleted.")))
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
