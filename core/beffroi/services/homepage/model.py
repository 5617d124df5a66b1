"""The organisation home page as content blocks chosen and ordered by its admins.

Blocks (``BLOCKS``): a hero (title, text, image with its alternative text, a call to
action), the spaces the organisation highlights, open calls (what can be done now, from
the active phases: the phases' calls to action and what modules declare in
``ModuleInfo.open_calls``), blocks of modules (``extra_home_blocks``: upcoming
meetings…), figures, a free text, and every space. Figures are cheap whatever the
size: lengths of folders (conflict-free counters), never a walk over contributions.
"""
from __future__ import annotations

from persistent import Persistent

from beffroi.i18n import _

STORE_ATTR = "_beffroi_home"
BLOCKS = ("hero", "promoted", "calls", "modules", "figures", "text", "spaces")
BLOCK_TITLES = {
    "hero": _("Hero: image, title, text and call to action"),
    "promoted": _("Highlighted spaces"),
    "calls": _("Open calls: what can be done now"),
    "modules": _("Blocks of the modules (upcoming meetings…)"),
    "figures": _("Figures"),
    "text": _("Free text"),
    "spaces": _("Every participation space"),
}
DEFAULT_ORDER = ("hero", "promoted", "calls", "modules", "figures", "spaces")


class HomePage(Persistent):
    hero_title = ""
    hero_text = ""             # Markdown
    hero_image = None          # a picture (beffroi.pictures): hero_image_thumb, _type, _alt, _version
    hero_image_thumb = None
    hero_image_type = None
    hero_image_alt = ""
    hero_image_version = 0
    cta_text = ""
    cta_url = ""
    text_title = ""
    text = ""                  # Markdown
    blocks = DEFAULT_ORDER


def get_home(organisation, create=False) -> HomePage | None:
    return organisation.part(STORE_ATTR, HomePage, create)


def blocks_of(organisation) -> tuple[str, ...]:
    """The blocks shown, in order (the default order when the admin never chose)."""
    home = get_home(organisation)
    return tuple(b for b in (home.blocks if home is not None else DEFAULT_ORDER) if b in BLOCKS)


def figures(request, organisation, spaces) -> dict:
    """Participants (accounts), contributions (items in the modules of the visible,
    published spaces) and spaces: folder lengths only."""
    from beffroi.security import module_available
    published = [s for s in spaces if s.published]
    contributions = sum(len(c) for s in published for c in s.modules.values()
                        if c.enabled and module_available(request, c))
    return {"participants": len(organisation.users), "contributions": contributions,
            "spaces": len(published)}


def open_calls(request, spaces) -> list[dict]:
    """``{"space", "label", "url"}`` of what can be done now in the published spaces:
    the active phase's call to action, then each module's declared open calls."""
    from beffroi.security import module_available
    modules = request.registry.beffroi.modules
    out = []
    for space in spaces:
        if not space.published:
            continue
        phase = space.active_phase
        if phase is not None and phase.cta_text and phase.cta_url:
            url = phase.cta_url if phase.cta_url.startswith("https://") \
                else request.application_url + phase.cta_url
            out.append({"space": space, "label": phase.cta_text, "url": url})
        for name, container in space.modules.items():
            info = modules.get(name)
            declared = getattr(info, "open_calls", None)
            if declared is None or not container.enabled or not module_available(request, container):
                continue
            for label in declared(request, container) or ():
                out.append({"space": space, "label": label, "url": request.resource_url(container)})
    return out
