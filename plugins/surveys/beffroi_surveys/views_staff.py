"""The survey team's views: create a survey, build its questions, publish it, export
the answers, download the files participants sent."""
from __future__ import annotations

import colander
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from pyramid.response import Response

from beffroi.api import (
    ModuleContainer, content_disposition, csv_response, flash, form_view, index_content,
    json_response, module_settings,
)
from beffroi_surveys.model import Survey, add_survey
from beffroi_surveys.results import answer_rows
from beffroi_surveys.schemas import (
    KIND_TITLES, SurveySchema, condition_choices, question_fields, question_schema,
)

_ = TranslationStringFactory("beffroi_surveys")
TEMPLATES = "beffroi_surveys:templates/"


def _anonymity(request, container, survey=None):
    allowed = bool(module_settings(request, container).get("allow_anonymous"))

    def check(node, value):
        if value.get("anonymous") and not allowed and not (survey and survey.anonymous):
            error = colander.Invalid(node)
            error["anonymous"] = _("The settings of this module do not allow anonymous answers.")
            raise error
        if survey is not None and survey.locked and bool(value.get("anonymous")) != survey.anonymous:
            error = colander.Invalid(node)
            error["anonymous"] = _("Anonymity cannot change once someone has answered.")
            raise error
    return check


def add_view(context, request):
    def apply(data):
        survey = add_survey(context, creator=request.user.id, **data)
        survey.published = False            # built first, published when ready
        return survey
    result = form_view(request, SurveySchema(validator=_anonymity(request, context)),
                       title=_("New survey"), buttons=("create",), apply=apply,
                       message=_("The survey is created: add its questions."))
    if isinstance(result, HTTPFound):
        result.location += "questions"
    else:
        result["templates_url"] = (request.application_url + "/-/admin/spaces/"
                                   f"{context.space.__name__}/modules/{context.__name__}/templates")
    return result


def edit_view(context, request):
    def apply(data):
        for key, value in data.items():
            setattr(context, key, value)
        context.touch()
        return context
    stored = {"title": context.title, "description": context.description,
              "consent": context.consent, "anonymous": context.anonymous}
    return form_view(request, SurveySchema(validator=_anonymity(request, context.__parent__, context)),
                     title=_("Edit the survey"), appstruct=stored, apply=apply,
                     message=_("The survey is saved."))


def questions_view(context, request):
    from beffroi_surveys.views import conditions_of
    return {"page_title": _("Questions"), "survey": context, "kinds": KIND_TITLES,
            "conditions": conditions_of(context)}


def _question_form(context, request, question=None):
    if context.locked:
        flash(request, _("Someone has answered: the questions can no longer change."), "error")
        return HTTPFound(location=request.resource_url(context, "questions"))
    schema = question_schema(condition_choices(context, request.localizer, before=question))

    def apply(data):
        fields = question_fields(data)
        if question is None:
            context.add_question(data["kind"], **fields)
        else:
            question.kind = data["kind"]
            question.update(**fields)
            context._p_changed = True
        context.touch()
        return context
    stored = None
    if question is not None:
        stored = {"kind": question.kind, "title": question.title,
                  "description": question.description, "mandatory": question.mandatory,
                  "options": "\n".join(question.options), "rows": "\n".join(question.rows),
                  "max_choices": question.max_choices, "other": question.other,
                  "condition": "%d-%d" % tuple(question.condition) if question.condition else ""}
    result = form_view(request, schema, appstruct=stored, apply=apply,
                       title=_("Add a question") if question is None else _("Edit the question"),
                       message=_("The question is saved."))
    if isinstance(result, HTTPFound):
        result.location += "questions"
    return result


def add_question_view(context, request):
    return _question_form(context, request)


def edit_question_view(context, request):
    try:
        question = context.question(int(request.params.get("q", "")))
    except ValueError:
        question = None
    if question is None:
        raise HTTPNotFound()
    return _question_form(context, request, question)


def question_action_view(context, request):
    """Move a question up or down, or delete it (before anyone answered)."""
    try:
        question = context.question(int(request.POST.get("q", "")))
    except ValueError:
        question = None
    if question is None:
        raise HTTPNotFound()
    back = HTTPFound(location=request.resource_url(context, "questions"))
    if context.locked:
        flash(request, _("Someone has answered: the questions can no longer change."), "error")
        return back
    action = request.POST.get("action")
    if action == "up":
        context.move_question(question.id, -1)
    elif action == "down":
        context.move_question(question.id, +1)
    elif action == "delete":
        context.remove_question(question.id)
        flash(request, _("The question is deleted."))
    else:
        raise HTTPNotFound()
    return back


def publish_view(context, request):
    context.published = request.POST.get("published") == "1"
    index_content(context)              # the organisation search follows its state
    flash(request, _("The survey is published.") if context.published
          else _("The survey is no longer published."))
    return HTTPFound(location=request.resource_url(context, "questions"))


def export_view(context, request):
    """Every response (no person named), as CSV or JSON, for the survey's team."""
    columns, rows = answer_rows(context, request.localizer)
    stem = f"{context.__parent__.space.__name__}-{context.__name__}-answers"
    if request.view_name.endswith(".json"):
        return json_response(rows, stem + ".json", request=request)
    return csv_response(rows, columns, stem + ".csv", request=request)


def file_view(context, request):
    """A file a participant sent, for the survey's team (always as an attachment)."""
    response = context.responses.get(request.params.get("r", ""))
    try:
        qid = int(request.params.get("q", ""))
    except ValueError:
        raise HTTPNotFound() from None
    answer = response.files.get(qid) if response is not None else None
    if answer is None:
        raise HTTPNotFound()
    with answer.blob.open("r") as f:
        body = f.read()
    out = Response(body, content_type=answer.content_type)
    out.content_disposition = content_disposition(answer.filename)
    out.headers["X-Content-Type-Options"] = "nosniff"
    out.headers["Cache-Control"] = "private, no-store"
    return out


def includeme(config):
    form = TEMPLATES + "form.pt"
    config.add_view(add_view, context=ModuleContainer, module="surveys", name="add",
                    permission="surveys.manage", request_method=("GET", "POST"), renderer=form)
    config.add_view(edit_view, context=Survey, name="edit", permission="surveys.manage",
                    request_method=("GET", "POST"), renderer=form)
    config.add_view(questions_view, context=Survey, name="questions", permission="surveys.manage",
                    request_method="GET", renderer=TEMPLATES + "questions.pt")
    config.add_view(add_question_view, context=Survey, name="add-question",
                    permission="surveys.manage", request_method=("GET", "POST"), renderer=form)
    config.add_view(edit_question_view, context=Survey, name="edit-question",
                    permission="surveys.manage", request_method=("GET", "POST"), renderer=form)
    config.add_view(question_action_view, context=Survey, name="question-action",
                    permission="surveys.manage", request_method="POST")
    config.add_view(publish_view, context=Survey, name="publish", permission="surveys.manage",
                    request_method="POST")
    for name in ("answers.csv", "answers.json"):
        config.add_view(export_view, context=Survey, name=name, permission="surveys.results",
                        request_method="GET")
    config.add_view(file_view, context=Survey, name="file", permission="surveys.results",
                    request_method="GET")
