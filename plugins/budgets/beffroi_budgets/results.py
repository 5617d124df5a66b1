"""Results of a budget: votes per project and the automatic winners.

Winners are chosen as CONSUL does: projects are taken in order of votes (points in
ranking mode); a project is a winner when its cost fits in what is left of the budget,
otherwise it is skipped and the next one is tried, so a cheaper project further down
may still win. Ties (same votes) are broken by the lower cost first — it leaves more
of the budget to the projects that follow — then by the project number (the order in
which the projects were published). Every tie is reported with the rule that broke it.

Counts are read from the budget's tallies (one read per shard of 256 projects): the
cost does not grow with the number of votes.
"""
from __future__ import annotations

from dataclasses import dataclass

from beffroi_budgets.models import RULE_RANKING


@dataclass(frozen=True)
class Row:
    """One project in the results. ``status`` is ``"winner"``, ``"skipped"`` (did not fit
    in what was left) or ``"none"`` (no vote)."""
    rank: int
    number: int
    title: str
    cost: int
    votes: int
    points: int
    score: int                    # what the order uses: votes, or points in ranking mode
    status: str
    left_before: int              # budget left when this project's turn came
    tied_with: tuple = ()         # titles of the other projects with the same score


@dataclass(frozen=True)
class Results:
    rows: tuple
    total: int
    spent: int
    voters: int
    ranking: bool

    @property
    def winners(self):
        return [r for r in self.rows if r.status == "winner"]

    @property
    def left(self):
        return self.total - self.spent

    @property
    def ties(self):
        """Groups of tied rows (two projects or more with the same score, above zero)."""
        groups, seen = [], set()
        for row in self.rows:
            if row.tied_with and row.number not in seen:
                group = [r for r in self.rows if r.score == row.score]
                seen.update(r.number for r in group)
                groups.append(group)
        return groups


def compute(budget):
    """The ``Results`` of ``budget`` from its tallies (paper ballots count once checked)."""
    projects = budget.projects()
    numbers = [p.number for p in projects]
    votes = budget.votes.get_many(numbers)
    ranking = budget.vote_rule == RULE_RANKING
    points = budget.points.get_many(numbers) if ranking and budget.points is not None \
        else [0] * len(numbers)
    entries = []
    for project, v, pts in zip(projects, votes, points):
        entries.append((pts if ranking else v, project, v, pts))
    entries.sort(key=lambda e: (-e[0], e[1].cost, e[1].number))
    by_score = {}
    for score, project, _v, _p in entries:
        by_score.setdefault(score, []).append((project.number, project.title))
    left = budget.total
    rows = []
    for rank, (score, project, v, pts) in enumerate(entries, start=1):
        if score <= 0:
            status = "none"
        elif project.cost <= left:
            status = "winner"
        else:
            status = "skipped"
        before = left
        if status == "winner":
            left -= project.cost
        tied = tuple(t for n, t in by_score[score] if n != project.number) if score > 0 else ()
        rows.append(Row(rank, project.number, project.title, project.cost, v, pts, score,
                        status, before, tied))
    return Results(tuple(rows), budget.total, budget.total - left, budget.voters(), ranking)
