"""Citizen views: the budgets, a budget with its projects and the vote being built, a
project, changing and checking out the vote, the results."""
from __future__ import annotations

from types import SimpleNamespace

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from pyramid.response import FileIter, Response

from beffroi.api import (
    ModuleContainer, flash, module_settings, pluralize, queue_mail, require_authorisation,
)
from beffroi_budgets.links import origins_of
from beffroi_budgets.models import RULE_MINIMUM, RULE_PROJECTS, RULE_RANKING, Budget, Project, budgets_of
from beffroi_budgets.results import compute
from beffroi_budgets.voting import (
    VoteRefused, add_to_vote, ballot_of, check_ballot, checkout, eligibility_refusal,
    minimum_amount, move_up, remove_from_vote, spent,
)

_ = TranslationStringFactory("beffroi_budgets")
TPL = "beffroi_budgets:templates/"


def money(request, amount):
    """``amount`` (whole euros) as the reader's locale writes it: « 12 000 € », “€12,000”."""
    from babel.numbers import format_currency
    locale = request.locale_name or "fr"
    pattern = "¤#,##0" if locale.startswith("en") else "#,##0\u00a0¤"
    return format_currency(amount, "EUR", pattern, locale=locale, currency_digits=False)


#: Keys of the messages of ``voting`` whose values are amounts (whole euros).
AMOUNT_KEYS = ("left", "spent", "total", "amount")


def present(request, message):
    """``message`` (a translation string of ``voting``) with its amounts written as
    money in the reader's locale."""
    mapping = getattr(message, "mapping", None)
    if not mapping or not any(k in mapping for k in AMOUNT_KEYS):
        return message
    changed = {k: money(request, v) if k in AMOUNT_KEYS and isinstance(v, int) else v
               for k, v in mapping.items()}
    return _(str(message), mapping=changed, default=message.default)


def rule_text(request, budget):
    """The budget's voting rule in one sentence, for the participant (translated)."""
    m = lambda n: money(request, n)  # noqa: E731
    if budget.vote_rule == RULE_RANKING:
        return pluralize(request, "Rank up to ${n} project in order of preference: it gets ${n} "
                         "point.", "Rank up to ${n} projects in order of preference: the first "
                         "gets ${n} points, the next one point less.", budget.ranking_size,
                         domain="beffroi_budgets")
    if budget.vote_rule == RULE_PROJECTS:
        least = budget.minimum_projects or 1
        if budget.maximum_projects:
            return pluralize(request, "Select between ${min} and ${n} project, within the budget "
                             "of ${total}.", "Select between ${min} and ${n} projects, within the "
                             "budget of ${total}.", budget.maximum_projects,
                             mapping={"min": least, "total": m(budget.total)},
                             domain="beffroi_budgets")
        return pluralize(request, "Select at least ${n} project, within the budget of ${total}.",
                         "Select at least ${n} projects, within the budget of ${total}.",
                         least, mapping={"total": m(budget.total)},
                         domain="beffroi_budgets")
    if budget.minimum_percent:
        return _("Choose projects spending at least ${percent} % of the budget (${amount}) and "
                 "at most the budget of ${total}.",
                 mapping={"percent": budget.minimum_percent, "amount": m(minimum_amount(budget)),
                          "total": m(budget.total)})
    return _("Choose projects within the budget of ${total}.", mapping={"total": m(budget.total)})


def phase(request, container):
    """(voting open, vote counts shown, results published) in the active phase."""
    settings = module_settings(request, container)
    return settings, SimpleNamespace(voting=bool(settings.get("voting_open")),
                                     counts=bool(settings.get("show_votes")),
                                     results=bool(settings.get("results_shown")))


def listing(context, request):
    settings, now_ = phase(request, context)
    user = request.user
    budgets = []
    for budget in budgets_of(context):
        ballot = ballot_of(budget, user.id) if user else None
        budgets.append(SimpleNamespace(
            budget=budget, total=money(request, budget.total), projects=len(budget),
            rule=rule_text(request, budget),
            status=("confirmed" if ballot is not None and ballot.checked_out
                    else "progress" if ballot is not None and ballot.projects else "")))
    return {"page_title": context.title or _("Participatory budgets"), "budgets": budgets,
            "intro": settings.get("intro", ""), "phase": now_,
            "one_budget": settings.get("who_votes") == "one",
            "can_manage": bool(request.has_permission("budgets.manage", context))}


def _vote_state(request, budget, settings):
    user = request.user
    ballot = ballot_of(budget, user.id) if user else None
    numbers = ballot.projects if ballot is not None else ()
    amount = spent(budget, numbers)
    chosen = [budget.project(n) for n in numbers]
    refusal = eligibility_refusal(request, budget.container, budget, user, settings) \
        if user is not None and not (ballot and ballot.checked_out) else None
    return SimpleNamespace(
        ballot=ballot, numbers=numbers, chosen=[p for p in chosen if p is not None],
        confirmed=ballot is not None and ballot.checked_out is not None,
        spent=amount, spent_text=money(request, amount),
        left_text=money(request, budget.total - amount),
        percent=min(100, amount * 100 // budget.total) if budget.total else 0,
        errors=[present(request, e) for e in check_ballot(budget, numbers)] if numbers else [],
        refusal=refusal)


def budget_view(context, request):
    container = context.container
    settings, now_ = phase(request, container)
    vote = _vote_state(request, context, settings)
    counts = now_.counts or now_.results
    projects = context.projects()
    votes = context.votes.get_many([p.number for p in projects]) if counts else []
    return {"page_title": context.title, "budget": context, "vote": vote, "phase": now_,
            "rule": rule_text(request, context), "money": lambda n: money(request, n),
            "total": money(request, context.total), "ranking": context.vote_rule == RULE_RANKING,
            "minimum": money(request, minimum_amount(context))
            if context.vote_rule == RULE_MINIMUM and context.minimum_percent else None,
            "projects": [SimpleNamespace(project=p, votes=votes[i] if counts else None,
                                         cost=money(request, p.cost),
                                         chosen=p.number in vote.numbers)
                         for i, p in enumerate(projects)],
            "can_manage": bool(request.has_permission("budgets.manage", context)),
            "can_enter_paper": bool(request.has_permission("budgets.paper", context))}


def project_view(context, request):
    budget = context.budget
    settings, now_ = phase(request, budget.container)
    vote = _vote_state(request, budget, settings)
    counts = now_.counts or now_.results
    return {"page_title": context.title, "project": context, "budget": budget, "vote": vote,
            "phase": now_, "cost": money(request, context.cost),
            "votes": budget.votes.get(context.number) if counts else None,
            "origins": origins_of(request, context), "chosen": context.number in vote.numbers,
            "can_manage": bool(request.has_permission("budgets.manage", context))}


def _refused(request, refused):
    messages = refused.message if isinstance(refused.message, list) else [refused.message]
    for message in messages:
        flash(request, present(request, message), "error")
    request.tm.doom()        # a refused change writes nothing, not even an empty ballot


def _back(request, budget):
    came_from = request.POST.get("came_from", "")
    base = request.resource_url(budget)
    if came_from.startswith(base):          # only pages of this budget
        return HTTPFound(location=came_from)
    return HTTPFound(location=base + "#my-vote")


def vote_view(context, request):
    """POST ``action`` (add, remove, up) and ``project`` (its number): change the vote.
    The space may require a verification to vote (action ``vote``)."""
    require_authorisation(request, context.container, "vote",
                          came_from=request.resource_url(context))
    settings, now_ = phase(request, context.container)
    try:
        if not now_.voting:
            raise VoteRefused(_("Voting is closed."))
        project = context.project(request.POST.get("project"))
        if project is None:
            raise VoteRefused(_("This project does not exist."))
        action = request.POST.get("action")
        if action == "add":
            add_to_vote(context, request.user.id, project)
            flash(request, _("“${title}” has been added to your vote.", mapping={"title": project.title}))
        elif action == "remove":
            remove_from_vote(context, request.user.id, project.number)
            flash(request, _("“${title}” has been removed from your vote.", mapping={"title": project.title}))
        elif action == "up":
            move_up(context, request.user.id, project.number)
            flash(request, _("“${title}” has moved up in your ranking.", mapping={"title": project.title}))
        else:
            raise VoteRefused(_("Unknown action."))
    except VoteRefused as refused:
        _refused(request, refused)
    return _back(request, context)


def checkout_view(context, request):
    """POST: make the vote final, count it and send the confirmation e-mail."""
    container = context.container
    require_authorisation(request, container, "vote", came_from=request.resource_url(context))
    settings, now_ = phase(request, container)
    user = request.user
    try:
        if not now_.voting:
            raise VoteRefused(_("Voting is closed."))
        ballot = checkout(request, container, context, user, settings)
    except VoteRefused as refused:
        _refused(request, refused)
        return HTTPFound(location=request.resource_url(context) + "#my-vote")
    send_confirmation(request, context, ballot, user)
    flash(request, _("Your vote is confirmed. Thank you! A confirmation has been sent to your "
                     "e-mail address."))
    return HTTPFound(location=request.resource_url(context) + "#my-vote")


def send_confirmation(request, budget, ballot, user):
    """Queue the confirmation e-mail of a checked-out vote (sent once the request commits)."""
    tr = request.localizer.translate
    lines = [f"- {p.title} ({money(request, p.cost)})"
             for p in (budget.project(n) for n in ballot.projects) if p is not None]
    org = request.organisation
    body = tr(_("Hello ${name},\n\nYour vote in the participatory budget “${budget}” was "
                "confirmed on ${date} (UTC). You chose:\n\n${projects}\n\nA confirmed vote "
                "cannot be changed. The budget: ${url}",
                mapping={"name": user.name, "budget": budget.title,
                         "date": ballot.checked_out.strftime("%Y-%m-%d %H:%M"),
                         "projects": "\n".join(lines), "url": request.resource_url(budget)}))
    subject = tr(_("Your vote is confirmed: ${budget}", mapping={"budget": budget.title}))
    queue_mail(org, user.email, subject, body + f"\n\n-- \n{org.name}")


def results_view(context, request):
    """Votes per project and the automatic winners, once the results are published
    (space staff may preview them)."""
    settings, now_ = phase(request, context.container)
    preview = not now_.results
    if preview and not request.has_permission("budgets.manage", context):
        raise HTTPNotFound()
    results = compute(context)
    return {"page_title": _("Results: ${title}", mapping={"title": context.title}),
            "budget": context, "results": results, "preview": preview,
            "money": lambda n: money(request, n),
            "pending_paper": sum(1 for p in context.paper.values() if not p.checked)}


def image_view(context, request):
    image = context.image(request.params.get("id", ""))
    if image is None:
        raise HTTPNotFound()
    response = Response(content_type=image.content_type)
    response.app_iter = FileIter(image.blob.open("r"))
    response.content_length = image.size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, max-age=3600"      # a private space's images stay private
    return response


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="budgets", permission="view",
                    request_method="GET", renderer=TPL + "budgets.pt")
    config.add_view(budget_view, context=Budget, permission="view", request_method="GET",
                    renderer=TPL + "budget.pt")
    config.add_view(project_view, context=Project, permission="view", request_method="GET",
                    renderer=TPL + "project.pt")
    config.add_view(vote_view, context=Budget, name="vote", permission="budgets.vote",
                    request_method="POST")
    config.add_view(checkout_view, context=Budget, name="checkout", permission="budgets.vote",
                    request_method="POST")
    config.add_view(results_view, context=Budget, name="results", permission="view",
                    request_method="GET", renderer=TPL + "results.pt")
    config.add_view(image_view, context=Project, name="image", permission="view",
                    request_method="GET")
