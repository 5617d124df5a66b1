"""Budgets, their projects, the participants' ballots and the paper ballots.

Amounts are **whole euros** (Python ``int``): a budget's ``total`` and a project's
``cost``. Participatory budgets are voted in round euros; cents would only add noise.

Key layout and concurrency contract (one budget):

- ``budget`` is a ``Folder`` of ``Project`` objects named by their number (``"1"``, ``"2"``…).
- ``budget.ballots``: ``ShardedTree`` user id → ``Ballot`` (an ``OOBTree`` in budgets made
  before evolve step ``budgets.0001_sharded_ballots``). A participant's ballot is one
  small object rewritten whole on every change (add, remove, move, checkout) and
  without conflict resolution: two concurrent requests of the *same* person conflict,
  ``pyramid_retry`` runs one again and it sees the new state (so twenty simultaneous
  checkouts of one person count once). Different people write different ballots; a
  first ballot inserts a key into one shard of the tree, which BTrees merge (a plain
  tree made every first voter conflict whenever another one's insert split a bucket).
- ``budget.votes``: a ``Tally`` (project number → votes) and ``budget.points``
  (project number → ranking points, only in ranking mode); ``budget.voters`` a
  ``BTrees.Length`` of the ballots that count. All merge concurrent changes by adding
  their deltas: checkouts of different people never conflict there, and nothing else
  is rewritten by every checkout. Results read these counts, never the ballots.
- ``budget.paper``: ``OOBTree`` key ``"<ISO time>-<random>"`` → ``PaperBallot``; a
  paper ballot counts (its ``count`` identical ballots added to the tallies) only when
  a second, different staff member checked it.
"""
from __future__ import annotations

import uuid

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.api import (
    Content, Folder, ShardedTree, Tally, index_content, now, render_markdown,
)

#: How a budget's vote is made (see ``voting.check_ballot``).
RULE_MINIMUM = "minimum"        # spend at least N % of the budget
RULE_PROJECTS = "projects"      # select between a minimum and a maximum number of projects
RULE_RANKING = "ranking"        # rank up to K projects in order of preference
VOTE_RULES = (RULE_MINIMUM, RULE_PROJECTS, RULE_RANKING)

TITLE_MAX = 150
TEXT_MAX = 10_000
#: Highest amount accepted (a billion euros: more is a typing mistake).
AMOUNT_MAX = 1_000_000_000


def render_text(source):
    """Sanitised HTML of a description typed in Markdown (raw HTML escaped)."""
    return render_markdown(source or "", profile="body")


class Budget(Folder):
    """One budget of a module (a district's, a theme's …) and its projects."""

    description_source = ""
    description_html = ""
    territory = ""
    vote_rule = RULE_MINIMUM
    minimum_percent = 0
    minimum_projects = 0
    maximum_projects = 0
    ranking_size = 3
    last_project = 0
    points = None                  # a Tally in ranking mode, made on first use

    def __init__(self, title, total, creator=None):
        super().__init__()
        self.title = title
        self.total = int(total)
        self.creator = creator
        self.created = self.modified = now()
        self.ballots = ShardedTree()
        self.paper = OOBTree()
        self.votes = Tally()
        self.voters = Length()

    @property
    def container(self):
        return self.__parent__

    def set_description(self, source):
        self.description_source = source or ""
        self.description_html = render_text(source)

    def projects(self):
        """Projects in the order they were added (by number)."""
        return sorted((p for p in self.values() if isinstance(p, Project)), key=lambda p: p.number)

    def project(self, number):
        """The project numbered ``number`` (int or digits), or None."""
        try:
            return self.get(str(int(number)))
        except (TypeError, ValueError):
            return None

    def points_tally(self):
        if self.points is None:
            self.points = Tally()
        return self.points

    def touch(self):
        self.modified = now()


class ProjectImage(Persistent):
    """An image of a project, re-encoded (no metadata), kept in a ZODB blob."""

    def __init__(self, blob, content_type, alt, size):
        self.blob = blob
        self.content_type = content_type
        self.alt = alt
        self.size = size
        self.id = uuid.uuid4().hex[:12]


class Project(Content):
    """What a participant selects: a title, a description, a cost, a territory,
    images, and the proposals it came from (paths, see ``links``)."""

    description_source = ""
    description_html = ""
    territory = ""
    images = ()
    origins = ()                   # paths of the proposals it came from

    def __init__(self, number, title, cost, creator=None):
        super().__init__(creator)
        self.number = number
        self.title = title
        self.cost = int(cost)

    @property
    def budget(self):
        return self.__parent__

    def set_description(self, source):
        self.description_source = source or ""
        self.description_html = render_text(source)

    def add_image(self, image):
        if not isinstance(self.images, PersistentList):
            self.images = PersistentList()
        self.images.append(image)

    def image(self, image_id):
        return next((i for i in self.images if i.id == image_id), None)


class Ballot(Persistent):
    """A participant's vote in one budget: the projects chosen (in order of preference
    in ranking mode) and when it was checked out (``None`` while it is being built)."""

    def __init__(self, user_id):
        self.user_id = user_id
        self.projects = ()
        self.checked_out = None
        self.created = self.modified = now()

    def set_projects(self, numbers):
        self.projects = tuple(numbers)
        self.modified = now()


class PaperBallot(Persistent):
    """``count`` identical paper ballots for ``projects``, typed by ``entered_by``;
    they count once ``checked_by`` (another staff member) has checked them."""

    checked_by = None
    checked_at = None
    checked_name = ""

    def __init__(self, key, projects, count, entered_by, entered_name):
        self.key = key
        self.projects = tuple(projects)
        self.count = int(count)
        self.entered_by = entered_by
        self.entered_name = entered_name
        self.entered_at = now()

    @property
    def checked(self):
        return self.checked_by is not None


def add_budget(container, title, total, description="", territory="", creator=None, **rules):
    """Create a budget in ``container`` (named from its title) and return it."""
    from beffroi.api import slugify
    budget = Budget(title, total, creator)
    budget.set_description(description)
    budget.territory = territory or ""
    set_rules(budget, **rules)
    container.add(container.unique_name(slugify(title) or "budget"), budget)
    return budget


def set_rules(budget, vote_rule=RULE_MINIMUM, minimum_percent=0, minimum_projects=0,
              maximum_projects=0, ranking_size=3):
    """Record the voting rule of ``budget`` (values checked by the form)."""
    if vote_rule not in VOTE_RULES:
        raise ValueError(f"unknown vote rule {vote_rule!r}")
    budget.vote_rule = vote_rule
    budget.minimum_percent = int(minimum_percent or 0)
    budget.minimum_projects = int(minimum_projects or 0)
    budget.maximum_projects = int(maximum_projects or 0)
    budget.ranking_size = max(1, int(ranking_size or 1))


def add_project(budget, title, cost, description="", territory="", creator=None, origins=()):
    """Create the next numbered project of ``budget``, index it and return it."""
    budget.last_project += 1
    project = Project(budget.last_project, title, cost, creator)
    project.set_description(description)
    project.territory = territory or ""
    project.origins = tuple(origins)
    budget.add(str(project.number), project)
    index_content(project)
    return project


def project_text(obj):
    """What the full-text index ``budgets.text`` reads (None leaves the object out)."""
    if not isinstance(obj, Project):
        return None
    import re
    return f"{obj.title} {obj.territory} " + re.sub(r"<[^>]+>", " ", obj.description_html)


def budgets_of(container):
    """The budgets of a module container, in title order."""
    return sorted((b for b in container.values() if isinstance(b, Budget)),
                  key=lambda b: b.title.lower())
