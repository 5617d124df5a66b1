"""Building a vote, checking it against the budget's rule, checking it out; paper ballots.

Concurrency (see ``models``): every change of a participant's vote rewrites their
``Ballot`` alone; checkout adds to conflict-free tallies. "One budget of this module"
is a ``beffroi.limits`` allowance (scope ``budgets.checkouts``, limit 1) taken at
checkout, so two checkouts of one person in two budgets at the same moment conflict
and the retried one is refused.

Who may vote in which budget is one table, ``ELIGIBILITY``: a rule name (the module
setting ``who_votes``) → a function ``(request, container, budget, user) -> message or
None``. Two rules exist while the core has no territory or verification data:
``any`` (every budget) and ``one`` (a single budget of the module). A rule using
verified data (a postal code matching the budget's territory, say) is one more entry:
``ELIGIBILITY["postal_code"] = my_check`` and a choice in ``settings.WHO_VOTES``.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi.api import LimitReached, held_within_limit, now, take_within_limit
from beffroi_budgets.models import (
    RULE_MINIMUM, RULE_PROJECTS, RULE_RANKING, Ballot, PaperBallot,
)

_ = TranslationStringFactory("beffroi_budgets")
#: The ``beffroi.limits`` scope of checkouts under the rule "one budget of this module".
CHECKOUT_SCOPE = "budgets.checkouts"


class VoteRefused(Exception):
    """A change or checkout the rules refuse; ``message`` says why, for the participant."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- who votes where -------------------------------------------------------------------------

def _any_budget(request, container, budget, user):
    return None


def _one_budget(request, container, budget, user):
    taken = held_within_limit(container, CHECKOUT_SCOPE, user.id)
    other = next((name for name in taken if name != budget.__name__), None)
    if other is None:
        return None
    voted = container.get(other)
    return _("You have already voted in the budget “${title}”: you may vote in one budget "
             "of this space only.", mapping={"title": voted.title if voted is not None else other})


#: rule name → check ``(request, container, budget, user) -> message | None``.
ELIGIBILITY = {"any": _any_budget, "one": _one_budget}


def eligibility_refusal(request, container, budget, user, settings):
    """Why ``user`` may not vote in ``budget`` under the module's ``who_votes`` rule
    (a translation string), or None when they may. An unknown rule name refuses (a
    setting left behind by an uninstalled verification must not open the vote)."""
    check = ELIGIBILITY.get(settings.get("who_votes", "any"))
    if check is None:
        return _("Voting is not possible: the rule saying who votes in which budget is not "
                 "available. Please tell the organisers.")
    return check(request, container, budget, user)


# --- the rule of a budget ----------------------------------------------------------------------

def spent(budget, numbers):
    """Sum of the costs of the projects ``numbers`` of ``budget`` (whole euros)."""
    total = 0
    for number in numbers:
        project = budget.project(number)
        if project is not None:
            total += project.cost
    return total


def minimum_amount(budget):
    """The least a vote must spend under the rule "at least N %" (whole euros, rounded up)."""
    if budget.vote_rule != RULE_MINIMUM or not budget.minimum_percent:
        return 0
    return -(-budget.total * budget.minimum_percent // 100)


def can_add(budget, numbers, project):
    """Why ``project`` cannot be added to a vote holding ``numbers``, or None."""
    if project.number in numbers:
        return _("This project is already in your vote.")
    if budget.vote_rule == RULE_RANKING:
        if len(numbers) >= budget.ranking_size:
            return _("Projects you may rank at most: ${n}. Remove one first.",
                     mapping={"n": budget.ranking_size})
        return None
    if spent(budget, numbers) + project.cost > budget.total:
        return _("This project costs more than what is left of the budget (${left}).",
                 mapping={"left": budget.total - spent(budget, numbers)})
    if budget.vote_rule == RULE_PROJECTS and budget.maximum_projects \
            and len(numbers) >= budget.maximum_projects:
        return _("Projects you may select at most: ${n}. Remove one first.",
                 mapping={"n": budget.maximum_projects})
    return None


def check_ballot(budget, numbers):
    """The reasons (translation strings) why a vote for ``numbers`` breaks the rule of
    ``budget``; an empty list when it may be checked out."""
    errors = []
    numbers = list(numbers)
    if not numbers:
        return [_("Your vote is empty: add at least one project.")]
    if any(budget.project(n) is None for n in numbers):
        errors.append(_("A project of your vote no longer exists: remove it."))
    if len(set(numbers)) != len(numbers):
        errors.append(_("A project appears twice in your vote."))
    if budget.vote_rule == RULE_RANKING:
        if len(numbers) > budget.ranking_size:
            errors.append(_("Projects you may rank at most: ${n}.", mapping={"n": budget.ranking_size}))
        return errors
    amount = spent(budget, numbers)
    if amount > budget.total:
        errors.append(_("Your vote spends ${spent}, more than the budget of ${total}.",
                        mapping={"spent": amount, "total": budget.total}))
    if budget.vote_rule == RULE_MINIMUM and amount < minimum_amount(budget):
        errors.append(_("Your vote must spend at least ${percent} % of the budget (${amount}); "
                        "it spends ${spent}. Add projects.",
                        mapping={"percent": budget.minimum_percent,
                                 "amount": minimum_amount(budget), "spent": amount}))
    if budget.vote_rule == RULE_PROJECTS:
        if budget.minimum_projects and len(numbers) < budget.minimum_projects:
            errors.append(_("Projects to select at least: ${n} (selected: ${count}).",
                            mapping={"n": budget.minimum_projects, "count": len(numbers)}))
        if budget.maximum_projects and len(numbers) > budget.maximum_projects:
            errors.append(_("Projects to select at most: ${n} (selected: ${count}).",
                            mapping={"n": budget.maximum_projects, "count": len(numbers)}))
    return errors


# --- a participant's vote -----------------------------------------------------------------------

def ballot_of(budget, user_id):
    """The participant's ballot in ``budget`` (None when they have none; reads only)."""
    return budget.ballots.get(user_id) if user_id else None


def _open_ballot(budget, user_id):
    ballot = budget.ballots.get(user_id)
    if ballot is None:
        ballot = budget.ballots[user_id] = Ballot(user_id)
    if ballot.checked_out is not None:
        raise VoteRefused(_("Your vote is confirmed: it can no longer be changed."))
    return ballot


def add_to_vote(budget, user_id, project):
    """Add ``project`` to the vote of ``user_id``; raise ``VoteRefused`` with the reason."""
    ballot = budget.ballots.get(user_id)
    if ballot is not None and ballot.checked_out is not None:
        raise VoteRefused(_("Your vote is confirmed: it can no longer be changed."))
    numbers = ballot.projects if ballot is not None else ()
    reason = can_add(budget, numbers, project)
    if reason is not None:
        raise VoteRefused(reason)
    ballot = _open_ballot(budget, user_id)
    ballot.set_projects(numbers + (project.number,))


def remove_from_vote(budget, user_id, number):
    ballot = _open_ballot(budget, user_id)
    if number not in ballot.projects:
        raise VoteRefused(_("This project is not in your vote."))
    ballot.set_projects(n for n in ballot.projects if n != number)


def move_up(budget, user_id, number):
    """Rank ``number`` one place higher (ranking mode)."""
    ballot = _open_ballot(budget, user_id)
    numbers = list(ballot.projects)
    if number not in numbers:
        raise VoteRefused(_("This project is not in your vote."))
    i = numbers.index(number)
    if i > 0:
        numbers[i - 1], numbers[i] = numbers[i], numbers[i - 1]
    ballot.set_projects(numbers)


def count_in(budget, numbers, times=1):
    """Add ``times`` identical votes for ``numbers`` to the tallies of ``budget``.
    In ranking mode the first of K ranked projects gets K points, the next K-1 …"""
    for number in numbers:
        budget.votes.change(number, times)
    if budget.vote_rule == RULE_RANKING:
        points = budget.points_tally()
        for rank, number in enumerate(numbers):
            points.change(number, times * (budget.ranking_size - rank))
    budget.voters.change(times)


def checkout(request, container, budget, user, settings):
    """Make the vote of ``user`` final and count it. Raises ``VoteRefused`` (with every
    reason the rule gives, joined) when the vote breaks the rule, is already confirmed,
    or the participant may not vote in this budget."""
    ballot = budget.ballots.get(user.id)
    if ballot is not None and ballot.checked_out is not None:
        raise VoteRefused(_("Your vote is already confirmed."))
    numbers = ballot.projects if ballot is not None else ()
    errors = check_ballot(budget, numbers)
    if errors:
        raise VoteRefused(errors)
    refusal = eligibility_refusal(request, container, budget, user, settings)
    if refusal is not None:
        raise VoteRefused(refusal)
    if settings.get("who_votes") == "one":
        try:
            take_within_limit(container, CHECKOUT_SCOPE, user.id, budget.__name__, 1)
        except LimitReached:
            raise VoteRefused(_("You may vote in one budget of this space only.")) from None
    ballot.checked_out = now()
    ballot._p_changed = True
    count_in(budget, ballot.projects)
    return ballot


# --- paper ballots -------------------------------------------------------------------------------

def enter_paper(budget, numbers, count, user):
    """Record ``count`` identical paper ballots for ``numbers``, pending a check.
    Raises ``VoteRefused`` when they break the budget's rule."""
    import uuid
    errors = check_ballot(budget, numbers)
    if errors:
        raise VoteRefused(errors)
    key = f"{now().isoformat()}-{uuid.uuid4().hex[:8]}"
    paper = budget.paper[key] = PaperBallot(key, numbers, count, user.id, user.name)
    return paper


def check_paper(budget, key, user):
    """Count the pending paper ballots ``key``, checked by ``user``, who must not be the
    person who entered them. Raises ``VoteRefused`` otherwise."""
    paper = budget.paper.get(key)
    if paper is None:
        raise VoteRefused(_("These paper ballots no longer exist."))
    if paper.checked:
        raise VoteRefused(_("These paper ballots have already been checked."))
    if paper.entered_by == user.id:
        raise VoteRefused(_("Paper ballots must be checked by another person than the one "
                            "who entered them."))
    paper.checked_by, paper.checked_name, paper.checked_at = user.id, user.name, now()
    count_in(budget, paper.projects, paper.count)
    return paper


def discard_paper(budget, key):
    """Delete pending paper ballots (a typing mistake); checked ones stay."""
    paper = budget.paper.get(key)
    if paper is None:
        raise VoteRefused(_("These paper ballots no longer exist."))
    if paper.checked:
        raise VoteRefused(_("Checked paper ballots count and cannot be deleted."))
    del budget.paper[key]
    return paper
