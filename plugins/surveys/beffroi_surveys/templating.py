"""The survey's template: its questionnaires as plain data, never an answer.

Shape: ``{"surveys": [{"title", "description", "consent", "anonymous", "questions":
[{"kind", "title", "description", "mandatory", "options", "rows", "max_choices",
"other", "condition": [position of the earlier question, option index] or None}]}]}``.
Conditions name questions by their position, so ids need not travel."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi_surveys.model import KINDS, MATRIX_KINDS, MAX_OPTIONS, SPAN, add_survey, surveys_of

_ = TranslationStringFactory("beffroi_surveys")


def survey_data(survey) -> dict:
    """One questionnaire as template data (questions only)."""
    positions = {q.id: i for i, q in enumerate(survey.questions)}
    questions = []
    for q in survey.questions:
        condition = None
        if q.condition and q.condition[0] in positions:
            condition = [positions[q.condition[0]], q.condition[1]]
        questions.append({"kind": q.kind, "title": q.title, "description": q.description,
                          "mandatory": bool(q.mandatory), "options": list(q.options),
                          "rows": list(q.rows), "max_choices": int(q.max_choices or 0),
                          "other": bool(q.other), "condition": condition})
    return {"title": survey.title, "description": survey.description,
            "consent": survey.consent, "anonymous": bool(survey.anonymous),
            "questions": questions}


def to_template(container) -> dict:
    return {"surveys": [survey_data(s) for s in reversed(surveys_of(container))]}


def item_to_template(survey) -> dict:
    return {"surveys": [survey_data(survey)]}


def _text(value, limit):
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(_("This template is damaged: a text is missing or too long."))
    return value


def _texts(values, limit):
    if not isinstance(values, list) or len(values) > limit:
        raise ValueError(_("This template is damaged: a list of options is wrong."))
    return [_text(v, 300) for v in values]


def _checked(data):
    """The questionnaires of ``data``, checked, or ``ValueError``."""
    surveys = data.get("surveys") if isinstance(data, dict) else None
    if not isinstance(surveys, list):
        raise ValueError(_("This template holds no questionnaire."))
    out = []
    for item in surveys:
        if not isinstance(item, dict) or not isinstance(item.get("questions"), list):
            raise ValueError(_("This template is damaged: a questionnaire is wrong."))
        questions = []
        for position, q in enumerate(item["questions"]):
            if not isinstance(q, dict) or q.get("kind") not in KINDS:
                raise ValueError(_("This template is damaged: a question is wrong."))
            condition = q.get("condition")
            if condition is not None:
                if not (isinstance(condition, list) and len(condition) == 2
                        and all(isinstance(c, int) for c in condition)
                        and 0 <= condition[0] < position and condition[1] >= 0):
                    raise ValueError(_("This template is damaged: a condition is wrong."))
            max_choices = q.get("max_choices") or 0
            if not isinstance(max_choices, int) or not 0 <= max_choices <= MAX_OPTIONS:
                raise ValueError(_("This template is damaged: a question is wrong."))
            questions.append({
                "kind": q["kind"], "title": _text(q.get("title"), 300),
                "description": _text(q.get("description", ""), 2000),
                "mandatory": bool(q.get("mandatory")),
                "options": _texts(q.get("options", []), MAX_OPTIONS),
                "rows": _texts(q.get("rows", []), SPAN - 1 if q["kind"] in MATRIX_KINDS else 0),
                "max_choices": max_choices, "other": bool(q.get("other")),
                "condition": condition})
        out.append({"title": _text(item.get("title"), 150) or "?",
                    "description": _text(item.get("description", ""), 5000),
                    "consent": _text(item.get("consent", ""), 3000),
                    "anonymous": bool(item.get("anonymous")), "questions": questions})
    return out


def from_template(container, data):
    """Create the questionnaires of ``data`` in ``container`` (unpublished, without any
    answer); return the first (None when it holds none). Raises ``ValueError`` on damaged data, creating nothing."""
    first = None
    for item in _checked(data):
        survey = add_survey(container, item["title"], item["description"], item["consent"],
                            item["anonymous"])
        survey.published = False
        ids = []
        for q in item["questions"]:
            condition = q.pop("condition")
            kind = q.pop("kind")
            title = q.pop("title")
            if condition is not None:
                condition = (ids[condition[0]], condition[1])
            ids.append(survey.add_question(kind, title, condition=condition, **q).id)
        first = first or survey
    return first
