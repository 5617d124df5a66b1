"""Staff views: answers, evaluators and their private notes, the evaluation list."""
from __future__ import annotations

from BTrees.IIBTree import IITreeSet
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import is_public
from beffroi.api import make_form, validate
from beffroi.api import publish
from beffroi.api import ModuleContainer
from beffroi.api import sanitise_html
from beffroi_proposals import rules
from beffroi_proposals.forms import answer_schema, note_schema
from beffroi_proposals.models import Note, Proposal, ensure_index, proposal_index, set_state
from beffroi_proposals.states import state_class, state_label
from beffroi_proposals.views import evaluators_of

_ = TranslationStringFactory("beffroi_proposals")
TPL = "beffroi_proposals:templates/"


def answer_view(context, request):
    container = context.container
    settings = rules.settings_of(request, container)
    states = [(s, request.localizer.translate(state_label(s, settings)))
              for s, _c in rules.state_choices(settings)]
    form = make_form(request, answer_schema(states), action=request.url)
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            cost = appstruct["cost"]
            set_state(context, appstruct["state"], sanitise_html(appstruct["answer"]),
                      None if cost is None else str(cost))
            notify_answer(request, context, settings)
            request.session.flash(request.localizer.translate(_("The answer has been saved.")))
            return HTTPFound(location=request.resource_url(context, anchor="answer"))
    else:
        html = form.render({"state": context.state or "evaluating", "answer": context.answer_html,
                            "cost": context.cost})
    return {"page_title": _("Answer the proposal"), "form": html, "proposal": context}


def notify_answer(request, proposal, settings):
    """Tell the author and followers that ``proposal`` was answered — at once when
    answers are published in the active phase; otherwise once they are
    (``publish_pending_answers``), never before."""
    if rules.answers_published(settings):
        proposal.answer_notice_pending = False
        publish(request, "proposals.answered", proposal)
        return
    proposal.answer_notice_pending = True
    pending = getattr(proposal.container, "pending_answer_notices", None)
    if pending is None:
        pending = proposal.container.pending_answer_notices = IITreeSet()
    pending.add(proposal.number)


def publish_pending_answers(request, container):
    """Once answers are published in the active phase, send the notifications of the
    answers given while they were not: one per proposal. Called by the core when
    settings change or a phase is chosen (``ModuleInfo.on_settings_changed``), and by
    the module's own writes, since a phase that starts by its dates writes nothing."""
    pending = getattr(container, "pending_answer_notices", None)
    if not pending or not rules.answers_published(rules.settings_of(request, container)):
        return
    for number in list(pending):
        proposal = container.get(str(number))
        if proposal is not None and proposal.answer_notice_pending:
            proposal.answer_notice_pending = False
            if is_public(proposal):
                publish(request, "proposals.answered", proposal)
    pending.clear()


def assign_view(context, request):
    """Admins choose the evaluators of a proposal among the space's evaluators."""
    allowed = {uid for uid, _n in evaluators_of(request, context.container.space)}
    chosen = {uid for uid in request.POST.getall("evaluator") if uid in allowed}
    # the boxes the form showed ticked: only what the admin changed is changed
    shown = set(request.POST.get("shown", "").split(",")) & allowed \
        if "shown" in request.POST else set(context.evaluators)
    keep = (set(context.evaluators) | (chosen - shown)) - (shown - chosen)
    index = ensure_index(context.container)
    for uid in set(context.evaluators) | keep:
        index.set_facet(("evaluator", uid), context.number, uid in keep)
    context.evaluators = tuple(sorted(keep))
    request.session.flash(request.localizer.translate(_("Evaluators saved.")))
    return HTTPFound(location=request.resource_url(context, anchor="evaluation"))


def note_view(context, request):
    """A private note by an admin or an evaluator assigned to the proposal."""
    if not rules.can_evaluate(request, context):
        raise HTTPForbidden()
    form = make_form(request, note_schema(), buttons=("save",), action=request.url)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {"page_title": _("Private note"), "form": html, "proposal": context}
    context.add_note(Note(request.user.id, appstruct["note"]))
    request.session.flash(request.localizer.translate(_("Note saved.")))
    return HTTPFound(location=request.resource_url(context, anchor="evaluation"))


def evaluation_list(context, request):
    """Proposals to evaluate: an evaluator sees those assigned to them, an admin all."""
    settings = rules.settings_of(request, context)
    see_all = bool(request.has_permission("proposals.answer", context))
    uid = request.user.id
    if see_all:
        items = [p for p in context.values() if isinstance(p, Proposal) and not p.withdrawn]
    else:       # the evaluator's own set: no walk through every proposal
        numbers = proposal_index(context).members(("evaluator", uid))
        items = [p for p in (context.get(str(n)) for n in numbers)
                 if p is not None and not p.withdrawn and uid in p.evaluators]
    items.sort(key=lambda p: (p.state is not None, -p.number))
    return {"page_title": _("Proposals to evaluate"), 
            "proposals": items, "see_all": see_all,
            "state_label": lambda s: state_label(s, settings), "state_class": state_class}


def includeme(config):
    config.add_view(answer_view, context=Proposal, name="answer", permission="proposals.answer",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(assign_view, context=Proposal, name="assign", permission="proposals.answer",
                    request_method="POST")
    config.add_view(note_view, context=Proposal, name="note", permission="proposals.evaluate",
                    request_method="POST", renderer=TPL + "form.pt")
    config.add_view(evaluation_list, context=ModuleContainer, module="proposals",
                    name="evaluation", permission="proposals.evaluate", request_method="GET",
                    renderer=TPL + "evaluation.pt")
