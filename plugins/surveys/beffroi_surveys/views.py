"""Participants' views: the surveys of a space, answering one, its results."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, flash, is_public, module_container, module_settings, require_authorisation,
)
from beffroi_surveys.answers import Filled, validate
from beffroi_surveys.model import AlreadyAnswered, Survey, cell_key, surveys_of
from beffroi_surveys.results import chart_description, question_results

_ = TranslationStringFactory("beffroi_surveys")
TEMPLATES = "beffroi_surveys:templates/"
TEXTS_PER_PAGE = 50


def _settings(request, context):
    container = context if isinstance(context, ModuleContainer) else context.__parent__
    return module_settings(request, container)


def may_see_results(request, survey) -> bool:
    """Staff always; everyone when the phase makes results public (published surveys)."""
    if request.has_permission("surveys.results", survey):
        return True
    return is_public(survey) and bool(_settings(request, survey).get("results_public"))


def _visible(request, survey):
    if not is_public(survey) and not request.has_permission("surveys.manage", survey):
        raise HTTPNotFound()


def listing(context, request):
    manager = bool(request.has_permission("surveys.manage", context))
    shown = [s for s in surveys_of(context) if manager or is_public(s)]
    user = request.user
    return {"page_title": _("Surveys"), "surveys": shown, "manager": manager,
            "answered": {s.__name__ for s in shown if user is not None and s.has_answered(user.id)},
            "settings": _settings(request, context)}


def answer_state(request, survey):
    """``"open"``, ``"login"``, ``"answered"``, ``"closed"``, ``"unpublished"`` or
    ``"forbidden"``: what the survey page offers its visitor."""
    if not is_public(survey):
        return "unpublished"
    if not _settings(request, survey).get("answers_open", True):
        return "closed"
    user = request.user
    if user is None:
        return "login"
    if survey.has_answered(user.id):
        return "answered"
    if not request.has_permission("surveys.answer", survey):
        return "forbidden"
    return "open"


def conditions_of(survey):
    """Question id → ``(number, title, option)`` of the answer it depends on."""
    out = {}
    for question in survey.questions:
        if question.condition:
            source = survey.question(question.condition[0])
            if source is not None and question.condition[1] < len(source.options):
                out[question.id] = (survey.number_of(source), source.title,
                                    source.options[question.condition[1]])
    return out


def _page(request, survey, filled, errors, status=200):
    request.response.status_int = status
    user = request.user
    pending = {q.id: survey.pending_file(user.id, q.id) for q in survey.questions
               if q.kind == "files"} if user is not None else {}
    return {"page_title": survey.title, "survey": survey, "filled": filled, "errors": errors,
            "state": answer_state(request, survey), "conditions": conditions_of(survey),
            "pending": {k: v for k, v in pending.items() if v is not None},
            "results": may_see_results(request, survey),
            "manager": bool(request.has_permission("surveys.manage", survey)),
            "max_mb": _settings(request, survey).get("file_max_mb", 5)}


def survey_view(context, request):
    _visible(request, context)
    return _page(request, context, Filled(), {})


def answer_view(context, request):
    """Take the answers; on a mistake show the form again with every message beside
    its question and everything typed kept. The space may require a verification to
    answer (action ``answer``)."""
    _visible(request, context)
    require_authorisation(request, module_container(context), "answer",
                          came_from=request.resource_url(context))
    state = answer_state(request, context)
    if state == "answered":
        flash(request, _("You have already answered this survey."), "error")
        return HTTPFound(location=request.resource_url(context))
    if state != "open":
        raise HTTPForbidden()
    max_bytes = int(_settings(request, context).get("file_max_mb", 5)) * 1024 * 1024
    answers, files, errors = validate(context, request.POST, request.user.id, max_bytes)
    if errors:
        return _page(request, context, Filled(request.POST), errors, status=200)
    try:
        context.submit(request.user.id, answers, files)
    except AlreadyAnswered:
        flash(request, _("You have already answered this survey."), "error")
        return HTTPFound(location=request.resource_url(context))
    flash(request, _("Thank you: your answers are recorded."))
    return HTTPFound(location=request.resource_url(context))


def results_view(context, request):
    """``results``: every question with its number of answers; ``results/<id>``: one
    question, as a table and a chart."""
    _visible(request, context)
    if not may_see_results(request, context):
        raise HTTPForbidden()
    staff = bool(request.has_permission("surveys.results", context))
    if not request.subpath:
        rows = [(q, context.tally.get(cell_key(q.id, 0))) for q in context.questions
                if q.answerable]
        return {"page_title": _("Results"), "survey": context, "rows": rows, "staff": staff,
                "question": None}
    if len(request.subpath) != 1 or not request.subpath[0].isdigit():
        raise HTTPNotFound()
    question = context.question(int(request.subpath[0]))
    if question is None or not question.answerable:
        raise HTTPNotFound()
    t = request.localizer.translate
    result = question_results(context, question, t(_("Other")), request.locale_name)
    descriptions = []
    if result["bars"]:
        descriptions.append(chart_description(request.localizer, result["bars"]))
    for group in result["groups"]:
        descriptions.append(group["row"] + " — " + chart_description(request.localizer, group["bars"]))
    moderator = bool(request.has_permission("surveys.moderate", context))
    count = context.text_count(question)
    pages = max(1, (count + TEXTS_PER_PAGE - 1) // TEXTS_PER_PAGE)
    try:
        page = min(max(1, int(request.params.get("page", 1))), pages)
    except ValueError:
        page = 1
    texts = context.texts_page(question.id, (page - 1) * TEXTS_PER_PAGE, TEXTS_PER_PAGE,
                               include_hidden=moderator) if count else []
    files = []
    if question.kind == "files" and staff:
        files = context.files_of(question.id)
    answerable = [q for q in context.questions if q.answerable]
    index = answerable.index(question)
    return {"page_title": question.title, "survey": context, "question": question,
            "result": result, "descriptions": descriptions, "texts": texts, "page": page,
            "pages": pages, "moderator": moderator, "staff": staff, "files": files,
            "number": context.number_of(question),
            "previous": answerable[index - 1] if index else None,
            "next": answerable[index + 1] if index + 1 < len(answerable) else None}


def hide_text_view(context, request):
    """A moderator hides (or shows again) one free-text answer in the results."""
    try:
        key = (int(request.POST.get("q", "")), request.POST.get("part", ""),
               request.POST.get("r", ""))
    except ValueError:
        raise HTTPNotFound() from None
    if key not in context.texts:
        raise HTTPNotFound()
    if request.POST.get("decision") == "hide":
        context.hidden_texts.add(key)
        flash(request, _("The answer is hidden from the public results."))
    else:
        if key in context.hidden_texts:
            context.hidden_texts.remove(key)
        flash(request, _("The answer is shown again."))
    return HTTPFound(location=request.resource_url(context, "results", str(key[0])))


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="surveys", permission="view",
                    request_method="GET", renderer=TEMPLATES + "listing.pt")
    config.add_view(survey_view, context=Survey, permission="view", request_method="GET",
                    renderer=TEMPLATES + "survey.pt")
    config.add_view(answer_view, context=Survey, permission="view", request_method="POST",
                    renderer=TEMPLATES + "survey.pt")
    config.add_view(results_view, context=Survey, name="results", permission="view",
                    request_method="GET", renderer=TEMPLATES + "results.pt")
    config.add_view(hide_text_view, context=Survey, name="hide-text",
                    permission="surveys.moderate", request_method="POST")
