"""Collaborative drafting: the organisation publishes a text (Markdown, cut into sections
at its headings) in numbered versions; participants annotate passages and suggest
wordings, support and comment suggestions; admins accept or reject each with a public
reason and publish the next version with a changelog; anyone compares two versions,
and the text shows which passages came from participants.

Built only on the public plugin contract (``beffroi`` and ``beffroi.api``).
"""
from __future__ import annotations

import colander

from beffroi import IndexInfo, ModuleInfo, NotificationInfo, PermissionInfo, TemplateInfo, hookimpl
from beffroi_drafting.i18n import _
from beffroi_drafting.models import text_index

beffroi_api = ">=2.0,<3"


class DraftingSettings(colander.MappingSchema):
    intro = colander.SchemaNode(
        colander.String(), title=_("Introduction shown above the texts"), default="",
        missing="", validator=colander.Length(max=1000))


class DraftingPhaseSettings(colander.MappingSchema):
    annotations_open = colander.SchemaNode(
        colander.Boolean(), title=_("Participants may annotate passages during this phase"),
        default=True, missing=False)
    suggestions_open = colander.SchemaNode(
        colander.Boolean(), title=_("Participants may suggest wordings during this phase"),
        default=True, missing=False)
    supports_open = colander.SchemaNode(
        colander.Boolean(), title=_("Participants may support suggestions during this phase"),
        default=True, missing=False)


def _open_data_fields():
    """What each column of the drafting module's open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "text": FieldDoc("text", _("Identifier of the text in its space, as in its address")),
        "text_title": FieldDoc("text", _("Title of the text")),
        "kind": FieldDoc("text", _("What the row describes: version (a published version) or suggestion")),
        "version": FieldDoc("integer", _("Number of the version (the one a suggestion was made on)")),
        "published": FieldDoc("date-time", _("When the version was published (empty for a suggestion)")),
        "section": FieldDoc("text", _("Section of the text a suggestion concerns")),
        "number": FieldDoc("integer", _("Number of the suggestion in its text (empty for a version)")),
        "state": FieldDoc("text", _("Decision on the suggestion: pending, accepted, rejected …")),
        "quote": FieldDoc("text", _("Passage of the text the suggestion changes")),
        "wording": FieldDoc("text", _("Text of the version (Markdown), or wording proposed by the suggestion")),
        "reason": FieldDoc("text", _("Reason given with the decision on the suggestion")),
        "supports": FieldDoc("integer", _("Supports of the suggestion"), _("supports")),
        "comments": FieldDoc("integer", _("Comments a visitor can read"), _("comments")),
        "applied_in": FieldDoc("integer", _("Version in which the suggestion was applied (empty: none)")),
        "changelog": FieldDoc("text", _("What changed in this version")),
        "url": FieldDoc("url", _("Address of the version or suggestion")),
        "created": FieldDoc("date-time", _("When the row's version or suggestion was created (ISO 8601, UTC)")),
    }


def _open_data(request, container):
    from beffroi_drafting.export import rows
    return rows(request, container)


def _organisation_export(container):
    from beffroi_drafting.export import organisation_rows
    return organisation_rows(container)


def _portable_data(request, container, user):
    from beffroi_drafting.export import portable
    return portable(request, container, user)


def _on_account_deleted(request, container, user):
    from beffroi_drafting.export import forget
    forget(container, user.id)


def _texts_template(texts):
    from beffroi_drafting.outline import outline_of
    return {"kind": "drafting.outline",
            "texts": [outline_of(text, with_bodies=True) for text in texts]}


def _to_template(container):
    """The outlines (headings and latest wording) of the container's texts: no
    suggestion, annotation, support or author travels."""
    from beffroi_drafting.models import Text
    return _texts_template(t for t in container.values() if isinstance(t, Text))


def _item_to_template(item):
    return _texts_template([item])


def _from_template(container, data):
    """New unpublished texts made from the outlines of ``data``; raises ``ValueError``
    with a message for the admin on data of another shape."""
    from beffroi_drafting.outline import text_from_outline
    if not isinstance(data, dict) or data.get("kind") != "drafting.outline" \
            or not isinstance(data.get("texts"), list) or not data["texts"]:
        raise ValueError("This template holds no text outline.")
    made = [text_from_outline(container, outline) for outline in data["texts"]]
    return made[0] if len(made) == 1 else container


def _demo_content(container):
    from beffroi_drafting.demo import fill
    fill(container)


def _open_calls(request, container):
    """A published text open to suggestions: the home page's open calls."""
    from beffroi.api import module_settings
    from beffroi_drafting.models import Text
    if module_settings(request, container).get("suggestions_open", True) and any(
            isinstance(t, Text) and t.published for t in container.values()):
        return [_("Suggest changes to a text")]
    return []


@hookimpl
def register_modules():
    return [ModuleInfo(
        search=("title", "summary"),
        open_calls=_open_calls,
        name="drafting",
        title=_("Collaborative drafting"),
        description=_("A text in versions that participants annotate and improve with "
                      "suggestions; the organisation decides and publishes the next version."),
        icon="📝",
        permissions=(
            PermissionInfo("drafting.manage", _("Write texts, edit drafts and publish versions"),
                           ("admin",)),
            PermissionInfo("drafting.decide", _("Accept or reject suggestions"), ("admin",)),
            PermissionInfo("drafting.contribute", _("Annotate passages and suggest wordings"),
                           ("authenticated",)),
            PermissionInfo("drafting.support", _("Support suggestions"), ("authenticated",)),
        ),
        settings_schema=DraftingSettings,
        phase_settings_schema=DraftingPhaseSettings,
        indexes=(IndexInfo("drafting.text", "text", text_index),),
        open_data=_open_data,
        open_data_fields=_open_data_fields(),
        open_data_columns=("text", "text_title", "kind", "version", "published", "section",
                           "number", "state", "quote", "wording", "reason", "supports",
                           "comments", "applied_in", "changelog", "url", "created"),
        organisation_export=_organisation_export,
        portable_data=_portable_data,
        on_account_deleted=_on_account_deleted,
        demo_content=_demo_content,
        template=TemplateInfo(to_template=_to_template, from_template=_from_template,
                              item_to_template=_item_to_template),
    )]


@hookimpl
def register_notifications():
    return [
        NotificationInfo("drafting.version_published", _("A new version of a text is published")),
        NotificationInfo("drafting.suggestion_made", _("A wording is suggested for a text")),
        NotificationInfo("drafting.suggestion_accepted", _("A suggestion has been accepted")),
        NotificationInfo("drafting.suggestion_rejected", _("A suggestion has been rejected")),
    ]


@hookimpl
def on_configure(config):
    config.include("beffroi_drafting.views")
    config.include("beffroi_drafting.views_participate")
    config.include("beffroi_drafting.views_admin")
