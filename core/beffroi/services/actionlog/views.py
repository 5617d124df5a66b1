"""The action log page ``/-/admin/log`` (organisation admins), filterable by person,
action and space."""
from __future__ import annotations

from pyramid.view import view_config

from beffroi.services.actionlog.model import log_of
from beffroi.i18n import _
from beffroi.resources.admin import AdminArea

SHOWN = 200
#: Recent entries read to offer filter choices (people and actions seen lately).
CHOICES_WINDOW = 2000


@view_config(context=AdminArea, name="log", permission="org.admin", request_method="GET",
             renderer="beffroi:templates/admin/log.pt")
def log_view(context, request):
    org = context.organisation
    log = log_of(org)
    person = request.params.get("person", "")[:100]
    action = request.params.get("action", "")[:100]
    space = request.params.get("space", "")[:100]
    entries = log.newest(actor_id=person or None, action=action or None, space=space or None,
                         limit=SHOWN) if log is not None else []
    people, actions = {}, set()
    if log is not None:
        for entry in log.newest(limit=CHOICES_WINDOW):
            people.setdefault(entry.actor_id, entry.actor_name or entry.actor_id)
            actions.add(entry.action)
    return {"page_title": _("Action log"), "entries": entries, "shown": SHOWN,
            "people": sorted(people.items(), key=lambda p: p[1].lower()),
            "actions": sorted(actions), "spaces": sorted(org.spaces.items()),
            "person": person, "action": action, "space": space,
            "space_title": lambda slug: org.spaces[slug].title if slug in org.spaces else slug}
