"""Who may do what right now: permissions combined with the active phase's settings and
the state of the text or suggestion. Views and templates ask here, so a button shown is
a button that works."""
from __future__ import annotations

from beffroi.api import is_open, module_settings


def settings_of(request, container):
    return module_settings(request, container)


def can_manage(request, context) -> bool:
    return bool(request.has_permission("drafting.manage", context))


def _contributing(request, text, setting) -> bool:
    container = text.__parent__
    return (text.current is not None and is_open(text)
            and bool(settings_of(request, container).get(setting, True))
            and bool(request.has_permission("drafting.contribute", text)))


def can_annotate(request, text) -> bool:
    return _contributing(request, text, "annotations_open")


def can_suggest(request, text) -> bool:
    return _contributing(request, text, "suggestions_open")


def supports_open(request, container) -> bool:
    return bool(settings_of(request, container).get("supports_open", True))


def supports_allowed(request, suggestion) -> bool:
    """Supports are open in this phase and the suggestion waits for a decision: one may
    support it (unless one wrote it) or withdraw one's support."""
    return (suggestion.state == "pending" and is_open(suggestion)
            and supports_open(request, suggestion.text.__parent__)
            and bool(request.has_permission("drafting.support", suggestion)))


def is_author(request, suggestion) -> bool:
    return request.user is not None and suggestion.creator == request.user.id


def can_support(request, suggestion) -> bool:
    """``supports_allowed``, and the person did not write the suggestion: nobody
    supports their own (``models.support`` refuses it too)."""
    return supports_allowed(request, suggestion) and not is_author(request, suggestion)


def can_decide(request, suggestion) -> bool:
    return suggestion.state == "pending" and bool(request.has_permission("drafting.decide",
                                                                         suggestion))


def can_withdraw(request, suggestion) -> bool:
    """Its author withdraws a suggestion while it waits for a decision."""
    return (suggestion.state == "pending" and request.user is not None
            and suggestion.creator == request.user.id)
