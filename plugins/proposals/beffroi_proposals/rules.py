"""Who may do what with a proposal, right now: permissions combined with the settings of
the active phase and with authorship. Views and templates ask here, so a button shown
is a button that works."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi.api import is_open
from beffroi.api import module_settings
from beffroi.api import now
from beffroi_proposals.models import BASE_STATES
from beffroi_proposals.settings import custom_states

_ = TranslationStringFactory("beffroi_proposals")


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
    """Supports are open in this phase, the proposal accepts participation (not hidden,
    withdrawn or unpublished) and the person may support."""
    return (supports_mode(settings) == "open" and is_open(proposal)
            and bool(request.has_permission("proposals.support", proposal)))


def support_unavailable(proposal, supported, left):
    """Why the support button of a person allowed to support is disabled, or None:
    ``supported`` says whether they already support ``proposal``, ``left`` is what
    ``supports.supports_left`` returned (None: no limit)."""
    if not supported and left == 0:
        return _("You have used all your supports in this space.")
    return None


def can_amend(request, proposal, settings):
    return (settings.get("amendments_enabled", True) and is_open(proposal)
            and request.user is not None and not is_author(request, proposal)
            and bool(request.has_permission("proposals.amend", proposal)))


def has_author(request, proposal):
    """Does a participant answer for ``proposal``? Not when it is official, has no
    creator, or its author deleted their account."""
    if proposal.official or not proposal.creator:
        return False
    user = request.organisation.users.get(proposal.creator)
    return user is not None and not getattr(user, "deleted", False)


def can_decide_amendment(request, proposal):
    """The author accepts or rejects amendments; when the proposal has no author
    (official, or the account is gone) the space's admins decide."""
    if proposal.withdrawn or request.user is None:
        return False
    if has_author(request, proposal):
        return is_author(request, proposal)
    return bool(request.has_permission("proposals.answer", proposal))


def is_assigned(request, proposal):
    return request.user is not None and request.user.id in proposal.evaluators


def can_evaluate(request, proposal):
    """Admins evaluate every proposal; evaluators only those assigned to them."""
    if request.has_permission("proposals.answer", proposal):
        return True
    return is_assigned(request, proposal) and bool(request.has_permission("proposals.evaluate", proposal))


def answers_published(settings):
    """Are answers published in the active phase (for everyone, not only admins)?"""
    return bool(settings.get("answers_published", True))


def answers_public(request, container, settings):
    return settings.get("answers_published", True) or \
        bool(request.has_permission("proposals.answer", container))


def state_choices(settings):
    """[(state id, colour or None)] — the base states, then the custom ones."""
    return [(s, None) for s in BASE_STATES] + [(s, c) for s, _l, c in custom_states(settings)]
