"""What templates show of links: the « issu de la participation » label and the block
"where it came from / what it led to" (macros ``participation_label`` and
``item_links`` of ``beffroi:templates/kit.pt``)."""
from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup
from pyramid.i18n import TranslationStringFactory

from beffroi.services.links.model import linked_keys, resolve, _organisation_of, _visible

_ = TranslationStringFactory("beffroi")

LABEL = _("From participation")
LABEL_EXPLANATION = _("(linked to a public decision that came from citizen participation)")
RELATION_TITLES = {
    ("origins", "born_at"): _("born at"),
    ("origins", "came_from"): _("came from"),
    ("origins", "led_to"): _("came from"),
    ("origins", "led_to_result"): _("came from"),
    ("outcomes", "born_at"): _("gave rise to"),
    ("outcomes", "came_from"): _("gave rise to"),
    ("outcomes", "led_to"): _("led to"),
    ("outcomes", "led_to_result"): _("led to the result"),
}


class LinkEntry(NamedTuple):
    """One linked item as a page shows it: ``where`` is "module · space"; ``summary``
    what the item says of itself (its ``link_summary(request)``, e.g. a result's
    progress), or ``""``."""
    title: str
    url: str
    relation: str
    where: str
    summary: str


class ItemLinks(NamedTuple):
    origins: list
    outcomes: list


def item_links_for(request, item) -> ItemLinks:
    """The visible items ``item`` came from and led to, for the ``item_links`` macro:
    deleted, hidden (except to moderators) and not viewable items are left out."""
    org = _organisation_of(item)
    found = ItemLinks([], [])
    if org is None:
        return found
    translate = request.localizer.translate
    seen = set()
    for side, relation, key in linked_keys(org, item):
        if (side, key) in seen:
            continue
        obj = resolve(org, key)
        if obj is None or not _visible(obj, request):
            continue
        seen.add((side, key))
        getattr(found, side).append(LinkEntry(
            str(getattr(obj, "title", "") or key), request.resource_url(obj),
            translate(RELATION_TITLES[(side, relation)]), _where(request, obj),
            _summary(request, obj)))
    return found


def _where(request, obj) -> str:
    from beffroi.kit import module_container
    container = module_container(obj)
    if container is None:
        return ""
    info = request.registry.beffroi.modules.get(container.module_name)
    module = container.title or (request.localizer.translate(info.title) if info else "")
    space = getattr(container.space, "title", "")
    return " · ".join(part for part in (module, space) if part)


def _summary(request, obj) -> str:
    summary = getattr(obj, "link_summary", None)
    if not callable(summary):
        return ""
    try:
        return str(request.localizer.translate(summary(request)) or "")
    except Exception:        # a plugin's summary must not break another module's page
        return ""


def participation_label_html(request) -> Markup:
    """The label's markup for cards rendered in Python (same as the
    ``participation_label`` macro): a badge with the visible text "From participation"
    (« Issu de la participation ») and an explanation for screen readers."""
    translate = request.localizer.translate
    return Markup('<span class="badge participation-label"><span aria-hidden="true">✦ </span>'
                  '{}<span class="visually-hidden"> {}</span></span>').format(
        translate(LABEL), translate(LABEL_EXPLANATION))
