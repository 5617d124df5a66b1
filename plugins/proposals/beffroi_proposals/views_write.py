"""Writing proposals: create, edit within the window, withdraw, and amendments."""
from __future__ import annotations

import uuid

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import follow
from beffroi.api import is_public
from beffroi.api import make_form, validate
from beffroi.api import publish
from beffroi.api import now
from beffroi.api import ModuleContainer, require_authorisation
from beffroi_proposals import rules
from beffroi_proposals.forms import amendment_fields, proposal_schema
from beffroi_proposals.models import (
    Amendment, Proposal, add_proposal, render_body, update_proposal, withdraw,
)
from beffroi_proposals.views_staff import publish_pending_answers

_ = TranslationStringFactory("beffroi_proposals")
TPL = "beffroi_proposals:templates/"


def _form_page(title, form_html, proposal=None):
    return {"page_title": title, "form": form_html, "proposal": proposal}


def _flash(request, message):
    request.session.flash(request.localizer.translate(message))


def create_view(context, request):
    settings = rules.settings_of(request, context)
    if not rules.can_create(request, context, settings):
        raise HTTPForbidden(request.localizer.translate(
            _("Proposals cannot be created in this phase.")))
    # verifications the space's admins require to create (``beffroi.api.authorise``)
    require_authorisation(request, context, "create")
    official = bool(request.has_permission("proposals.official", context))
    form = make_form(request, proposal_schema(settings, official=official), buttons=("create",),
                     action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            proposal = add_proposal(
                context, appstruct["title"], appstruct["body"], settings.get("body_format", "markdown"),
                request.user.id, scope=appstruct.get("scope", ""),
                category=appstruct.get("category", ""), address=appstruct.get("address", ""),
                official=bool(appstruct.get("official")))
            upload = appstruct.get("attachment")
            if upload:
                proposal.add_attachment(upload["attachment"])
            # authors hear about comments, amendments and the answer to their proposal
            follow(request.organisation, request.user.id, proposal)
            publish(request, "proposals.created", proposal)
            publish_pending_answers(request, context)
            _flash(request, _("Your proposal has been published."))
            return HTTPFound(location=request.resource_url(proposal))
    else:
        html = form.render()
    return _form_page(_("New proposal"), html)


def edit_view(context, request):
    container = context.container
    settings = rules.settings_of(request, container)
    if not rules.can_edit(request, context, settings):
        raise HTTPForbidden(request.localizer.translate(
            _("This proposal can no longer be edited.")))
    schema = proposal_schema(settings, editing=True,
                             attachment=len(context.attachments) < 5)
    form = make_form(request, schema, action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            update_proposal(context, appstruct["title"], appstruct["body"],
                            settings.get("body_format", "markdown"),
                            scope=appstruct.get("scope"), category=appstruct.get("category"),
                            address=appstruct.get("address"))
            upload = appstruct.get("attachment")
            if upload:
                context.add_attachment(upload["attachment"])
            _flash(request, _("Your proposal has been saved."))
            return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render({"title": context.title, "body": context.body_source,
                            "scope": context.scope, "category": context.category,
                            "address": context.address})
    return _form_page(_("Edit the proposal"), html, context)


def withdraw_view(context, request):
    if not rules.can_withdraw(request, context):
        raise HTTPForbidden()
    withdraw(context)
    _flash(request, _("Your proposal has been withdrawn."))
    return HTTPFound(location=request.resource_url(context))


def amend_view(context, request):
    container = context.container
    settings = rules.settings_of(request, container)
    if not rules.can_amend(request, context, settings):
        raise HTTPForbidden(request.localizer.translate(_("This proposal cannot be amended.")))
    schema = amendment_fields(proposal_schema(settings, attachment=False, editing=True))
    form = make_form(request, schema, buttons=("send",), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            body_html = render_body(appstruct["body"], settings.get("body_format", "markdown"))
            amendment = Amendment(uuid.uuid4().hex[:10], request.user.id, appstruct["title"],
                                  appstruct["body"], body_html)
            context.add_amendment(amendment)
            follow(request.organisation, request.user.id, context)
            publish(request, "proposals.amendment_proposed", context,
                    url=request.resource_url(context, anchor="amendments"))
            _flash(request, _("Your amendment has been sent to the author of the proposal."))
            return HTTPFound(location=request.resource_url(context, anchor="amendments"))
    else:
        html = form.render({"title": context.title, "body": context.body_source})
    return _form_page(_("Amend the proposal"), html, context)


def _amendment(context, request):
    amendment = context.amendments.get(request.POST.get("amendment", ""))
    # hidden text never becomes the proposal's text nor a proposal of its own
    if amendment is None or not is_public(amendment):
        raise HTTPNotFound()
    return amendment


def amendment_view(context, request):
    """An amendment's own URL (where reports are sent) shows it on its proposal's page."""
    return HTTPFound(location=request.resource_url(context.__parent__,
                                                   anchor=f"amendment-{context.id}"))


def decide_amendment_view(context, request):
    """The author accepts (the proposal takes the new version) or rejects an amendment;
    the space's admins decide when the proposal has no author (``rules.can_decide_amendment``)."""
    amendment = _amendment(context, request)
    if not rules.can_decide_amendment(request, context) or amendment.state != "pending":
        raise HTTPForbidden()
    amendment.decided = now()
    if request.view_name == "accept-amendment":
        context.title, context.body_source = amendment.title, amendment.body_source
        context.body_html = amendment.body_html
        context.touch()
        from beffroi.api import index_content
        index_content(context)
        amendment.state = "accepted"
        kind, message = "proposals.amendment_accepted", _("The amendment has been accepted: the proposal now reads as amended.")
    else:
        amendment.state = "rejected"
        kind, message = "proposals.amendment_rejected", _("The amendment has been rejected.")
    publish(request, kind, context, url=request.resource_url(context, anchor="amendments"))
    _flash(request, message)
    return HTTPFound(location=request.resource_url(context, anchor="amendments"))


def promote_amendment_view(context, request):
    """A rejected amendment becomes its own proposal, by its author."""
    amendment = _amendment(context, request)
    container = context.container
    settings = rules.settings_of(request, container)
    if request.user is None or amendment.author != request.user.id or amendment.state != "rejected":
        raise HTTPForbidden()
    if not rules.can_create(request, container, settings):
        raise HTTPForbidden(request.localizer.translate(
            _("Proposals cannot be created in this phase.")))
    proposal = add_proposal(container, amendment.title, amendment.body_source,
                            settings.get("body_format", "markdown"), request.user.id,
                            scope=context.scope, category=context.category)
    amendment.state, amendment.promoted_to = "promoted", proposal.__name__
    follow(request.organisation, request.user.id, proposal)
    publish(request, "proposals.created", proposal)
    _flash(request, _("Your amendment is now a proposal of its own."))
    return HTTPFound(location=request.resource_url(proposal))


def includeme(config):
    config.add_view(create_view, context=ModuleContainer, module="proposals", name="add",
                    permission="proposals.create", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
    config.add_view(edit_view, context=Proposal, name="edit", permission="proposals.create",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(withdraw_view, context=Proposal, name="withdraw",
                    permission="proposals.create", request_method="POST")
    config.add_view(amend_view, context=Proposal, name="amend", permission="proposals.amend",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    for name in ("accept-amendment", "reject-amendment"):
        config.add_view(decide_amendment_view, context=Proposal, name=name,
                        permission="proposals.create", request_method="POST")
    config.add_view(amendment_view, context=Amendment, permission="view", request_method="GET")
    config.add_view(promote_amendment_view, context=Proposal, name="promote-amendment",
                    permission="proposals.create", request_method="POST")
