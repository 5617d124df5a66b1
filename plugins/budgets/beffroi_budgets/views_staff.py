"""Staff views: budgets and projects (with images and the proposals they came from),
and paper ballots entered by one staff member and checked by another."""
from __future__ import annotations

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory
from ZODB.blob import Blob

from beffroi.api import (
    ModuleContainer, UploadError, clean_image, flash, form_view, index_content, pluralize,
    read_upload,
    unindex_content,
)
from beffroi_budgets import actions
from beffroi_budgets.forms import IMAGE_MAX_BYTES, budget_schema, image_schema, project_schema
from beffroi_budgets.links import resolve, set_origins
from beffroi_budgets.models import Budget, Project, ProjectImage, add_budget, add_project, set_rules
from beffroi_budgets.voting import VoteRefused, check_paper, discard_paper, enter_paper

_ = TranslationStringFactory("beffroi_budgets")
TPL = "beffroi_budgets:templates/"
RULE_FIELDS = ("vote_rule", "minimum_percent", "minimum_projects", "maximum_projects", "ranking_size")


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _with_origins(schema, space):
    """``schema`` whose ``origins`` lines must each name a proposal of ``space``."""
    def check(node, value):
        _paths, unknown = resolve(space, _lines(value))
        if unknown:
            raise colander.Invalid(node, _("No proposal of this space has the number or title: "
                                           "${lines}", mapping={"lines": "; ".join(unknown)}))
    schema["origins"].validator = colander.All(schema["origins"].validator, check)
    return schema


def add_budget_view(context, request):
    def apply(data):
        rules = {k: data[k] for k in RULE_FIELDS}
        budget = add_budget(context, data["title"], data["total"], data["description"],
                            data["territory"], request.user.id, **rules)
        actions.record(request, "budgets.budget_create", budget)
        return budget
    return form_view(request, budget_schema(), apply=apply, title=_("Add a budget"),
                     buttons=("create",), message=_("The budget has been created."))


def edit_budget_view(context, request):
    def apply(data):
        context.title, context.total = data["title"], data["total"]
        context.territory = data["territory"]
        context.set_description(data["description"])
        set_rules(context, **{k: data[k] for k in RULE_FIELDS})
        context.touch()
        actions.record(request, "budgets.budget_edit", context)
        return context
    stored = {"title": context.title, "total": context.total,
              "description": context.description_source, "territory": context.territory,
              **{k: getattr(context, k) for k in RULE_FIELDS}}
    schema = budget_schema()
    if context.voters() or len(context.paper):
        schema.validator = colander.All(schema.validator, _frozen_after_votes(stored))
    return form_view(request, schema, apply=apply, title=_("Edit the budget"),
                     appstruct=stored, message=_("The budget has been saved."))


def _frozen_after_votes(stored):
    """Once votes count, the total and the voting rule stay as they were voted under."""
    def check(node, value):
        error = colander.Invalid(node)
        for key in ("total",) + RULE_FIELDS:
            if value.get(key) != stored[key]:
                error[key] = _("Votes have been cast under this value: it can no longer change.")
        if error.children:
            raise error
    return check


def _store_image(project, upload, alt):
    data = read_upload(upload["fp"], IMAGE_MAX_BYTES)
    data, content_type = clean_image(data, max_side=1600)
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    project.add_image(ProjectImage(blob, content_type, alt.strip(), len(data)))


def add_project_view(context, request):
    space = context.container.space

    def apply(data):
        paths, _unknown = resolve(space, _lines(data["origins"]))
        project = add_project(context, data["title"], data["cost"], data["description"],
                              data["territory"], request.user.id)
        set_origins(request, project, paths)
        if data.get("image"):
            _store_image(project, data["image"], data["alt"])
        actions.record(request, "budgets.project_create", project)
        return project
    from beffroi_budgets.forms import image_required_alt
    schema = _with_origins(project_schema(), space)
    schema.validator = image_required_alt
    return form_view(request, schema, apply=apply, title=_("Add a project"), buttons=("create",),
                     message=_("The project has been added."))


def edit_project_view(context, request):
    space = context.budget.container.space

    def apply(data):
        paths, _unknown = resolve(space, _lines(data["origins"]))
        context.title, context.cost, context.territory = data["title"], data["cost"], data["territory"]
        context.set_description(data["description"])
        set_origins(request, context, paths)
        context.touch()
        index_content(context)
        actions.record(request, "budgets.project_edit", context)
        return context
    origins = [path.rstrip("/").rsplit("/", 1)[-1] for path in context.origins]
    stored = {"title": context.title, "cost": context.cost, "territory": context.territory,
              "description": context.description_source, "origins": "\n".join(origins)}
    return form_view(request, _with_origins(project_schema(with_image=False), space), apply=apply,
                     title=_("Edit the project"), appstruct=stored,
                     message=_("The project has been saved."))


def add_image_view(context, request):
    def apply(data):
        _store_image(context, data["image"], data["alt"])
        return context
    try:
        return form_view(request, image_schema(), apply=apply, title=_("Add an image"),
                         buttons=("send",), message=_("The image has been added."))
    except UploadError as exc:           # checked by the form; re-encoding may still refuse
        flash(request, exc.args[0], "error")
        request.tm.doom()
        return HTTPFound(location=request.resource_url(context, "add-image"))


def delete_image_view(context, request):
    image = context.image(request.POST.get("id", ""))
    if image is not None:
        context.images.remove(image)
        flash(request, _("The image has been deleted."))
    return HTTPFound(location=request.resource_url(context))


def delete_project_view(context, request):
    """Delete a project nobody voted for (a project with votes stays: results need it)."""
    budget = context.budget
    if budget.votes.get(context.number) or any(
            context.number in p.projects for p in budget.paper.values()):
        flash(request, _("This project has votes: it cannot be deleted."), "error")
        return HTTPFound(location=request.resource_url(context))
    unindex_content(context)
    budget.remove(context.__name__)
    actions.record(request, "budgets.project_delete", context, budget=budget.title)
    flash(request, _("The project has been deleted."))
    return HTTPFound(location=request.resource_url(budget))


def delete_budget_view(context, request):
    """Delete a budget nobody has voted in yet (no ballot, no paper ballot)."""
    if len(context.ballots) or len(context.paper):
        flash(request, _("Participants have started voting in this budget: it cannot be deleted."),
              "error")
        return HTTPFound(location=request.resource_url(context))
    container = context.container
    for project in context.projects():
        unindex_content(project)
    container.remove(context.__name__)
    actions.record(request, "budgets.budget_delete", context)
    flash(request, _("The budget has been deleted."))
    return HTTPFound(location=request.resource_url(container))


# --- paper ballots ---------------------------------------------------------------------------

def _whole(text):
    """``text`` as a non-negative int, or None (``"²".isdigit()`` is true but not a number)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def _paper_numbers(request, budget):
    """The project numbers ticked (or ranked) in the paper ballot form, in order."""
    if budget.vote_rule == "ranking":
        ranked = []
        for project in budget.projects():
            value = request.POST.get(f"rank-{project.number}", "").strip()
            if value:
                rank = _whole(value)
                if not rank:
                    raise VoteRefused(_("A rank is a whole number (1 for the first choice)."))
                ranked.append((rank, project.number))
        ranks = [r for r, _n in ranked]
        if len(set(ranks)) != len(ranks):
            raise VoteRefused(_("Two projects have the same rank."))
        return [n for _r, n in sorted(ranked)]
    chosen = set(request.POST.getall("project"))
    return [p.number for p in budget.projects() if str(p.number) in chosen]


def paper_view(context, request):
    """GET: the paper ballots of the budget and the entry form. POST: record ballots."""
    typed = {"count": "1", "numbers": set(), "ranks": {}}
    if request.method == "POST":
        count_text = request.POST.get("count", "").strip()
        typed["count"] = count_text[:12]
        typed["numbers"] = set(request.POST.getall("project"))
        typed["ranks"] = {k[5:]: v[:4] for k, v in request.POST.items() if k.startswith("rank-")}
        try:
            count = _whole(count_text)
            if count is None or not 1 <= count <= 100_000:
                raise VoteRefused(_("Type how many identical ballots, a whole number from 1 to "
                                    "100,000."))
            numbers = _paper_numbers(request, context)
            paper = enter_paper(context, numbers, count, request.user)
        except VoteRefused as refused:
            messages = refused.message if isinstance(refused.message, list) else [refused.message]
            request.tm.doom()
            from beffroi_budgets.views import present
            return _paper_page(request, context, typed, [request.localizer.translate(present(request, m))
                                                         for m in messages])
        actions.record(request, "budgets.paper_enter", context, count=paper.count,
                       projects=" ".join(map(str, paper.projects)))
        flash(request, pluralize(
            request, "${n} paper ballot recorded: another staff member must check it before it "
            "counts.", "${n} paper ballots recorded: another staff member must check them before "
            "they count.", paper.count, domain="beffroi_budgets"))
        return HTTPFound(location=request.resource_url(context, "paper"))
    return _paper_page(request, context, typed, [])


def _paper_page(request, budget, typed, errors):
    from beffroi_budgets.views import money
    entries = sorted(budget.paper.values(), key=lambda p: p.entered_at, reverse=True)
    return {"page_title": _("Paper ballots: ${title}", mapping={"title": budget.title}),
            "budget": budget, "entries": entries, "typed": typed, "errors": errors,
            "pending": sum(p.count for p in entries if not p.checked),
            "counted": sum(p.count for p in entries if p.checked),
            "money": lambda n: money(request, n), "me": request.user.id,
            "title_of": lambda n: getattr(budget.project(n), "title", "?"),
            "ranking": budget.vote_rule == "ranking"}


def paper_check_view(context, request):
    key = request.POST.get("key", "")
    try:
        if request.POST.get("decision") == "discard":
            paper = discard_paper(context, key)
            actions.record(request, "budgets.paper_discard", context, count=paper.count)
            flash(request, _("The pending paper ballots have been deleted."))
        else:
            paper = check_paper(context, key, request.user)
            actions.record(request, "budgets.paper_check", context, count=paper.count,
                           entered_by=paper.entered_name)
            flash(request, pluralize(request, "${n} paper ballot checked: it now counts.",
                                     "${n} paper ballots checked: they now count.", paper.count,
                                     domain="beffroi_budgets"))
    except VoteRefused as refused:
        flash(request, refused.message, "error")
        request.tm.doom()
    return HTTPFound(location=request.resource_url(context, "paper"))


def includeme(config):
    config.add_view(add_budget_view, context=ModuleContainer, module="budgets", name="add",
                    permission="budgets.manage", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
    config.add_view(edit_budget_view, context=Budget, name="edit", permission="budgets.manage",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(add_project_view, context=Budget, name="add", permission="budgets.manage",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(edit_project_view, context=Project, name="edit", permission="budgets.manage",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(add_image_view, context=Project, name="add-image", permission="budgets.manage",
                    request_method=("GET", "POST"), renderer=TPL + "form.pt")
    config.add_view(delete_image_view, context=Project, name="delete-image",
                    permission="budgets.manage", request_method="POST")
    config.add_view(delete_budget_view, context=Budget, name="delete", permission="budgets.manage",
                    request_method="POST")
    config.add_view(delete_project_view, context=Project, name="delete",
                    permission="budgets.manage", request_method="POST")
    config.add_view(paper_view, context=Budget, name="paper", permission="budgets.paper",
                    request_method=("GET", "POST"), renderer=TPL + "paper.pt")
    config.add_view(paper_check_view, context=Budget, name="paper-check",
                    permission="budgets.paper", request_method="POST")
