"""Participatory budgets: budgets (one per district, say) with projects; participants
build a vote within the budget's rule and confirm it once; staff enter paper ballots
that a second person checks; results choose the winners automatically.

Built only on the public plugin contract, like any module a community could publish.
Amounts are whole euros.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, NotificationInfo, PermissionInfo, hookimpl
from beffroi_budgets.models import budgets_of, project_text
from beffroi_budgets.settings import BudgetsPhaseSettings, BudgetsSettings

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_budgets")

OPEN_DATA_COLUMNS = ("budget", "budget_total", "territory_of_budget", "project", "title",
                     "description", "cost", "territory", "proposals", "votes", "points",
                     "winner", "url")


def _open_data_fields():
    """What each column of the budgets' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "budget": FieldDoc("text", _("Title of the budget the project belongs to")),
        "budget_total": FieldDoc("decimal", _("Amount of the budget"), _("euros")),
        "territory_of_budget": FieldDoc("text", _("Territory of the budget (empty: the whole space)")),
        "project": FieldDoc("integer", _("Number of the project in its budget")),
        "title": FieldDoc("text", _("Title of the project")),
        "description": FieldDoc("text", _("Description of the project, as typed (Markdown)")),
        "cost": FieldDoc("decimal", _("Estimated cost of the project"), _("euros")),
        "territory": FieldDoc("text", _("Territory the project concerns")),
        "proposals": FieldDoc("list", _("Proposals the project comes from, separated by spaces")),
        "votes": FieldDoc("integer", _("Votes for the project (empty until the results are published)"), _("votes")),
        "points": FieldDoc("integer", _("Points of the project in a ranked vote (empty otherwise)"), _("points")),
        "winner": FieldDoc("boolean", _("Selected by the vote (empty until the results are published)")),
        "url": FieldDoc("url", _("Address of the project's page")),
    }


def _open_data(request, container):
    """One row per project; votes and winners only once the results are published.
    No personal data (no voter, no staff member)."""
    from beffroi.api import module_settings
    from beffroi_budgets.results import compute
    published = bool(module_settings(request, container).get("results_shown"))
    rows = []
    for budget in budgets_of(container):
        results = {r.number: r for r in compute(budget).rows} if published else {}
        for project in budget.projects():
            row = results.get(project.number)
            rows.append({
                "budget": budget.title, "budget_total": budget.total,
                "territory_of_budget": budget.territory, "project": project.number,
                "title": project.title, "description": project.description_source,
                "cost": project.cost, "territory": project.territory,
                "proposals": " ".join(project.origins),
                "votes": row.votes if row else "", "points": row.points if row and row.points else "",
                "winner": (row.status == "winner") if row else "",
                "url": request.resource_url(project)})
    return rows


def _organisation_export(container):
    out = []
    for budget in budgets_of(container):
        out.append({
            "name": budget.__name__, "title": budget.title, "total": budget.total,
            "territory": budget.territory, "description": budget.description_source,
            "vote_rule": budget.vote_rule, "minimum_percent": budget.minimum_percent,
            "minimum_projects": budget.minimum_projects,
            "maximum_projects": budget.maximum_projects, "ranking_size": budget.ranking_size,
            "voters": budget.voters(),
            "projects": [{"number": p.number, "title": p.title, "cost": p.cost,
                          "territory": p.territory, "description": p.description_source,
                          "proposals": list(p.origins), "votes": budget.votes.get(p.number)}
                         for p in budget.projects()]})
    return out


def _portable_data(request, container, user):
    """The participant's votes in this module (built or confirmed)."""
    out = []
    for budget in budgets_of(container):
        ballot = budget.ballots.get(user.id)
        if ballot is None:
            continue
        out.append({"budget": budget.title, "url": request.resource_url(budget),
                    "projects": [getattr(budget.project(n), "title", str(n)) for n in ballot.projects],
                    "started": ballot.created.isoformat(),
                    "confirmed": ballot.checked_out.isoformat() if ballot.checked_out else None})
    return {"votes": out} if out else None


def _on_account_deleted(request, container, user):
    """A deleted participant's ballots are unlinked from them: a confirmed vote still
    counts (the tallies keep it, as a paper ballot would), a vote being built is dropped.
    Paper ballots they entered or checked keep the id (the two-person rule needs it) but
    lose the name."""
    from beffroi.api import give_back_within_limit
    from beffroi_budgets.voting import CHECKOUT_SCOPE
    for budget in budgets_of(container):
        if budget.ballots.get(user.id) is not None:
            del budget.ballots[user.id]
            give_back_within_limit(container, CHECKOUT_SCOPE, user.id, budget.__name__)
        for paper in budget.paper.values():
            if paper.entered_by == user.id:
                paper.entered_name = ""
            if paper.checked_by == user.id:
                paper.checked_name = ""


def _demo_content(container):
    from beffroi_budgets.demo import fill
    fill(container)


def _on_settings_changed(request, container):
    from beffroi_budgets.notify import announce_results
    announce_results(request, container)


def _open_calls(request, container):
    """A vote open in this phase: the home page's open calls."""
    from beffroi.api import module_settings
    from beffroi_budgets.models import budgets_of
    if module_settings(request, container).get("voting_open", True) and budgets_of(container):
        return [_("Vote for the projects of the budget")]
    return []


@hookimpl
def register_modules():
    return [ModuleInfo(
        actions=("vote",),
        open_calls=_open_calls,
        name="budgets",
        title=_("Participatory budgets"),
        description=_("Projects with a cost, voted by participants within a budget; paper "
                      "ballots; results with the winning projects."),
        icon="💶",
        permissions=(
            PermissionInfo("budgets.vote", _("Vote in participatory budgets"), ("authenticated",)),
            PermissionInfo("budgets.manage", _("Manage budgets and projects"), ("admin",)),
            PermissionInfo("budgets.paper", _("Enter and check paper ballots"),
                           ("admin", "collaborator")),
        ),
        settings_schema=BudgetsSettings,
        phase_settings_schema=BudgetsPhaseSettings,
        indexes=(IndexInfo("budgets.text", "text", project_text),),
        on_settings_changed=_on_settings_changed,
        open_data=_open_data,
        open_data_columns=OPEN_DATA_COLUMNS,
        open_data_fields=_open_data_fields(),
        search=("title", "description_source"),
        organisation_export=_organisation_export,
        portable_data=_portable_data,
        on_account_deleted=_on_account_deleted,
        demo_content=_demo_content,
        evolve_steps=(EvolveStep("budgets.0001_sharded_ballots", _shard_ballots,
                                 "ballots in a sharded tree (first voters stop conflicting)"),),
    )]


def _shard_ballots(app_root):
    """Budgets made before keep their ballots in an ``OOBTree``: same ballots, sharded."""
    from beffroi.api import ShardedTree
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("budgets")
            for budget in budgets_of(container) if container is not None else ():
                if not isinstance(budget.ballots, ShardedTree):
                    budget.ballots = ShardedTree(budget.ballots.items())


@hookimpl
def register_notifications():
    return [NotificationInfo("budgets.results_published",
                             _("The results of a participatory budget are published"))]


@hookimpl
def on_configure(config):
    config.include("beffroi_budgets.views")
    config.include("beffroi_budgets.views_staff")
