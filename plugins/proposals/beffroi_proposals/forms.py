"""Forms of proposals and amendments, shaped by the module's settings."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi.api import upload_node
from beffroi_proposals.attachments import AttachmentRefused, make_attachment
from beffroi_proposals.settings import lines

_ = TranslationStringFactory("beffroi_proposals")
MIN_TITLE = 5
MIN_BODY = 15


def _choice(name, title, values):
    choices = [("", _("— none —"))] + [(v, v) for v in values]
    return colander.SchemaNode(colander.String(), name=name, title=title, missing="",
                               validator=colander.OneOf([""] + list(values)),
                               widget=deform.widget.SelectWidget(values=choices))


def _upload_validator(max_mb):
    def check(node, value):
        try:
            value["attachment"] = make_attachment(_Upload(value), max_mb)
        except AttachmentRefused as refused:
            raise colander.Invalid(node, refused.message) from None
    return check


class _Upload:
    def __init__(self, value):
        self.file, self.filename = value["fp"], value.get("filename", "")


def proposal_schema(settings, official=False, attachment=True, editing=False):
    """Title, text and the optional fields the settings switch on."""
    schema = colander.SchemaNode(colander.Mapping())
    body_help = _("Simple formatting: *italic*, **bold**, lists starting with “-”, links.") \
        if settings.get("body_format", "markdown") == "markdown" \
        else _("HTML is allowed: paragraphs, lists, links.")
    schema.add(colander.SchemaNode(
        colander.String(), name="title", title=_("Title"),
        validator=colander.Length(min=MIN_TITLE, max=settings.get("title_max", 150))))
    schema.add(colander.SchemaNode(
        colander.String(), name="body", title=_("Text"), description=body_help,
        validator=colander.Length(min=MIN_BODY, max=settings.get("body_max", 5000)),
        widget=deform.widget.TextAreaWidget(rows=10)))
    scopes, categories = lines(settings.get("scopes")), lines(settings.get("categories"))
    if scopes:
        schema.add(_choice("scope", _("Territory"), scopes))
    if categories:
        schema.add(_choice("category", _("Category"), categories))
    if settings.get("address_enabled"):
        schema.add(colander.SchemaNode(colander.String(), name="address", title=_("Address"),
                                       missing="", validator=colander.Length(max=300)))
    if attachment and settings.get("attachments_enabled", True):
        max_mb = settings.get("attachment_max_mb", 5)
        schema.add(upload_node(
            "attachment", _("Attachment (optional)"), validator=_upload_validator(max_mb),
            description=_("A PDF document or an image, up to ${size} MB.", mapping={"size": max_mb})))
    if official and not editing:
        schema.add(colander.SchemaNode(colander.Boolean(), name="official", missing=False,
                                       title=_("Official proposal (made by the organisation)")))
    return schema


def amendment_fields(schema):
    """An amendment changes title and text only."""
    for name in [c.name for c in schema.children if c.name not in ("title", "body")]:
        del schema[name]
    return schema


def answer_schema(states):
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="state", title=_("State"),
        validator=colander.OneOf([s for s, _l in states]),
        widget=deform.widget.SelectWidget(values=states)))
    schema.add(colander.SchemaNode(
        colander.String(), name="answer", title=_("Answer"), missing="",
        description=_("HTML is allowed: paragraphs, lists, links."),
        validator=colander.Length(max=20_000), widget=deform.widget.TextAreaWidget(rows=8)))
    schema.add(colander.SchemaNode(
        colander.Decimal(quant="0.01"), name="cost", title=_("Cost (euros, optional)"),
        missing=None, validator=colander.Range(min=0, max=10**12)))
    return schema


def note_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="note", title=_("Private note"),
                                   validator=colander.Length(min=1, max=5000),
                                   widget=deform.widget.TextAreaWidget(rows=4)))
    return schema
