"""The space's admins: write a text, edit the draft of its next version, publish it,
accept or reject suggestions with a public reason."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPFound

from beffroi.api import (
    ModuleContainer, flash, form_view, index_content, publish, render_markdown, validate,
)
from beffroi_drafting.forms import (
    DecisionSchema, DraftSchema, PublishSchema, TextSchema, form_with_button,
)
from beffroi_drafting.i18n import _
from beffroi_drafting.models import DraftingError, Suggestion, Text, add_text, decide, publish_draft
from beffroi_drafting.sections import clean
from beffroi_drafting.views import demote_headings

TPL = "beffroi_drafting:templates/"


def add_view(context, request):
    def apply(data):
        text = add_text(context, data["title"], data["summary"], data["source"],
                        request.user.id)
        return text
    result = form_view(request, TextSchema(), title=_("New text"), buttons=("create",),
                       apply=apply, message=_("The text is saved as the draft of its version 1: "
                                              "publish it when it is ready."))
    if isinstance(result, HTTPFound):
        result.location = result.location + "draft"
    else:
        result.update(text=None, suggestion=None)
    return result


def _page(text, title, form_html, **extra):
    return {"page_title": title, "text": text, "form": form_html, **extra}


def draft_view(context, request):
    """Edit the draft of the next version (made from the latest one if needed)."""
    draft = context.draft
    schema = DraftSchema()
    form = form_with_button(request, schema, "save", _("Save the draft"))
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            draft = context.ensure_draft()
            draft.edit(clean(data["source"]), clean(data["changelog"]))
            context.touch()
            flash(request, _("The draft of version ${number} is saved.",
                             mapping={"number": draft.number}))
            return HTTPFound(location=request.resource_url(context, "draft"))
    else:
        base = draft or context.current
        html = form.render({"source": base.source if base else "",
                            "changelog": draft.changelog if draft else ""})
    number = draft.number if draft else context.published_number + 1
    applied = [context.get(n) for n in (draft.applied if draft else ())]
    return _page(context, _("Draft of version ${number}", mapping={"number": number}), html,
                 number=number, applied=[s for s in applied if s is not None],
                 has_draft=draft is not None, publishing=False, preview=())


def publish_view(context, request):
    """Publish the draft as the next version, with its changelog; followers are told."""
    draft = context.draft
    if draft is None:
        flash(request, _("There is no draft to publish."), "error")
        return HTTPFound(location=request.resource_url(context, "draft"))
    form = form_with_button(request, PublishSchema(), "publish",
                            _("Publish version ${number}", mapping={"number": draft.number}))
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            try:
                version = publish_draft(context, data["changelog"], request.user.id)
            except DraftingError as error:
                flash(request, error.message, "error")
                return HTTPFound(location=request.resource_url(context, "draft"))
            publish(request, "drafting.version_published", context,
                    title=f"{context.title} · v{version.number}")
            flash(request, _("Version ${number} is published.", mapping={"number": version.number}))
            return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render({"changelog": draft.changelog})
    applied = [context.get(n) for n in draft.applied]
    return _page(context, _("Publish version ${number}", mapping={"number": draft.number}), html,
                 number=draft.number, applied=[s for s in applied if s is not None],
                 has_draft=True, publishing=True,
                 preview=[(s.title or request.localizer.translate(_("Preamble")),
                           demote_headings(render_markdown(s.body, profile="body")))
                          for s in draft.sections])


def decide_view(context, request):
    """Accept or reject a suggestion with a reason shown publicly; its followers (the
    author first) are told. An accepted wording goes into the draft at once."""
    if context.state != "pending":
        raise HTTPForbidden(request.localizer.translate(
            _("This suggestion has already been decided.")))
    form = form_with_button(request, DecisionSchema(), "decide", _("Record the decision"))
    text = context.text
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            accept = data["decision"] == "accept"
            try:
                decide(context, accept, data["reason"], request.user.id)
            except DraftingError as error:
                flash(request, error.message, "error")
                return HTTPFound(location=request.resource_url(context))
            index_content(text)
            publish(request, "drafting.suggestion_accepted" if accept
                    else "drafting.suggestion_rejected", context)
            flash(request, _("The suggestion is accepted: its wording is in the draft of version "
                             "${number}.", mapping={"number": context.applied_in}) if accept
                  else _("The suggestion is rejected."))
            return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render({})
    return {"page_title": _("Decide on suggestion #${number}", mapping={"number": context.number}),
            "text": text, "form": html, "suggestion": context}


def includeme(config):
    config.add_view(add_view, context=ModuleContainer, module="drafting", name="add",
                    permission="drafting.manage", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
    config.add_view(draft_view, context=Text, name="draft", permission="drafting.manage",
                    request_method=("GET", "POST"), renderer=TPL + "draft.pt")
    config.add_view(publish_view, context=Text, name="publish", permission="drafting.manage",
                    request_method=("GET", "POST"), renderer=TPL + "draft.pt")
    config.add_view(decide_view, context=Suggestion, name="decide",
                    permission="drafting.decide", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
