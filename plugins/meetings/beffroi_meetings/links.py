"""Links from a meeting to the proposals of its space that were born there.

Staff choose the proposals; the meeting keeps their keys in ``meeting.proposal_links``
(an ``OOTreeSet`` of ``"<container name>/<proposal name>"``, both inside the meeting's
space). These functions are the only readers and writers of that set, so that the
links can later move to a core "links between items" service by changing this file
alone. A proposal is any item of a module container named by ``proposal_containers``
(the ``proposals`` module, read by duck typing: nothing of ``beffroi_proposals`` is
imported).

Each link is also recorded in the core's links between items (``link_items(proposal,
meeting, "born_at")``, ``beffroi.api``), so that a meeting whose proposals led to a
result carries the « issu de la participation » label and the proposal's page names the
meeting it was born at.
"""
from __future__ import annotations

PROPOSAL_MODULES = ("proposals",)


def proposal_containers(space):
    """The enabled containers of proposal modules in ``space`` (name order)."""
    return [c for name, c in sorted(space.modules.items())
            if c.module_name in PROPOSAL_MODULES and c.enabled]


def linkable_proposals(space):
    """``[(key, proposal)]`` of every proposal of ``space`` a meeting may link to,
    newest first. ``key`` is ``"<container name>/<proposal name>"``."""
    out = []
    for container in proposal_containers(space):
        for name, item in container.items():
            if getattr(item, "title", None) is not None:
                out.append((f"{container.__name__}/{name}", item))
    return sorted(out, key=lambda pair: getattr(pair[1], "created", None) or 0, reverse=True)


def _resolve(space, key):
    container_name, _, name = key.partition("/")
    container = space.modules.get(container_name)
    if container is None or container.module_name not in PROPOSAL_MODULES:
        return None
    return container.get(name)


def proposals_born_at(meeting) -> list:
    """The proposals linked to ``meeting`` as born there, in the order they were
    linked by key (objects; ones since removed are left out). Visibility is the
    caller's to check (``is_public_to``)."""
    space = meeting.__parent__.space
    found = (_resolve(space, key) for key in meeting.proposal_links)
    return [p for p in found if p is not None]


def set_proposals_born_at(meeting, keys) -> None:
    """Replace the proposals linked to ``meeting`` by ``keys`` (``"<container>/<name>"``,
    each checked to be a proposal of the meeting's space; others are ignored)."""
    from beffroi.api import link_items, unlink_items
    space = meeting.__parent__.space
    wanted = {k for k in keys if _resolve(space, k) is not None}
    for key in list(meeting.proposal_links):
        if key not in wanted:
            meeting.proposal_links.remove(key)
            proposal = _resolve(space, key)
            if proposal is not None:
                unlink_items(proposal, meeting, "born_at")
    for key in wanted:
        if meeting.proposal_links.add(key):
            link_items(_resolve(space, key), meeting, "born_at")


def meeting_of_proposal(proposal) -> list:
    """The meetings of the proposal's space that list ``proposal`` as born there
    (usually one), in start order; ``[]`` when none."""
    from beffroi_meetings.models import Meeting
    container = proposal.__parent__
    space = container.space
    key = f"{container.__name__}/{proposal.__name__}"
    found = []
    for meetings in space.modules.values():
        if meetings.module_name != "meetings":
            continue
        for meeting in meetings.values():
            if isinstance(meeting, Meeting) and key in meeting.proposal_links:
                found.append(meeting)
    return sorted(found, key=lambda m: m.start)
