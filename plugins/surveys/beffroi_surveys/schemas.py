"""Forms of the survey's team: the survey itself, a question, the module's settings."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi_surveys.model import CHOICE_KINDS, MATRIX_KINDS, MAX_OPTIONS, SPAN, WITH_OPTIONS

_ = TranslationStringFactory("beffroi_surveys")

KIND_TITLES = {
    "short": _("Short answer"), "long": _("Long answer"), "single": _("Single choice"),
    "multiple": _("Multiple choice"), "ranking": _("Ranking"),
    "matrix_single": _("Matrix (one choice per row)"),
    "matrix_multiple": _("Matrix (several choices per row)"), "files": _("File"),
    "title": _("Title and separator"),
}


class SurveysSettings(colander.MappingSchema):
    allow_anonymous = colander.SchemaNode(
        colander.Boolean(), title=_("Surveys may take anonymous answers"), default=False,
        missing=False, description=_("No link is then kept between a participant and their "
                                      "answers, only the fact that they answered."))
    file_max_mb = colander.SchemaNode(
        colander.Integer(), title=_("Largest file a participant may send (MB)"), default=5,
        missing=5, validator=colander.Range(1, 50))


class SurveysPhaseSettings(colander.MappingSchema):
    answers_open = colander.SchemaNode(
        colander.Boolean(), title=_("Answers are taken during this phase"), default=True,
        missing=False)
    results_public = colander.SchemaNode(
        colander.Boolean(), title=_("Results are public during this phase"), default=False,
        missing=False)


class SurveySchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.Length(min=3, max=150))
    description = colander.SchemaNode(
        colander.String(), title=_("Introduction"), missing="",
        validator=colander.Length(max=5000), widget=deform.widget.TextAreaWidget(rows=5))
    consent = colander.SchemaNode(
        colander.String(), title=_("Consent text"), missing="",
        description=_("When filled, participants must accept it to send their answers "
                      "(what the answers are used for, how long they are kept)."),
        validator=colander.Length(max=3000), widget=deform.widget.TextAreaWidget(rows=4))
    anonymous = colander.SchemaNode(
        colander.Boolean(), title=_("Anonymous answers"), missing=False,
        description=_("Needs the module setting that allows them; cannot change once "
                      "someone has answered."))


def _lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _check_question(node, value):
    kind = value.get("kind")
    error = colander.Invalid(node)
    options, rows = _lines(value.get("options")), _lines(value.get("rows"))
    if kind in WITH_OPTIONS and len(options) < 2:
        error["options"] = _("Give at least two options, one per line.")
    limit = SPAN - 1 if kind in MATRIX_KINDS + ("ranking",) else MAX_OPTIONS
    if len(options) > limit:
        error["options"] = _("Keep to ${max} options.", mapping={"max": limit})
    if len(set(options)) != len(options):
        error["options"] = _("Each option must be different.")
    if kind in MATRIX_KINDS and not rows:
        error["rows"] = _("Give the rows of the matrix, one per line.")
    if len(rows) > SPAN - 1:
        error["rows"] = _("Keep to ${max} rows.", mapping={"max": SPAN - 1})
    if value.get("max_choices") and kind in ("multiple", "matrix_multiple") \
            and value["max_choices"] > len(options) + bool(value.get("other")):
        error["max_choices"] = _("The maximum cannot be above the number of options.")
    if error.children:
        raise error


@colander.deferred
def _condition_widget(node, kw):
    return deform.widget.SelectWidget(values=kw["conditions"])


@colander.deferred
def _condition_validator(node, kw):
    return colander.OneOf([v for v, _label in kw["conditions"]])


def question_schema(conditions):
    """The question form; ``conditions`` are ``(value, label)`` choices of earlier
    answers the question may depend on (``("", "Always")`` first)."""

    class QuestionSchema(colander.MappingSchema):
        kind = colander.SchemaNode(
            colander.String(), title=_("Type"),
            widget=deform.widget.SelectWidget(values=list(KIND_TITLES.items())),
            validator=colander.OneOf(list(KIND_TITLES)))
        title = colander.SchemaNode(colander.String(), title=_("Question"),
                                    validator=colander.Length(min=1, max=300))
        description = colander.SchemaNode(
            colander.String(), title=_("Help text"), missing="",
            validator=colander.Length(max=2000), widget=deform.widget.TextAreaWidget(rows=2))
        mandatory = colander.SchemaNode(colander.Boolean(), title=_("An answer is required"),
                                        missing=False)
        options = colander.SchemaNode(
            colander.String(), title=_("Options (one per line)"), missing="",
            description=_("For choices and rankings; the columns of a matrix."),
            validator=colander.Length(max=10000), widget=deform.widget.TextAreaWidget(rows=5))
        rows = colander.SchemaNode(
            colander.String(), title=_("Rows of a matrix (one per line)"), missing="",
            validator=colander.Length(max=10000), widget=deform.widget.TextAreaWidget(rows=3))
        max_choices = colander.SchemaNode(
            colander.Integer(), title=_("Most options a participant may choose (0: no limit)"),
            missing=0, validator=colander.Range(0, MAX_OPTIONS))
        other = colander.SchemaNode(
            colander.Boolean(), title=_("Offer “Other” with a free text"), missing=False,
            description=_("For single and multiple choices."))
        condition = colander.SchemaNode(
            colander.String(), title=_("Ask this question only if"), missing="",
            widget=_condition_widget, validator=_condition_validator)

    return QuestionSchema(validator=_check_question).bind(conditions=conditions)


def question_fields(data):
    """The ``Question`` fields from a valid question form."""
    condition = None
    if data.get("condition"):
        qid, _sep, option = data["condition"].partition("-")
        condition = (int(qid), int(option))
    kind = data["kind"]
    return {"title": data["title"], "description": data["description"],
            "mandatory": bool(data["mandatory"]) and kind != "title",
            "options": _lines(data["options"]) if kind in WITH_OPTIONS else (),
            "rows": _lines(data["rows"]) if kind in MATRIX_KINDS else (),
            "max_choices": data["max_choices"] if kind in ("multiple", "matrix_multiple") else 0,
            "other": bool(data["other"]) and kind in CHOICE_KINDS,
            "condition": condition}


def condition_choices(survey, localizer, before=None):
    """``(value, label)`` of the answers a question may depend on: each option of each
    choice question placed before ``before`` (a question; None: the end)."""
    out = [("", localizer.translate(_("Always ask it")))]
    for question in survey.questions:
        if question is before:
            break
        if question.kind in CHOICE_KINDS:
            number = survey.number_of(question)
            for i, option in enumerate(question.options):
                out.append((f"{question.id}-{i}", f"{number}. {question.title} → {option}"))
    return out
