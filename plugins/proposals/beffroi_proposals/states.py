"""Answer states: their labels and CSS classes."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi_proposals.settings import custom_states

_ = TranslationStringFactory("beffroi_proposals")
STATE_TITLES = {"evaluating": _("Evaluating"), "accepted": _("Accepted"),
                "rejected": _("Rejected"), "withdrawn": _("Withdrawn")}


def state_label(state, settings):
    """The label of ``state``: a translated base state or a custom one as typed."""
    if state in STATE_TITLES:
        return STATE_TITLES[state]
    for custom, label, _colour in custom_states(settings):
        if custom == state:
            return label
    return state or ""


def state_class(state):
    """CSS class of a state badge; custom colours come from ``states.css``."""
    return f"badge proposal-state proposal-state--{state}"
