"""Surveys: questionnaires built by a space's team, answered once per participant (or
anonymously), with results as accessible tables and charts.

Built only on the public plugin contract, like any module a community could publish.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import ModuleInfo, PermissionInfo, TemplateInfo, hookimpl

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_surveys")


def _settings_schema():
    from beffroi_surveys.schemas import SurveysSettings
    return SurveysSettings()


def _phase_settings_schema():
    from beffroi_surveys.schemas import SurveysPhaseSettings
    return SurveysPhaseSettings()


def _open_data_fields():
    """What each column of the surveys' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "survey": FieldDoc("text", _("Title of the survey")),
        "number": FieldDoc("integer", _("Number of the question in the survey")),
        "question": FieldDoc("text", _("Text of the question")),
        "type": FieldDoc("text", _("Type of question (single choice, multiple choice, ranking, matrix, text …)")),
        "row": FieldDoc("text", _("Row of a matrix question (empty otherwise)")),
        "option": FieldDoc("text", _("Answer option counted on this row (empty for free answers)")),
        "count": FieldDoc("integer", _("Answers choosing this option (for free answers: answers given)"), _("answers")),
        "percentage": FieldDoc("decimal", _("Share of the question's answers (empty for a ranking)"), _("percent")),
        "answered": FieldDoc("integer", _("Participants who answered the question"), _("participants")),
        "responses": FieldDoc("integer", _("Participants who submitted the survey"), _("participants")),
    }


def _open_data(request, container):
    """Aggregated results of the published surveys whose results are public now."""
    from beffroi.api import is_public, module_settings
    from beffroi_surveys.model import surveys_of
    from beffroi_surveys.results import open_data_rows
    if not module_settings(request, container).get("results_public"):
        return []
    rows = []
    for survey in surveys_of(container):
        if is_public(survey):
            rows.extend(open_data_rows(survey, request.localizer))
    return rows


def _organisation_export(container):
    from beffroi_surveys.templating import survey_data
    from beffroi_surveys.model import surveys_of
    return [dict(survey_data(s), name=s.__name__, responses=s.count(),
                 published=s.published) for s in surveys_of(container)]


def _portable_data(request, container, user):
    """The answers ``user`` gave here (anonymous answers are not linked to anyone)."""
    from beffroi_surveys.model import surveys_of
    from beffroi_surveys.results import cell_text
    other = request.localizer.translate(_("Other"))
    out = []
    for survey in surveys_of(container):
        response = survey.responses.get(user.id)
        if response is None or response.user_id != user.id:
            if survey.has_answered(user.id):
                out.append({"survey": survey.title, "anonymous": True,
                            "answered": survey.answered[user.id].isoformat()})
            continue
        answers = []
        for question in survey.questions:
            if question.id in response.files:
                answers.append({"question": question.title,
                                "file": response.files[question.id].filename})
            elif question.id in response.answers:
                value = response.answers[question.id]
                if question.kind in ("ranking",):
                    text = [question.options[i] for i in value if i < len(question.options)]
                elif question.kind in ("matrix_single", "matrix_multiple"):
                    text = {question.rows[r]: cell_text(question, value, r, other)
                            for r in value if r < len(question.rows)}
                else:
                    text = cell_text(question, value, None, other)
                answers.append({"question": question.title, "answer": text})
        out.append({"survey": survey.title, "answered": response.created.isoformat(),
                    "answers": answers})
    return out


def _on_account_deleted(request, container, user):
    """A deleted account's named answers stay in the results but lose their link to
    the person: they are moved under a random key like anonymous answers."""
    import secrets
    from beffroi_surveys.model import surveys_of
    for survey in surveys_of(container):
        response = survey.responses.pop(user.id, None)
        if response is not None:
            response.key = "d-" + secrets.token_hex(8)
            response.user_id = None
            survey.responses[response.key] = response
            for key in [k for k in survey.texts.keys() if k[2] == user.id]:
                text = survey.texts.pop(key)
                new = (key[0], key[1], response.key)
                survey.texts[new] = text
                if key in survey.hidden_texts:
                    survey.hidden_texts.remove(key)
                    survey.hidden_texts.add(new)
            for qid in list(response.files):
                if (qid, user.id) in survey.file_index:
                    survey.file_index[(qid, response.key)] = survey.file_index.pop((qid, user.id))
        survey.drop_pending(user.id)
        survey.answered.pop(user.id, None)


def _demo_content(container):
    from beffroi_surveys.demo import fill
    fill(container)


def _to_template(container):
    from beffroi_surveys.templating import to_template
    return to_template(container)


def _from_template(container, data):
    from beffroi_surveys.templating import from_template
    return from_template(container, data)


def _item_to_template(item):
    from beffroi_surveys.templating import item_to_template
    return item_to_template(item)


def _open_calls(request, container):
    """A published survey taking answers: the home page's open calls."""
    from beffroi.api import module_settings
    from beffroi_surveys.model import surveys_of
    if module_settings(request, container).get("answers_open", True) and any(
            s.published for s in surveys_of(container)):
        return [_("Answer a survey")]
    return []


@hookimpl
def register_modules():
    from beffroi_surveys.results import OPEN_DATA_COLUMNS
    return [ModuleInfo(
        search=("title", "description"),
        actions=("answer",),
        open_calls=_open_calls,
        name="surveys",
        title=_("Surveys"),
        description=_("Questionnaires answered once per participant, or anonymously; "
                      "results as tables and charts."),
        icon="📋",
        permissions=(
            PermissionInfo("surveys.answer", _("Answer surveys"), ("authenticated",)),
            PermissionInfo("surveys.manage", _("Build and publish surveys"), ("admin",)),
            PermissionInfo("surveys.results", _("See the results and export the answers"),
                           ("admin", "moderator")),
            PermissionInfo("surveys.moderate", _("Hide free-text answers from the results"),
                           ("admin", "moderator")),
        ),
        settings_schema=_settings_schema,
        phase_settings_schema=_phase_settings_schema,
        open_data=_open_data,
        open_data_fields=_open_data_fields(),
        open_data_columns=OPEN_DATA_COLUMNS,
        organisation_export=_organisation_export,
        portable_data=_portable_data,
        on_account_deleted=_on_account_deleted,
        demo_content=_demo_content,
        template=TemplateInfo(to_template=_to_template, from_template=_from_template,
                              item_to_template=_item_to_template),
    )]


@hookimpl
def on_configure(config):
    config.include("beffroi_surveys.views")
    config.include("beffroi_surveys.views_staff")
