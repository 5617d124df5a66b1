"""Staff views of the initiatives module: the technical review, the institution's
answer, paper signatures (entered by one person, checked by another) and the space's
types of initiatives. Registered by ``views.includeme``."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import form_view, publish
from beffroi_initiatives import content as model
from beffroi_initiatives.forms import AnswerSchema, PaperSchema, ReviewSchema, TypeSchema, \
    review_validator
from beffroi_initiatives.views import REFUSALS, go_back, refusal_message, today_in

_ = TranslationStringFactory("beffroi_initiatives")


def review_view(context, request):
    if context.status != "validating":
        return go_back(request, context, error=REFUSALS["state"])

    def apply(data):
        decision, reason = data["decision"], data["reason"].strip()
        if decision == "publish":
            model.publish_initiative(context, request.user.id, today_in(context.__parent__))
            publish(request, "initiatives.published", context)
        elif decision == "back":
            model.send_back(context, request.user.id, reason)
        else:
            model.discard(context, request.user.id, reason)
        publish(request, "initiatives.reviewed", context)
        return context
    return form_view(request, ReviewSchema(validator=review_validator),
                     title=_("Technical review"), buttons=("save",), apply=apply,
                     message=_("The review is recorded."))


def answer_view(context, request):
    if context.status != "published":
        return go_back(request, context, error=REFUSALS["state"])

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
        return go_back(request, context, error=REFUSALS["state"])
    return form_view(request, PaperSchema(), title=_("Enter paper signatures"),
                     buttons=("save",), apply=apply,
                     message=_("The count is recorded. A second person must check it "
                               "before it counts."))


def paper_check_view(context, request):
    try:
        reached = model.check_paper(context, request.POST.get("entry", ""), request.user.id)
    except model.InitiativeError as exc:
        return go_back(request, context, error=refusal_message(exc))
    if reached:
        publish(request, "initiatives.threshold", context)
    return go_back(request, context, _("The count is checked: it now counts."))


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
