"""Organisation pages: ``/-/pages/<slug>`` for everyone, ``/-/admin/pages/…`` for the
organisation's admins, ``/-/terms-accept`` for participants asked to accept new terms,
and the check that sends them there."""
from __future__ import annotations

import colander
import deform
from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.kit import flash
from beffroi.resources.admin import AdminArea
from beffroi.resources.organisation import SiteTools
from beffroi.sanitise import render_markdown
from beffroi.services.actionlog import model as actionlog
from beffroi.services.orgpages import model

TEMPLATES = "beffroi:templates/orgpages/"
#: Pages a participant asked to accept new terms may still open (the terms themselves,
#: leaving, and their data: they may prefer to download it and go).
#: Site pages (``/-/<name>``) open to a participant asked to accept new terms: the terms,
#: leaving, what the accept page itself loads (look, logo), and links from mail.
FREE_SITE_VIEWS = {"terms-accept", "pages", "logout", "login", "lang", "branding.css", "logo",
                   "avatar", "home-image", "favicon.ico", "unsubscribe",
                   "newsletter-unsubscribe"}
#: Account pages (``/-/account/<name>``) open too: their data, deleting the account,
#: ending their other sessions (someone who fears a stolen session must not wait).
FREE_ACCOUNT_VIEWS = {"data", "delete", "logout-everywhere", "end-session"}


def _markdown_node(name, title, description=None, missing=""):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, missing=missing, description=description,
        validator=colander.Length(max=model.MAX_BODY),
        widget=deform.widget.TextAreaWidget(rows=14))


def page_schema(slug):
    schema = colander.SchemaNode(colander.Mapping())
    if slug == "accessibility":
        schema.add(colander.SchemaNode(
            colander.String(), name="conformance", title=_("Conformance state (RGAA)"),
            validator=colander.OneOf(model.CONFORMANCE),
            widget=deform.widget.RadioChoiceWidget(
                values=[(k, model.CONFORMANCE_TITLES[k]) for k in model.CONFORMANCE])))
        schema.add(colander.SchemaNode(
            colander.Integer(), name="audit_rate", title=_("Rate of RGAA criteria met (%)"),
            missing=None, validator=colander.Range(0, 100),
            description=_("Leave empty when no audit has been made.")))
        schema.add(colander.SchemaNode(
            colander.Date(), name="audit_date", title=_("Date of the audit"), missing=None,
            widget=deform.widget.TextInputWidget(attributes={"type": "date"})))
        schema.add(colander.SchemaNode(
            colander.String(), name="auditor", title=_("Audit made by"), missing="",
            validator=colander.Length(max=200)))
        schema.add(colander.SchemaNode(
            colander.String(), name="tested_with", title=_("Test environment"), missing="",
            validator=colander.Length(max=500),
            description=_("Browsers and assistive technologies used for the audit.")))
        schema.add(_markdown_node("body", _("Content that is not accessible"),
                                  _("Markdown: the list of non-conformities, exemptions and "
                                    "content outside the law's scope, with their alternatives.")))
        schema.add(_markdown_node("contact", _("How to report a problem"),
                                  _("Markdown: an e-mail address, a postal address or a "
                                    "contact form, to get the content in an accessible form.")))
        return schema
    schema.add(_markdown_node("body", _("Text"), _("Markdown: headings, lists, links."),
                              missing=colander.required if slug == "terms" else ""))
    if slug == "terms":
        schema.add(colander.SchemaNode(
            colander.Boolean(), name="new_version", title=_("New version"), missing=False,
            widget=deform.widget.CheckboxWidget(),
            description=_("A change participants must agree to: every participant will be "
                          "asked to accept these terms before going on.")))
    return schema


def _statement_values(page):
    return {"conformance": page.conformance, "audit_rate": page.audit_rate,
            "audit_date": page.audit_date, "auditor": page.auditor,
            "tested_with": page.tested_with, "body": page.body, "contact": page.contact}


# --- public pages ------------------------------------------------------------------------------

@view_config(context=SiteTools, name="pages", request_method="GET")
def page_view(context, request):
    org = context.organisation
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    slug = request.subpath[0]
    page = model.get_page(org, slug) or (model.OrgPage(slug) if slug == "accessibility" else None)
    if page is None or not page.written:
        raise HTTPNotFound()
    values = {"page_title": model.TITLES[slug], "page": page,
              "body": render_markdown(page.body, "body") if page.body else "",
              "contact": render_markdown(page.contact, "body") if page.contact else "",
              "conformance": model.CONFORMANCE_TITLES.get(page.conformance),
              "organisation": org}
    template = "accessibility.pt" if slug == "accessibility" else "page.pt"
    return render_to_response(TEMPLATES + template, values, request=request)


# --- accepting the terms -----------------------------------------------------------------------

class AcceptSchema(colander.MappingSchema):
    agree = colander.SchemaNode(
        colander.Boolean(), title=_("I accept these terms of use"),
        widget=deform.widget.CheckboxWidget(),
        validator=colander.Function(lambda value: bool(value),
                                    _("Tick the box to accept the terms of use.")))
    came_from = colander.SchemaNode(colander.String(), missing="/",
                                    widget=deform.widget.HiddenWidget(),
                                    validator=colander.Length(max=2000))


@view_config(context=SiteTools, name="terms-accept", permission="participate",
             request_method=("GET", "POST"), renderer=TEMPLATES + "accept.pt")
def accept_view(context, request):
    from beffroi.views.site import safe_came_from
    org = context.organisation
    page = model.get_page(org, "terms")
    if page is None or not page.written:
        return HTTPFound(location=request.application_url + "/")
    form = make_form(request, AcceptSchema(), buttons=("accept",), action=request.path_url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            model.accept_terms(org, request.user)
            flash(request, _("Thank you: you accepted the terms of use."))
            return HTTPFound(location=safe_came_from(request, data["came_from"]))
    else:
        html = form.render({"came_from": request.params.get("came_from", "/")})
    return {"page_title": _("New terms of use"), "body": render_markdown(page.body, "body"),
            "form": html, "updated": page.updated}


@subscriber(ContextFound)
def ask_for_new_terms(event):
    """Send a logged-in participant who has not accepted the current terms to
    ``/-/terms-accept`` (then back), whatever page they open."""
    request = event.request
    from beffroi.accounts.users import AccountArea
    from beffroi.resources.organisation import SiteTools
    context = request.context
    if request.matched_route is not None:      # /-/health, static files, /-/system, the API
        return
    if isinstance(context, SiteTools) and request.view_name in FREE_SITE_VIEWS:
        return
    if isinstance(context, AccountArea) and request.view_name in FREE_ACCOUNT_VIEWS:
        return
    if request.path_info.startswith(("/-/api/", "/-/static", "/-/skin/")):
        return                                 # the API answers for itself (problem+json)
    try:
        organisation = request.organisation
        user = request.user
    except Exception:        # no organisation on this host (system pages, errors)
        return
    if organisation is None or user is None or not model.must_accept_terms(organisation, user):
        return
    from urllib.parse import urlencode
    target = request.path_qs if request.method == "GET" else "/"
    raise HTTPFound(location=request.application_url + "/-/terms-accept?"
                    + urlencode({"came_from": target}))


# --- administration ----------------------------------------------------------------------------

@view_config(context=AdminArea, name="pages", permission="org.admin",
             request_method=("GET", "POST"))
def admin_pages(context, request):
    org = context.organisation
    base = request.application_url + "/-/admin/pages/"
    if not request.subpath:
        if request.method != "GET":
            raise HTTPNotFound()
        pages = [(slug, model.TITLES[slug], model.get_page(org, slug)) for slug in model.SLUGS]
        return render_to_response(TEMPLATES + "admin.pt", {
            "page_title": _("Organisation pages"), "pages": pages, "base": base}, request=request)
    slug = request.subpath[0]
    if slug not in model.SLUGS or len(request.subpath) > 1:
        raise HTTPNotFound()
    page = model.get_page(org, slug)
    form = make_form(request, page_schema(slug), buttons=("save",), action=request.path_url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            data.pop("csrf_token", None)
            body = data.pop("body", "")
            new_version = bool(data.pop("new_version", False))
            model.save_page(org, slug, body, request.user.id, new_version=new_version, **data)
            actionlog.record(request, "pages.edit", request.localizer.translate(model.TITLES[slug]),
                             new_version=new_version)
            flash(request, _("The page is saved."))
            return HTTPFound(location=base)
    elif page is not None:
        values = _statement_values(page) if slug == "accessibility" else {"body": page.body}
        html = form.render({k: v for k, v in values.items() if v is not None})
    else:
        html = form.render()
    return render_to_response("beffroi:templates/admin/form.pt", {
        "page_title": model.TITLES[slug], "form": html,
        "intro": _("Shown at ${url}, linked in the footer of every page.",
                   mapping={"url": request.application_url + "/-/pages/" + slug})},
        request=request)
