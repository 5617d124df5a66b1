"""Proposals in the JSON API (``ModuleInfo.api``): one row per public proposal, creation
and supports through the same functions as the add form and the support button."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden
from pyramid.i18n import TranslationStringFactory

from beffroi.api import ApiError, api_validate, comment_count, count_public
from beffroi_proposals import rules
from beffroi_proposals.models import Proposal, plain_text

_ = TranslationStringFactory("beffroi_proposals")

_TEXT = {"type": "string"}
ROW_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "number", "title", "body", "body_html", "url", "official", "state",
                 "answer_html", "cost", "scope", "category", "supports", "supported",
                 "comments", "amendments", "withdrawn", "created", "modified"],
    "properties": {
        "id": _TEXT, "number": {"type": "integer"}, "title": _TEXT,
        "body": {"type": "string", "description": "The text, without markup."},
        "body_html": {"type": "string", "description": "The text as shown (sanitised HTML)."},
        "url": _TEXT, "official": {"type": "boolean"},
        "state": {"type": ["string", "null"],
                  "description": "The answer's state; null before an answer or while answers are unpublished."},
        "answer_html": _TEXT,
        "cost": {"type": ["string", "null"], "description": "Cost in euros (decimal text)."},
        "scope": _TEXT, "category": _TEXT,
        "supports": {"type": ["integer", "null"],
                     "description": "Supports that count; null while supports are hidden."},
        "supported": {"type": ["boolean", "null"],
                      "description": "Whether the token's owner supports it (null without a token)."},
        "comments": {"type": "integer"}, "amendments": {"type": "integer"},
        "withdrawn": {"type": "boolean"},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
    },
}

INPUT_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 1000},
        "body": {"type": "string", "minLength": 1, "maxLength": 100000,
                 "description": "Markdown or HTML, as the space's settings say."},
        "scope": {"type": "string", "maxLength": 300,
                  "description": "One of the territories of the space's settings."},
        "category": {"type": "string", "maxLength": 300,
                     "description": "One of the categories of the space's settings."},
        "address": {"type": "string", "maxLength": 300},
        "official": {"type": "boolean",
                     "description": "Official proposal (those who may publish them only)."},
    },
}


def row(request, proposal):
    """The public view of ``proposal`` (what its page shows a visitor), or None."""
    if not isinstance(proposal, Proposal):
        return None
    settings = rules.settings_of(request, proposal.container)
    answers = rules.answers_published(settings)
    supports = rules.supports_mode(settings) != "hidden"
    user = request.user
    return {
        "id": proposal.__name__, "number": proposal.number, "title": proposal.title,
        "body": plain_text(proposal.body_html), "body_html": proposal.body_html,
        "url": request.resource_url(proposal), "official": bool(proposal.official),
        "state": (proposal.state or None) if answers else None,
        "answer_html": (proposal.answer_html or "") if answers else "",
        "cost": str(proposal.cost) if answers and proposal.cost is not None else None,
        "scope": proposal.scope or "", "category": proposal.category or "",
        "supports": proposal.supports if supports else None,
        "supported": (user.id in proposal.supporters) if user is not None else None,
        "comments": comment_count(proposal),
        "amendments": count_public(proposal.amendments.values()),
        "withdrawn": bool(proposal.withdrawn), "created": proposal.created.isoformat(),
        "modified": (proposal.modified or proposal.created).isoformat(),
    }


def create(request, container, data):
    """As the add form (``views_write.create_proposal``), with its rules and checks."""
    from beffroi_proposals.forms import proposal_schema
    from beffroi_proposals.views_write import create_proposal
    from beffroi.api import require_authorisation
    settings = rules.settings_of(request, container)
    if not rules.can_create(request, container, settings):
        raise ApiError(403, _("Proposals cannot be created in this phase."))
    # verifications the space's admins require to create, as in the add form
    require_authorisation(request, container, "create")
    official = bool(request.has_permission("proposals.official", container))
    schema = proposal_schema(settings, official=official, attachment=False)
    appstruct = api_validate(request, schema, data)
    return create_proposal(request, container, appstruct, settings)


def support(request, proposal, on):
    """As the support button (``views.change_support``)."""
    from beffroi_proposals.supports import SupportRefused
    from beffroi_proposals.views import change_support
    if not request.has_permission("proposals.support", proposal):
        raise ApiError(403, _("You may not support proposals here."))
    try:
        change_support(request, proposal, on)
    except HTTPForbidden as closed:
        raise ApiError(403, closed.detail or _("Supports are closed in this phase.")) from None
    except SupportRefused as refused:
        raise ApiError(409, refused.message) from None
