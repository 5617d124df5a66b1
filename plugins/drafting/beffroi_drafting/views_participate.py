"""Participants: annotate a passage, suggest a wording, support a suggestion.

Choosing the passage works without JavaScript: the form asks for the section and the
words of the passage, checked against the section (``models.check_quote``); a quote
that is not there is refused beside the field, everything typed kept. With JavaScript
(``static/drafting.js``), selecting words in a section fills both fields for you.
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound

from beffroi.api import flash, follow, is_public_to, publish, validate
from beffroi_drafting import rules
from beffroi_drafting.forms import (
    QUOTE_MAX, annotation_schema, form_with_button, suggestion_schema,
)
from beffroi_drafting.i18n import _
from beffroi_drafting.models import (
    DraftingError, OwnSuggestion, Suggestion, Text, add_annotation, add_suggestion, support,
    unsupport,
)
from beffroi_drafting.sections import MARKERS_RE

TPL = "beffroi_drafting:templates/"


def _prefill(request, text):
    """Section and passage given in the link (``?section=…&quote=…``, set by the text's
    page and its script); anything unknown is left out."""
    section = request.params.get("section", "")
    values = {}
    if text.current.section(section) is not None:
        values["section"] = section
    quote = MARKERS_RE.sub("", request.params.get("quote", ""))[:QUOTE_MAX]
    if quote.strip():
        values["quote"] = quote.strip()
    return values


def _form_page(request, text, title, form_html):
    return {"page_title": title, "text": text, "form": form_html, "suggestion": None}


def _contribute(context, request, *, allowed, schema, button, label, title, save):
    if not allowed(request, context):
        raise HTTPForbidden(request.localizer.translate(
            _("Contributions to this text are closed in this phase.")))
    form = form_with_button(request, schema(context.current), button, label)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            try:
                target = save(data)
            except DraftingError as error:
                # the text changed between the form and the post (a new version)
                flash(request, error.message, "error")
                return HTTPFound(location=request.resource_url(context))
            return HTTPFound(location=target)
    else:
        html = form.render(_prefill(request, context))
    return _form_page(request, context, title, html)


def annotate_view(context, request):
    def save(data):
        note = add_annotation(context, data["section"], data["quote"], data["body"],
                              request.user.id)
        follow(request.organisation, request.user.id, context)
        flash(request, _("Your annotation is published."))
        return request.resource_url(context, anchor=f"annotation-{note.__name__}")
    return _contribute(context, request, allowed=rules.can_annotate, schema=annotation_schema,
                       button="annotate", label=_("Publish my annotation"),
                       title=_("Annotate a passage"), save=save)


def suggest_view(context, request):
    def save(data):
        suggestion = add_suggestion(context, data["section"], data["quote"], data["wording"],
                                    data["explanation"], request.user.id)
        organisation = request.organisation
        follow(organisation, request.user.id, suggestion)   # hears of comments and the decision
        follow(organisation, request.user.id, context)      # and of the next version
        publish(request, "drafting.suggestion_made", context, title=context.title,
                url=request.resource_url(suggestion))
        flash(request, _("Your suggestion is published. Others can now support and comment it."))
        return request.resource_url(suggestion)
    return _contribute(context, request, allowed=rules.can_suggest, schema=suggestion_schema,
                       button="suggest", label=_("Publish my suggestion"),
                       title=_("Suggest a wording"), save=save)


def support_view(context, request):
    """Support (``support``) or withdraw one's support (``unsupport``): one per person."""
    if not is_public_to(request, context):
        raise HTTPNotFound()
    if not rules.supports_allowed(request, context):
        raise HTTPForbidden(request.localizer.translate(
            _("This suggestion cannot be supported now.")))
    user_id = request.user.id
    if request.view_name == "support":
        try:
            supported = support(context, user_id)
        except OwnSuggestion as refused:       # no button for it: a forged or old form
            flash(request, refused.message, "error")
            return HTTPFound(location=request.resource_url(context, anchor="supports"))
        if supported:
            flash(request, _("Your support has been recorded."))
        else:
            flash(request, _("You already support this suggestion."), "error")
    elif unsupport(context, user_id):
        flash(request, _("Your support has been withdrawn."))
    else:
        flash(request, _("You do not support this suggestion."), "error")
    return HTTPFound(location=request.resource_url(context, anchor="supports"))


def withdraw_view(context, request):
    """The author withdraws their suggestion while it waits: it stays readable, marked
    withdrawn, and takes no more supports."""
    if not rules.can_withdraw(request, context):
        raise HTTPForbidden(request.localizer.translate(
            _("Only its author can withdraw a suggestion, before the decision.")))
    context.state = "withdrawn"
    context.touch()
    flash(request, _("Your suggestion is withdrawn."))
    return HTTPFound(location=request.resource_url(context))


def includeme(config):
    config.add_view(withdraw_view, context=Suggestion, name="withdraw",
                    permission="drafting.contribute", request_method="POST")
    config.add_view(annotate_view, context=Text, name="annotate",
                    permission="drafting.contribute", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
    config.add_view(suggest_view, context=Text, name="suggest",
                    permission="drafting.contribute", request_method=("GET", "POST"),
                    renderer=TPL + "form.pt")
    for name in ("support", "unsupport"):
        config.add_view(support_view, context=Suggestion, name=name,
                        permission="drafting.support", request_method="POST")
