"""Views of the debates module: the listing, a debate, opening, editing and closing one."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden
from pyramid.i18n import TranslationStringFactory

from beffroi.api import (
    ModuleContainer, comment_count, comment_summary, form_view, index_content, module_settings,
    publish,
)
from beffroi_debates import public_debates
from beffroi_debates.content import TEXT_MAX, TITLE_MAX, Debate, add_debate, close_debate, today_in

_ = TranslationStringFactory("beffroi_debates")
TEMPLATES = "beffroi_debates:templates/"
FILTERS = ("open", "closed", "all")


def _dates(node, value):
    if value.get("start") and value.get("end") and value["end"] < value["start"]:
        error = colander.Invalid(node)
        error["end"] = _("The end comes before the start.")
        raise error


class DebateSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_("Question"),
                                validator=colander.Length(min=3, max=TITLE_MAX))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("HTML is allowed: paragraphs, lists, links."),
        widget=deform.widget.TextAreaWidget(rows=8))
    instructions = colander.SchemaNode(
        colander.String(), title=_("Instructions to participants"), missing="",
        validator=colander.Length(max=TEXT_MAX), widget=deform.widget.TextAreaWidget(rows=3))
    start = colander.SchemaNode(colander.Date(), title=_("Opens on"), missing=None,
                                widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    end = colander.SchemaNode(colander.Date(), title=_("Closes on"), missing=None,
                              widget=deform.widget.TextInputWidget(attributes={"type": "date"}))


class ConclusionsSchema(colander.MappingSchema):
    conclusions = colander.SchemaNode(
        colander.String(), title=_("Conclusions"), validator=colander.Length(min=1, max=TEXT_MAX),
        description=_("What the debate brought out; shown at the top of the closed debate."),
        widget=deform.widget.TextAreaWidget(rows=8))


def _may_open(request, container) -> bool:
    if not request.has_permission("debates.create", container):
        return False
    if not module_settings(request, container).get("creation_open", True):
        return False
    if request.has_permission("space.admin", container):
        return True
    return bool(module_settings(request, container).get("participants_open"))


def _may_close(request, debate) -> bool:
    user = request.user
    return user is not None and debate.closed is None and (
        request.has_permission("debates.close", debate) or debate.creator == user.id)


def listing(context, request):
    """The debates of the space, open ones first by default; a filter by state."""
    shown = request.params.get("state", "open")
    shown = shown if shown in FILTERS else "open"
    today = today_in(request.organisation)
    debates = [d for d in public_debates(context)
               if shown == "all" or (d.state(today) == "closed") == (shown == "closed")]
    return {"page_title": _("Debates"), "debates": debates, "shown": shown, "today": today,
            "filters": FILTERS, "settings": module_settings(request, context),
            "comment_count": comment_count, "can_open": _may_open(request, context)}


def debate_view(context, request):
    return {"page_title": context.title, "debate": context,
            "state": context.state(today_in(request.organisation)),
            "summary": comment_summary(context),
            "can_edit": request.has_permission("space.admin", context),
            "can_close": _may_close(request, context)}


def add_view(context, request):
    if not _may_open(request, context):
        raise HTTPForbidden()
    official = request.has_permission("space.admin", context)

    def apply(data):
        debate = add_debate(context, creator=request.user.id, official=official, **data)
        publish(request, "debates.created", debate)
        return debate
    return form_view(request, DebateSchema(validator=_dates), title=_("Open a debate"),
                     buttons=("create",), apply=apply, message=_("The debate is open."))


def edit_view(context, request):
    def apply(data):
        context.update(**data)
        index_content(context)
        return context
    stored = {"title": context.title, "description": context.description,
              "instructions": context.instructions, "start": context.start, "end": context.end}
    stored = {k: v for k, v in stored.items() if v is not None}
    return form_view(request, DebateSchema(validator=_dates), title=_("Edit the debate"),
                     appstruct=stored, apply=apply, message=_("The debate is saved."))


def close_view(context, request):
    if not _may_close(request, context):
        raise HTTPForbidden()

    def apply(data):
        close_debate(context, data["conclusions"], request.user.id)
        publish(request, "debates.closed", context)
        return context
    return form_view(request, ConclusionsSchema(), title=_("Close the debate"),
                     buttons=("close",), apply=apply, message=_("The debate is closed."))


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="debates", permission="view",
                    request_method="GET", renderer=TEMPLATES + "listing.pt")
    config.add_view(add_view, context=ModuleContainer, module="debates", name="add",
                    permission="debates.create", request_method=("GET", "POST"),
                    renderer=TEMPLATES + "form.pt")
    config.add_view(debate_view, context=Debate, permission="view", request_method="GET",
                    renderer=TEMPLATES + "debate.pt")
    config.add_view(edit_view, context=Debate, name="edit", permission="space.admin",
                    request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    config.add_view(close_view, context=Debate, name="close", permission="participate",
                    request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
