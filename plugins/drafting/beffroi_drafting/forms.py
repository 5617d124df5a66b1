"""Forms of the drafting module (colander schemas, rendered by the kit's ``make_form``)."""
from __future__ import annotations

import colander
import deform

from beffroi.api import make_form
from beffroi_drafting.i18n import _
from beffroi_drafting.models import DraftingError, check_quote

TITLE_MAX = 150
SUMMARY_MAX = 1_000
SOURCE_MAX = 200_000
QUOTE_MAX = 2_000
WORDING_MAX = 20_000
NOTE_MAX = 2_000
REASON_MAX = 2_000


def _text(title, maximum, minimum=1, rows=None, missing=colander.required, description=None,
          name=""):
    widget = deform.widget.TextAreaWidget(rows=rows) if rows else None
    return colander.SchemaNode(
        colander.String(), name=name, title=title, missing=missing, description=description,
        validator=colander.Length(min=minimum, max=maximum,
                                  min_err=_("Write at least ${min} characters."),
                                  max_err=_("This is too long: ${max} characters at most.")),
        widget=widget)


class TextSchema(colander.MappingSchema):
    title = _text(_("Title"), TITLE_MAX, minimum=3)
    summary = _text(_("Summary"), SUMMARY_MAX, rows=3, missing="",
                    description=_("A few lines shown above the text and in the list of texts."))
    source = _text(_("Text"), SOURCE_MAX, rows=20, description=_(
        "Markdown: each heading (a line starting with #, ## …) starts a section or an article "
        "that participants can annotate and suggest wordings for."))


class DraftSchema(colander.MappingSchema):
    source = _text(_("Text of the next version"), SOURCE_MAX, rows=24, description=_(
        "Markdown: each heading (a line starting with #, ## …) starts a section."))
    changelog = _text(_("Changes in this version"), SOURCE_MAX, rows=5, missing="",
                      description=_("Shown with the version once published. Accepted suggestions "
                                    "are listed below it with links."))


class PublishSchema(colander.MappingSchema):
    changelog = _text(_("Changes in this version"), SOURCE_MAX, rows=5, missing="",
                      description=_("Shown with the version. Accepted suggestions are listed "
                                    "below it with links."))


DECISIONS = (("accept", _("Accept: the wording goes into the next version")),
             ("reject", _("Reject")))


class DecisionSchema(colander.MappingSchema):
    decision = colander.SchemaNode(
        colander.String(), title=_("Decision"), validator=colander.OneOf([d for d, _t in DECISIONS]),
        widget=deform.widget.RadioChoiceWidget(values=DECISIONS))
    reason = _text(_("Reason (shown publicly and sent to the author)"), REASON_MAX, rows=4)


def _sections_node(version):
    choices = [(s.key, s.title or _("Preamble")) for s in version.sections]
    return colander.SchemaNode(
        colander.String(), name="section", title=_("Section"),
        validator=colander.OneOf([key for key, _t in choices]),
        widget=deform.widget.SelectWidget(values=[("", _("Choose a section…"))] + choices))


def _quote_check(version, required):
    def check(node, value):
        try:
            check_quote(version, value.get("section"), value.get("quote", ""), required)
        except DraftingError as error:
            invalid = colander.Invalid(node)
            invalid[error.field or "quote"] = error.message
            raise invalid
    return check


def annotation_schema(version):
    schema = colander.MappingSchema(validator=_quote_check(version, required=True))
    schema.add(_sections_node(version))
    schema.add(_text(_("Passage you annotate"), QUOTE_MAX, rows=3, name="quote", description=_(
        "Copy the words from the section, as they read in the text.")))
    schema.add(_text(_("Your annotation"), NOTE_MAX, rows=5, name="body"))
    return schema


def suggestion_schema(version):
    schema = colander.MappingSchema(validator=_quote_check(version, required=False))
    schema.add(_sections_node(version))
    schema.add(_text(_("Passage to replace (optional)"), QUOTE_MAX, rows=3, missing="",
                     name="quote", description=_(
                         "Copy the words from the section as they read in the text; leave empty "
                         "to suggest a wording for the whole section.")))
    schema.add(_text(_("Your wording"), WORDING_MAX, rows=8, name="wording", description=_(
        "The text that would replace the passage (or the whole section). Markdown is allowed.")))
    schema.add(_text(_("Why (optional)"), NOTE_MAX, rows=3, missing="", name="explanation"))
    return schema


def form_with_button(request, schema, name, label):
    """``make_form`` with one submit button of ``name`` labelled ``label`` (translated)."""
    form = make_form(request, schema, buttons=("save",), action=request.url)
    form.buttons = [deform.Button(name, request.localizer.translate(label))]
    return form
