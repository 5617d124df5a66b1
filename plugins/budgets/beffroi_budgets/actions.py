"""Staff acts of the budgets module (budgets and projects created or changed, paper
ballots entered, checked or deleted) for the organisation's action log.

The core's action log is not yet part of the public toolkit: ``record`` writes through
``beffroi.api.record_action`` as soon as the toolkit names it (the core's
``services.actionlog.model.record(request, action, target, space, **details)``), and
does nothing before. Paper ballots keep their own trail meanwhile (who entered them,
who checked them, when), shown on the paper ballots page.
"""
from __future__ import annotations

import beffroi.api


def record(request, action, obj, **details):
    """Log ``action`` (``budgets.…``) done on ``obj`` (a budget or a project)."""
    record_action = getattr(beffroi.api, "record_action", None)
    if record_action is None:
        return None
    space = getattr(obj, "__parent__", None)
    while space is not None and not hasattr(space, "modules"):
        space = getattr(space, "__parent__", None)
    return record_action(request, action, getattr(obj, "title", ""),
                         space=getattr(space, "__name__", "") or "", **details)
