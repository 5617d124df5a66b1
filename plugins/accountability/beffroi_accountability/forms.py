"""The forms of the results module (colander schemas; the kit renders and checks them)."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi_accountability.content import TEXT_MAX, TITLE_MAX

_ = TranslationStringFactory("beffroi_accountability")
MONEY_MAX = 10 ** 12


def _dates(node, value):
    if value.get("start") and value.get("end") and value["end"] < value["start"]:
        error = colander.Invalid(node)
        error["end"] = _("The end comes before the start.")
        raise error


def _date_node(title):
    return colander.SchemaNode(colander.Date(), title=title, missing=None,
                               widget=deform.widget.TextInputWidget(attributes={"type": "date"}))


def _money_node(title):
    return colander.SchemaNode(
        colander.Decimal(quant="0.01"), title=title, missing=None,
        description=_("In euros, for example 12500 or 12500.50."),
        validator=colander.Range(min=0, max=MONEY_MAX,
                                 min_err=_("Write an amount of 0 or more."),
                                 max_err=_("This amount is too large.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}))


class ResultSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=3, max=TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), missing="",
        validator=colander.Length(max=TEXT_MAX),
        description=_("HTML is allowed: paragraphs, lists, links."),
        widget=deform.widget.TextAreaWidget(rows=6))
    parent = colander.SchemaNode(colander.String(), title=_("Part of the result"), missing="",
                                 widget=deform.widget.SelectWidget(values=()))
    status = colander.SchemaNode(colander.String(), title=_("Status"), missing="",
                                 widget=deform.widget.SelectWidget(values=()))
    progress = colander.SchemaNode(
        colander.Decimal(quant="0.1"), title=_("Progress (%)"), missing=None,
        description=_("From 0 to 100. Empty: the default progress of the status. A result "
                      "with sub-results takes the weighted mean of their progress."),
        validator=colander.Range(min=0, max=100, min_err=_("Write a progress from 0 to 100."),
                                 max_err=_("Write a progress from 0 to 100.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}))
    weight = colander.SchemaNode(
        colander.Decimal(quant="0.01"), title=_("Weight in the parent's progress"), missing=1,
        default=1, validator=colander.Range(min=0, max=1000,
                                            min_err=_("Write a weight from 0 to 1000."),
                                            max_err=_("Write a weight from 0 to 1000.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}))
    start = _date_node(_("Start date"))
    end = _date_node(_("End date"))
    category = colander.SchemaNode(colander.String(), title=_("Category"), missing="",
                                   validator=colander.Length(max=100))
    territory = colander.SchemaNode(colander.String(), title=_("Territory"), missing="",
                                    validator=colander.Length(max=100))
    budget_planned = _money_node(_("Planned budget"))
    budget_spent = _money_node(_("Budget spent"))
    reference = colander.SchemaNode(
        colander.String(), title=_("Reference"), missing="",
        description=_("Your own identifier of the result; a CSV import updates the result "
                      "with the same reference."), validator=colander.Length(max=60))


def result_schema(parents, statuses):
    """A ``ResultSchema`` whose choices are ``parents`` ((name, title)) and ``statuses``
    ((key, label))."""
    schema = ResultSchema(validator=_dates)
    schema["parent"].widget = deform.widget.SelectWidget(
        values=[("", _("None (a result of the first level)"))] + list(parents))
    schema["parent"].validator = colander.OneOf([""] + [p for p, _t in parents])
    schema["status"].widget = deform.widget.SelectWidget(
        values=[("", _("No status"))] + list(statuses))
    schema["status"].validator = colander.OneOf([""] + [s for s, _t in statuses])
    return schema


class MilestoneSchema(colander.MappingSchema):
    on = colander.SchemaNode(colander.Date(), title=_("Date"),
                             widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    title = colander.SchemaNode(colander.String(), title=_("Milestone"),
                                validator=colander.Length(min=2, max=TITLE_MAX))
    description = colander.SchemaNode(colander.String(), title=_("Details"), missing="",
                                      validator=colander.Length(max=2000),
                                      widget=deform.widget.TextAreaWidget(rows=3))
