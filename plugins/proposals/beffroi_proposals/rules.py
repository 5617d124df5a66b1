"""Who may do what with a proposal, right now: permissions combined with the settings of
the active phase and with authorship. Views and templates ask here, so a button shown
is a button that works."""
from __future__ import annotations

from beffroi.modulesettings import module_settings
from beffroi.resources.folder import now
from beffroi_proposals.models import BASE_STATES
from beffroi_proposals.settings import custom_states

def settings_of(request, container):
    return module_settings(request, container)


def is_author(request, proposal):
    return request.user is not None and proposal.creator == request.user.id


def can_create(request, container, settings):
    return settings.get("creation_enabled", True) and \
        bool(request.has_permission("proposals.create", container))


def can_edit(request, proposal, settings):
    """Authors edit during the edit window; withdrawn proposals are frozen."""
    if not is_author(request, proposal) or proposal.withdrawn or proposal.official:
        return False
    return now() <= proposal.editable_until(settings.get("edit_window", 15))


def can_withdraw(request, proposal):
    return is_author(request, proposal) and not proposal.withdrawn and not proposal.official


def supports_mode(settings):
    return settings.get("supports", "open")


def can_support(request, proposal, settings):
    return (supports_mode(settings) == "open" and not proposal.withdrawn
            and bool(request.has_permission("proposals.support", proposal)))


def can_amend(request, proposal, settings):
    return (settings.get("amendments_enabled", True) and not proposal.withdrawn
            and request.user is not None and not is_author(request, proposal)
            and bool(request.has_permission("proposals.amend", proposal)))


def is_assigned(request, proposal):
    return request.user is not None and request.user.id in proposal.evaluators


def can_evaluate(request, proposal):
    """Admins evaluate every proposal; evaluators only those assigned to them."""
    if request.has_permission("proposals.answer", proposal):
        return True
    return is_assigned(request, proposal) and bool(request.has_permission("proposals.evaluate", proposal))


def answers_public(request, container, settings):
    return settings.get("answers_published", True) or \
        bool(request.has_permission("proposals.answer", container))


def state_choices(settings):
    """[(state id, colour or None)] — the base states, then the custom ones."""
    return [(s, None) for s in BASE_STATES] + [(s, c) for s, _l, c in custom_states(settings)]
