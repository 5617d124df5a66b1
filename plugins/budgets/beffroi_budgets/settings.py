"""Settings of the budgets module: module-wide (who votes in which budget) and per phase."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("beffroi_budgets")

#: Choices of "who votes in which budget"; each name is a rule of ``voting.ELIGIBILITY``.
WHO_VOTES = (
    ("any", _("Participants may vote in every budget of this space")),
    ("one", _("Participants may vote in one budget of this space only")),
)


class BudgetsSettings(colander.MappingSchema):
    who_votes = colander.SchemaNode(
        colander.String(), title=_("Who votes in which budget"), default="any",
        validator=colander.OneOf([name for name, _t in WHO_VOTES]),
        widget=deform.widget.SelectWidget(values=WHO_VOTES))
    intro = colander.SchemaNode(
        colander.String(), title=_("Introduction shown above the budgets"), default="",
        missing="", validator=colander.Length(max=2000),
        widget=deform.widget.TextAreaWidget(rows=3))


class BudgetsPhaseSettings(colander.MappingSchema):
    voting_open = colander.SchemaNode(
        colander.Boolean(), title=_("Voting is open"), default=True, missing=False)
    show_votes = colander.SchemaNode(
        colander.Boolean(), title=_("Vote counts are shown on the projects during the vote"),
        default=False, missing=False)
    results_shown = colander.SchemaNode(
        colander.Boolean(), title=_("Results are published"), default=False, missing=False)
