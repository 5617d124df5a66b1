"""Notifications of the budgets module.

``budgets.results_published``: followers of a budget and of its space hear once that its
results are out, when the active phase starts showing them. A participant's own vote
is confirmed to them by e-mail (``views.send_confirmation``), never announced to
followers: who voted is nobody else's business.
"""
from __future__ import annotations

from beffroi.api import is_public, module_settings, publish
from beffroi_budgets.models import budgets_of


def announce_results(request, container):
    """Publish ``budgets.results_published`` for every budget of ``container`` whose
    results became visible and were not announced yet (once per budget)."""
    if not module_settings(request, container).get("results_shown"):
        return
    for budget in budgets_of(container):
        if getattr(budget, "results_announced", False) or not is_public(budget):
            continue
        budget.results_announced = True
        publish(request, "budgets.results_published", budget,
                url=request.resource_url(budget, "results"))
