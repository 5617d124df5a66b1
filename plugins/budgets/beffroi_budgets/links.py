"""The proposals a budget project came from.

One small seam: ``set_origins`` records, ``origins_of`` reads. A project keeps the paths
of its proposals (``/<space>/<module>/<name>/``, the path of the proposal inside its
organisation) in ``project.origins`` and records them as ``came_from`` links of the
core's links service (``beffroi.api.link_items``); the proposals module is read by duck
typing (items with ``number`` and ``title``), never imported: the budgets plugin does
not depend on the proposals plugin.
"""
from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    path: str            # "/<space>/<module>/<name>/"
    number: int
    title: str


def proposals_of_space(space):
    """``Origin`` of every proposal of ``space`` (every container of module ``proposals``),
    by number; withdrawn or hidden ones included (staff link what they know)."""
    out = []
    for module_name, container in space.modules.items():
        if getattr(container, "module_name", None) != "proposals":
            continue
        for name, item in container.items():
            number, title = getattr(item, "number", None), getattr(item, "title", None)
            if isinstance(number, int) and isinstance(title, str):
                out.append(Origin(f"/{space.__name__}/{module_name}/{name}/", number, title))
    return sorted(out, key=lambda o: o.number)


def resolve(space, lines):
    """``(paths, unknown)`` for lines typed by staff: each line a proposal number
    (``12`` or ``#12``) or its exact title (case ignored). ``unknown`` are the lines
    that match no proposal of ``space``."""
    candidates = proposals_of_space(space)
    by_number = {o.number: o for o in candidates}
    by_title = {o.title.strip().lower(): o for o in candidates}
    paths, unknown = [], []
    for line in lines:
        text = line.strip()
        digits = text.lstrip("#").strip()
        found = by_number.get(int(digits)) if digits.isdigit() else by_title.get(text.lower())
        if found is None:
            unknown.append(text)
        elif found.path not in paths:
            paths.append(found.path)
    return paths, unknown


def set_origins(request, project, paths):
    """Record that ``project`` came from the proposals at ``paths`` (list of
    ``/<space>/<module>/<name>/``): kept on the project (its page lists them in this
    order) and as ``came_from`` links of the core's links service, so that a proposal
    whose project becomes a result carries the « issu de la participation » label."""
    from pyramid.traversal import find_resource
    from beffroi.api import link_items, unlink_items
    organisation = request.organisation

    def item(path):
        try:
            return find_resource(organisation, path)
        except KeyError:
            return None
    before = set(getattr(project, "origins", ()) or ())
    for path in before - set(paths):
        proposal = item(path)
        if proposal is not None:
            unlink_items(project, proposal, "came_from")
    for path in paths:
        proposal = item(path)
        if proposal is not None and path not in before:
            link_items(project, proposal, "came_from")
    project.origins = tuple(paths)


def origins_of(request, project):
    """``[(url, label)]`` of the proposals ``project`` came from that still exist and that
    the visitor may see (their number and title)."""
    from pyramid.traversal import find_resource
    from beffroi.api import is_public_to
    out = []
    for path in project.origins:
        try:
            item = find_resource(request.organisation, path)
        except KeyError:
            continue
        if item is None or not is_public_to(request, item):
            continue
        label = f"#{getattr(item, 'number', '')} {getattr(item, 'title', '')}".strip()
        out.append((request.resource_url(item), label))
    return out
