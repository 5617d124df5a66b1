"""Views of the initiatives module: listing, an initiative and every step of its life,
the printable version for the town hall, and the space's types of initiatives."""
from __future__ import annotations

from urllib.parse import quote

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, author_name, authorise, flash, form_view, granted_verifications,
    index_content, is_hidden, is_public_to, module_settings, publish, require_authorisation,
)
from beffroi_initiatives import content as model
from beffroi_initiatives.content import TEXT_MAX, TITLE_MAX, Initiative

_ = TranslationStringFactory("beffroi_initiatives")
TEMPLATES = "beffroi_initiatives:templates/"
FILTERS = ("open", "closed", "mine", "review")
STATE_TITLES = {
    "created": _("In preparation (gathering promoters)"),
    "validating": _("Under technical review"),
    "discarded": _("Not admitted at review"),
    "published": _("Collecting signatures"),
    "accepted": _("Threshold reached"),
    "rejected": _("Not enough signatures"),
}
REFUSALS = {
    "state": _("This step is not possible in the initiative's current state."),
    "promoters": _("More promoters are needed before submitting."),
    "closed": _("Signatures are not being collected for this initiative."),
    "signed": _("You have already signed this initiative."),
    "same": _("A second person must check this count: you entered it."),
    "checked": _("This count is already checked."),
    "unknown": _("This count no longer exists."),
    "published": _("A published initiative can no longer be changed."),
    "joining": _("Promoters can no longer join: the initiative has been submitted."),
}


def _refusal(error):
    return REFUSALS.get(str(error), REFUSALS["state"])


def _today(container):
    return container.__parent__.today()


def _is_staff(request, obj):
    return bool(request.has_permission("initiatives.review", obj))


def _is_promoter(request, initiative):
    return request.user is not None and request.user.id in initiative.promoters


def _may_see(request, initiative):
    """Visitors see initiatives past review; promoters and staff see them before too,
    and a logged-in participant sees one in preparation (its promoters share its
    address to gather more promoters; it is listed nowhere)."""
    if is_public_to(request, initiative) or _is_promoter(request, initiative):
        return True
    if getattr(initiative, "deleted", False) or is_hidden(initiative):
        return False
    return _is_staff(request, initiative) or (
        initiative.status == "created" and request.user is not None)


# --- schemas ----------------------------------------------------------------------------------

@colander.deferred
def _type_widget(node, kw):
    container = kw["container"]
    values = [("", kw["request"].localizer.translate(_("Choose…")))]
    values += [(t.id, t.title) for t in model.types_of(container).values()]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _type_validator(node, kw):
    return colander.OneOf(list(model.types_of(kw["container"]).keys()))


class InitiativeSchema(colander.MappingSchema):
    type_id = colander.SchemaNode(colander.String(), title=_("Type of initiative"),
                                  widget=_type_widget, validator=_type_validator)
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=5, max=TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("What you ask for, and why"),
        validator=colander.Length(min=15, max=TEXT_MAX),
        description=_("Markdown: paragraphs, lists, links."),
        widget=deform.widget.TextAreaWidget(rows=10))
    territory = colander.SchemaNode(
        colander.String(), title=_("Territory concerned"), missing="",
        description=_("A district or a commune; leave empty for the type's territory."),
        validator=colander.Length(max=100))


class EditSchema(InitiativeSchema):
    def after_bind(self, node, kw):
        del node["type_id"]


class TypeSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Name of the type"),
                                validator=colander.Length(min=3, max=100))
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      validator=colander.Length(max=2000),
                                      widget=deform.widget.TextAreaWidget(rows=3))
    signatures_required = colander.SchemaNode(
        colander.Integer(), title=_("Signatures required"), default=100,
        validator=colander.Range(1, 10_000_000))
    duration_days = colander.SchemaNode(
        colander.Integer(), title=_("Days of signature collection"), default=90,
        validator=colander.Range(1, 730))
    promoters_required = colander.SchemaNode(
        colander.Integer(), title=_("Promoters required before review (the author included)"),
        default=2, validator=colander.Range(1, 100))
    territory = colander.SchemaNode(colander.String(), title=_("Territory"), missing="",
                                    validator=colander.Length(max=100))
    verification_required = colander.SchemaNode(
        colander.Boolean(), title=_("Signers must be verified participants"), default=True,
        missing=False, description=_("Which verification is needed is set in the module's "
                                     "authorisations (action: sign)."))


class ReviewSchema(colander.MappingSchema):
    decision = colander.SchemaNode(
        colander.String(), title=_("Decision"),
        validator=colander.OneOf(("publish", "back", "discard")),
        widget=deform.widget.RadioChoiceWidget(values=(
            ("publish", _("Admit it: signatures are collected from today")),
            ("back", _("Send it back to its promoters for changes")),
            ("discard", _("Do not admit it")))))
    reason = colander.SchemaNode(
        colander.String(), title=_("Reason, shown to the promoters and on the initiative"),
        missing="", validator=colander.Length(max=5000),
        widget=deform.widget.TextAreaWidget(rows=4))


def _review_validator(node, value):
    if value.get("decision") in ("back", "discard") and not (value.get("reason") or "").strip():
        error = colander.Invalid(node)
        error["reason"] = _("Give the reason to the promoters.")
        raise error


class AnswerSchema(colander.MappingSchema):
    answer = colander.SchemaNode(
        colander.String(), title=_("Answer of the institution"),
        validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("Markdown. Shown on the initiative; signers who follow it are notified."),
        widget=deform.widget.TextAreaWidget(rows=8))


class PaperSchema(colander.MappingSchema):
    count = colander.SchemaNode(colander.Integer(), title=_("Paper signatures"),
                                validator=colander.Range(1, 1_000_000))
    note = colander.SchemaNode(colander.String(), title=_("Where they come from"), missing="",
                               validator=colander.Length(max=200),
                               description=_("For example: register of the town hall annex."))


# --- pages ------------------------------------------------------------------------------------

def listing(context, request):
    shown = request.params.get("state", "open")
    shown = shown if shown in FILTERS else "open"
    today = _today(context)
    user_id = request.user.id if request.user else None
    found = []
    for item in context.values():
        if not isinstance(item, Initiative):
            continue
        state = item.state(today)
        if shown == "open" and state == "published" and is_public_to(request, item):
            found.append(item)
        elif shown == "closed" and state in ("accepted", "rejected") and is_public_to(request, item):
            found.append(item)
        elif shown == "mine" and user_id and user_id in item.promoters:
            found.append(item)
        elif shown == "review" and state == "validating" and _is_staff(request, context):
            found.append(item)
    found.sort(key=lambda i: i.created, reverse=True)
    return {"page_title": _("Initiatives"), "initiatives": found, "shown": shown,
            "filters": [f for f in FILTERS if (f != "review" or _is_staff(request, context))
                        and (f != "mine" or user_id)],
            "today": today, "states": STATE_TITLES, "type_of": model.type_of,
            "settings": module_settings(request, context),
            "can_create": _may_create(request, context),
            "can_manage_types": bool(request.has_permission("space.admin", context))}


def _may_create(request, container):
    return (request.user is not None and bool(request.has_permission("initiatives.create", container))
            and module_settings(request, container).get("creation_open", True)
            and len(model.types_of(container)) > 0)


def sign_refusal(request, initiative):
    """Why the person of ``request`` may not sign ``initiative`` now (a translatable
    message), or None when they may. ``request.sign_verify_url`` is then where to verify
    (or log in) when that would help, else None."""
    request.sign_verify_url = None
    today = _today(initiative.__parent__)
    back = request.resource_url(initiative)
    if request.user is None:
        request.sign_verify_url = (request.application_url + "/-/login?came_from="
                                   + quote(back, safe=""))
        return _("Log in to sign this initiative.")
    if not initiative.collecting(today):
        return REFUSALS["closed"]
    if not module_settings(request, initiative.__parent__).get("signatures_open", True):
        return _("Signatures are closed during this phase.")
    if not request.has_permission("initiatives.sign", initiative):
        return _("You may not sign initiatives in this space.")
    if initiative.has_signed(request.user.id):
        return REFUSALS["signed"]
    answer = authorise(request, initiative.__parent__, "sign", came_from=back)
    if not answer.ok:
        request.sign_verify_url = answer.verify_url
        return answer.reason
    kind = model.type_of(initiative)
    if kind is not None and kind.verification_required and not granted_verifications(
            request.organisation, request.user.id):
        request.sign_verify_url = (request.application_url + "/-/account/verifications")
        return _("Only verified participants may sign this initiative: verify your account, "
                 "then come back.")
    return None


def initiative_view(context, request):
    if not _may_see(request, context):
        raise HTTPNotFound()
    today = _today(context.__parent__)
    kind = model.type_of(context)
    users = request.organisation.users
    promoters = [author_name(request, uid) for uid in context.promoters if users.get(uid)]
    staff = _is_staff(request, context)
    may_paper = bool(request.has_permission("initiatives.paper", context))
    state = context.state(today)
    user_id = request.user.id if request.user else None
    return {
        "page_title": context.title, "initiative": context, "kind": kind, "state": state,
        "states": STATE_TITLES, "promoters": promoters, "today": today,
        "required": kind.signatures_required if kind else 0,
        "total": context.total(), "online": context.signature_count(),
        "paper_total": context.paper_total(),
        "signed": context.has_signed(user_id),
        "sign_refusal": sign_refusal(request, context) if state == "published" else None,
        "verify_url": getattr(request, "sign_verify_url", None),
        "can_join": (state == "created" and user_id is not None
                     and user_id not in context.promoters),
        "can_submit": state == "created" and user_id == context.creator,
        "can_edit": (state in ("created", "validating")
                     and (user_id == context.creator or staff)),
        "can_review": staff and state == "validating",
        "can_answer": staff and context.status == "published",
        "may_paper": may_paper and context.status == "published",
        "paper": list(context.paper), "answer_html": _markdown(context.answer),
        "author_name": lambda uid: author_name(request, uid) if uid else "",
        "share_url": request.resource_url(context),
    }


def _markdown(text):
    from beffroi.api import render_markdown
    return render_markdown(text, "body") if text else ""


def print_view(context, request):
    values = initiative_view(context, request)
    values["signers"] = len(context.signatures)
    return values


def add_view(context, request):
    if not _may_create(request, context):
        raise HTTPForbidden()
    require_authorisation(request, context, "create")

    def apply(data):
        initiative = model.add_initiative(context, data["title"], data["description"],
                                          data["type_id"], data["territory"] or
                                          model.types_of(context)[data["type_id"]].territory,
                                          creator=request.user.id)
        return initiative
    schema = InitiativeSchema().bind(request=request, container=context)
    return form_view(request, schema, title=_("Start an initiative"), buttons=("create",),
                     apply=apply, message=_("Your initiative is created. Invite promoters "
                                            "with its address, then submit it for review."))


def edit_view(context, request):
    if context.status not in ("created", "validating") or not (
            (request.user and request.user.id == context.creator)
            or _is_staff(request, context)):
        raise HTTPForbidden()

    def apply(data):
        context.edit(data["title"], data["description"], data["territory"])
        index_content(context)
        return context
    schema = EditSchema().bind(request=request, container=context.__parent__)
    return form_view(request, schema, title=_("Edit the initiative"), apply=apply,
                     appstruct={"title": context.title, "description": context.description,
                                "territory": context.territory},
                     message=_("The initiative is saved."))


def _back(request, context, message=None, error=None):
    if message is not None:
        flash(request, message)
    if error is not None:
        flash(request, error, "error")
    return HTTPFound(location=request.resource_url(context))


def join_view(context, request):
    try:
        model.join(context, request.user.id)
    except model.InitiativeError as exc:
        return _back(request, context, error=_refusal(exc))
    return _back(request, context, _("You are a promoter of this initiative."))


def submit_view(context, request):
    if request.user.id != context.creator:
        raise HTTPForbidden()
    try:
        model.submit(context)
    except model.InitiativeError as exc:
        return _back(request, context, error=_refusal(exc))
    return _back(request, context, _("The initiative is submitted for technical review."))


def sign_view(context, request):
    refusal = sign_refusal(request, context)
    if refusal is not None:
        return _back(request, context, error=refusal)
    try:
        reached = model.sign(context, request.user.id, _today(context.__parent__))
    except model.InitiativeError as exc:
        return _back(request, context, error=_refusal(exc))
    if reached:
        publish(request, "initiatives.threshold", context)
    return _back(request, context, _("Thank you: your signature is recorded."))


def unsign_view(context, request):
    if model.unsign(context, request.user.id, _today(context.__parent__)):
        return _back(request, context, _("Your signature is withdrawn."))
    return _back(request, context, error=REFUSALS["closed"])


def review_view(context, request):
    if context.status != "validating":
        return _back(request, context, error=REFUSALS["state"])

    def apply(data):
        decision, reason = data["decision"], data["reason"].strip()
        if decision == "publish":
            model.publish_initiative(context, request.user.id, _today(context.__parent__))
            publish(request, "initiatives.published", context)
        elif decision == "back":
            model.send_back(context, request.user.id, reason)
        else:
            model.discard(context, request.user.id, reason)
        publish(request, "initiatives.reviewed", context)
        return context
    return form_view(request, ReviewSchema(validator=_review_validator),
                     title=_("Technical review"), buttons=("save",), apply=apply,
                     message=_("The review is recorded."))


def answer_view(context, request):
    if context.status != "published":
        return _back(request, context, error=REFUSALS["state"])

    def apply(data):
        model.answer(context, data["answer"])
        publish(request, "initiatives.answered", context)
        return context
    return form_view(request, AnswerSchema(), title=_("Answer the initiative"), apply=apply,
                     appstruct={"answer": context.answer} if context.answer else None,
                     message=_("The answer is published."))


def paper_view(context, request):
    def apply(data):
        model.enter_paper(context, data["count"], request.user.id, data["note"])
        return context
    if context.status != "published":
        return _back(request, context, error=REFUSALS["state"])
    return form_view(request, PaperSchema(), title=_("Enter paper signatures"),
                     buttons=("save",), apply=apply,
                     message=_("The count is recorded. A second person must check it "
                               "before it counts."))


def paper_check_view(context, request):
    try:
        reached = model.check_paper(context, request.POST.get("entry", ""), request.user.id)
    except model.InitiativeError as exc:
        return _back(request, context, error=_refusal(exc))
    if reached:
        publish(request, "initiatives.threshold", context)
    return _back(request, context, _("The count is checked: it now counts."))


def types_view(context, request):
    return {"page_title": _("Types of initiatives"),
            "types": list(model.types_of(context).values())}


def type_form_view(context, request):
    type_id = request.params.get("id", "")
    kind = model.types_of(context).get(type_id) if type_id else None
    if type_id and kind is None:
        raise HTTPNotFound()

    def apply(data):
        if kind is None:
            model.add_type(context, **data)
        else:
            kind.update(**data)
        return context
    stored = None
    if kind is not None:
        stored = {node.name: getattr(kind, node.name) for node in TypeSchema().children}

    result = form_view(request, TypeSchema(), title=_("Type of initiative"), apply=apply,
                       appstruct=stored, message=_("The type is saved."))
    if isinstance(result, HTTPFound):
        return HTTPFound(location=request.resource_url(context, "types"))
    return result


def includeme(config):
    add = config.add_view
    add(listing, context=ModuleContainer, module="initiatives", permission="view",
        request_method="GET", renderer=TEMPLATES + "listing.pt")
    add(add_view, context=ModuleContainer, module="initiatives", name="add",
        permission="initiatives.create", request_method=("GET", "POST"),
        renderer=TEMPLATES + "form.pt")
    add(types_view, context=ModuleContainer, module="initiatives", name="types",
        permission="space.admin", request_method="GET", renderer=TEMPLATES + "types.pt")
    add(type_form_view, context=ModuleContainer, module="initiatives", name="type",
        permission="space.admin", request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(initiative_view, context=Initiative, permission="view", request_method="GET",
        renderer=TEMPLATES + "initiative.pt")
    add(print_view, context=Initiative, name="print", permission="view", request_method="GET",
        renderer=TEMPLATES + "print.pt")
    add(edit_view, context=Initiative, name="edit", permission="participate",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    for name, view in (("join", join_view), ("submit", submit_view), ("sign", sign_view),
                       ("unsign", unsign_view)):
        add(view, context=Initiative, name=name, permission="participate", request_method="POST")
    add(review_view, context=Initiative, name="review", permission="initiatives.review",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(answer_view, context=Initiative, name="answer", permission="initiatives.review",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(paper_view, context=Initiative, name="paper", permission="initiatives.paper",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(paper_check_view, context=Initiative, name="paper-check", permission="initiatives.paper",
        request_method="POST")
