"""Open data: proposals as CSV and JSON without personal data; a fuller export for admins."""
from __future__ import annotations

from beffroi.api import author_name, content_state, count_public, csv_response, json_response
from beffroi.api import ModuleContainer
from beffroi_proposals import rules
from beffroi_proposals.models import Proposal, plain_text

PUBLIC_FIELDS = ("id", "title", "body", "url", "official", "state", "answer", "cost", "scope",
                 "category", "supports", "comments", "amendments", "withdrawn", "created",
                 "modified")
FULL_FIELDS = PUBLIC_FIELDS + ("hidden", "address", "author_name", "author_email", "evaluators")


def rows(request, container, full=False):
    """One dict per proposal. Public rows hold no personal data (no author, no
    address); hidden proposals and unpublished answers are left out. The full export
    keeps hidden proposals and says so in its ``hidden`` column. Counts are what a
    visitor can read (no hidden or deleted comment, no hidden amendment). Private
    notes are never exported."""
    from beffroi.api import comment_count
    settings = rules.settings_of(request, container)
    answers = full or settings.get("answers_published", True)
    supports = full or rules.supports_mode(settings) != "hidden"
    users = request.organisation.users
    out = []
    for proposal in container.values():
        if not isinstance(proposal, Proposal):
            continue
        state = content_state(proposal)
        if not state.readable and not full:
            continue
        row = {
            "id": proposal.number, "title": proposal.title,
            "body": plain_text(proposal.body_html), "url": request.resource_url(proposal),
            "official": proposal.official,
            "state": (proposal.state or "") if answers else "",
            "answer": plain_text(proposal.answer_html) if answers else "",
            "cost": (proposal.cost or "") if answers else "",
            "scope": proposal.scope, "category": proposal.category,
            "supports": proposal.supports if supports else "",
            "comments": comment_count(proposal), "amendments": count_public(proposal.amendments.values()),
            "withdrawn": proposal.withdrawn, "created": proposal.created.isoformat(),
            "modified": proposal.modified.isoformat(),
        }
        if full:
            author = users.get(proposal.creator) if proposal.creator else None
            row.update(hidden=state.hidden, address=proposal.address,
                       author_name=author_name(request, proposal.creator) if author else "",
                       author_email=author.email if author and not author.deleted else "",
                       evaluators=" ".join(proposal.evaluators))
        out.append(row)
    return out


def _name(container, full, ext):
    return f"{container.space.__name__}-proposals{'-full' if full else ''}.{ext}"


def export_view(context, request):
    full = request.view_name.startswith("export-full")
    data = rows(request, context, full)
    if request.view_name.endswith(".csv"):
        return csv_response(data, FULL_FIELDS if full else PUBLIC_FIELDS,
                            _name(context, full, "csv"), request=request)
    return json_response(data, _name(context, full, "json"), request=request)


def includeme(config):
    for name in ("export.csv", "export.json"):
        config.add_view(export_view, context=ModuleContainer, module="proposals", name=name,
                        permission="view", request_method="GET")
    for name in ("export-full.csv", "export-full.json"):
        config.add_view(export_view, context=ModuleContainer, module="proposals", name=name,
                        permission="proposals.answer", request_method="GET")
