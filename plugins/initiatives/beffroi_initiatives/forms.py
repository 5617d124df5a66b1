"""Forms of the initiatives module: an initiative (add, edit), a type of initiative,
the technical review, the institution's answer and a count of paper signatures."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi_initiatives import content as model
from beffroi_initiatives.content import TEXT_MAX, TITLE_MAX

_ = TranslationStringFactory("beffroi_initiatives")


@colander.deferred
def _type_widget(node, kw):
    container = kw["container"]
    values = [("", kw["request"].localizer.translate(_("Choose…")))]
    values += [(t.id, t.title) for t in model.types_of(container).values()]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _type_validator(node, kw):
    return colander.OneOf(list(model.types_of(kw["container"]).keys()))


class InitiativeSchema(colander.MappingSchema):
    type_id = colander.SchemaNode(colander.String(), title=_("Type of initiative"),
                                  widget=_type_widget, validator=_type_validator)
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=5, max=TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("What you ask for, and why"),
        validator=colander.Length(min=15, max=TEXT_MAX),
        description=_("Markdown: paragraphs, lists, links."),
        widget=deform.widget.TextAreaWidget(rows=10))
    territory = colander.SchemaNode(
        colander.String(), title=_("Territory concerned"), missing="",
        description=_("A district or a commune; leave empty for the type's territory."),
        validator=colander.Length(max=100))


class EditSchema(InitiativeSchema):
    def after_bind(self, node, kw):
        del node["type_id"]


class TypeSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Name of the type"),
                                validator=colander.Length(min=3, max=100))
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      validator=colander.Length(max=2000),
                                      widget=deform.widget.TextAreaWidget(rows=3))
    signatures_required = colander.SchemaNode(
        colander.Integer(), title=_("Signatures required"), default=100,
        validator=colander.Range(1, 10_000_000))
    duration_days = colander.SchemaNode(
        colander.Integer(), title=_("Days of signature collection"), default=90,
        validator=colander.Range(1, 730))
    promoters_required = colander.SchemaNode(
        colander.Integer(), title=_("Promoters required before review (the author included)"),
        default=2, validator=colander.Range(1, 100))
    territory = colander.SchemaNode(colander.String(), title=_("Territory"), missing="",
                                    validator=colander.Length(max=100))
    verification_required = colander.SchemaNode(
        colander.Boolean(), title=_("Signers must be verified participants"), default=True,
        missing=False, description=_("Which verification is needed is set in the module's "
                                     "authorisations (action: sign)."))


class ReviewSchema(colander.MappingSchema):
    decision = colander.SchemaNode(
        colander.String(), title=_("Decision"),
        validator=colander.OneOf(("publish", "back", "discard")),
        widget=deform.widget.RadioChoiceWidget(values=(
            ("publish", _("Admit it: signatures are collected from today")),
            ("back", _("Send it back to its promoters for changes")),
            ("discard", _("Do not admit it")))))
    reason = colander.SchemaNode(
        colander.String(), title=_("Reason, shown to the promoters and on the initiative"),
        missing="", validator=colander.Length(max=5000),
        widget=deform.widget.TextAreaWidget(rows=4))


def review_validator(node, value):
    if value.get("decision") in ("back", "discard") and not (value.get("reason") or "").strip():
        error = colander.Invalid(node)
        error["reason"] = _("Give the reason to the promoters.")
        raise error


class AnswerSchema(colander.MappingSchema):
    answer = colander.SchemaNode(
        colander.String(), title=_("Answer of the institution"),
        validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("Markdown. Shown on the initiative; signers who follow it are notified."),
        widget=deform.widget.TextAreaWidget(rows=8))


class PaperSchema(colander.MappingSchema):
    count = colander.SchemaNode(colander.Integer(), title=_("Paper signatures"),
                                validator=colander.Range(1, 1_000_000))
    note = colander.SchemaNode(colander.String(), title=_("Where they come from"), missing="",
                               validator=colander.Length(max=200),
                               description=_("For example: register of the town hall annex."))
