"""Participants' views of the initiatives module: listing, an initiative, its printable
version for the town hall, starting, editing, joining as a promoter, submitting, signing
and withdrawing a signature. Staff steps are in ``views_staff``; forms in ``forms``."""
from __future__ import annotations

from urllib.parse import quote

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, author_name, authorise, flash, form_view, granted_verifications,
    index_content, is_hidden, is_public_to, module_settings, publish, require_authorisation,
)
from beffroi_initiatives import content as model
from beffroi_initiatives.content import Initiative
from beffroi_initiatives.forms import EditSchema, InitiativeSchema

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


def refusal_message(error):
    """The message for an ``InitiativeError`` (its text is a key of ``REFUSALS``)."""
    return REFUSALS.get(str(error), REFUSALS["state"])


def today_in(container):
    """The space's day (the organisation's time zone) for the module ``container``."""
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


# --- pages ------------------------------------------------------------------------------------

def listing(context, request):
    shown = request.params.get("state", "open")
    shown = shown if shown in FILTERS else "open"
    today = today_in(context)
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
    today = today_in(initiative.__parent__)
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
    today = today_in(context.__parent__)
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


def go_back(request, context, message=None, error=None):
    """A redirect to the initiative, flashing ``message`` (information) or ``error``."""
    if message is not None:
        flash(request, message)
    if error is not None:
        flash(request, error, "error")
    return HTTPFound(location=request.resource_url(context))


def join_view(context, request):
    try:
        model.join(context, request.user.id)
    except model.InitiativeError as exc:
        return go_back(request, context, error=refusal_message(exc))
    return go_back(request, context, _("You are a promoter of this initiative."))


def submit_view(context, request):
    if request.user.id != context.creator:
        raise HTTPForbidden()
    try:
        model.submit(context)
    except model.InitiativeError as exc:
        return go_back(request, context, error=refusal_message(exc))
    return go_back(request, context, _("The initiative is submitted for technical review."))


def sign_view(context, request):
    refusal = sign_refusal(request, context)
    if refusal is not None:
        return go_back(request, context, error=refusal)
    try:
        reached = model.sign(context, request.user.id, today_in(context.__parent__))
    except model.InitiativeError as exc:
        return go_back(request, context, error=refusal_message(exc))
    if reached:
        publish(request, "initiatives.threshold", context)
    return go_back(request, context, _("Thank you: your signature is recorded."))


def unsign_view(context, request):
    if model.unsign(context, request.user.id, today_in(context.__parent__)):
        return go_back(request, context, _("Your signature is withdrawn."))
    return go_back(request, context, error=REFUSALS["closed"])


def includeme(config):
    from beffroi_initiatives import views_staff as staff
    add = config.add_view
    add(listing, context=ModuleContainer, module="initiatives", permission="view",
        request_method="GET", renderer=TEMPLATES + "listing.pt")
    add(add_view, context=ModuleContainer, module="initiatives", name="add",
        permission="initiatives.create", request_method=("GET", "POST"),
        renderer=TEMPLATES + "form.pt")
    add(staff.types_view, context=ModuleContainer, module="initiatives", name="types",
        permission="space.admin", request_method="GET", renderer=TEMPLATES + "types.pt")
    add(staff.type_form_view, context=ModuleContainer, module="initiatives", name="type",
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
    add(staff.review_view, context=Initiative, name="review", permission="initiatives.review",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(staff.answer_view, context=Initiative, name="answer", permission="initiatives.review",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(staff.paper_view, context=Initiative, name="paper", permission="initiatives.paper",
        request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    add(staff.paper_check_view, context=Initiative, name="paper-check",
        permission="initiatives.paper", request_method="POST")
