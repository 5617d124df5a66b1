"""Debates: the space's team (or participants, if the space allows it) puts a question;
participants answer with arguments in favour, against or neutral (the core's comments);
the debate closes with conclusions. Built only on the public plugin contract.
"""
from __future__ import annotations

import colander
from pyramid.i18n import TranslationStringFactory

from beffroi import IndexInfo, ModuleInfo, NotificationInfo, PermissionInfo, hookimpl
from beffroi.api import ApiInfo, FieldDoc, comment_count, is_hidden
from beffroi_debates.content import Debate, add_debate, debate_text

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_debates")


class DebatesSettings(colander.MappingSchema):
    participants_open = colander.SchemaNode(
        colander.Boolean(), title=_("Participants may open debates"), default=False,
        missing=False)
    intro = colander.SchemaNode(colander.String(), title=_("Introduction shown above the debates"),
                                default="", missing="", validator=colander.Length(max=1000))


class DebatesPhaseSettings(colander.MappingSchema):
    creation_open = colander.SchemaNode(
        colander.Boolean(), title=_("Debates may be opened during this phase"), default=True,
        missing=False)
    comments_open = colander.SchemaNode(
        colander.Boolean(), title=_("Arguments are taken during this phase"), default=True,
        missing=False)


def _row(debate):
    """One debate as open data: no personal data (the author is not named)."""
    return {"id": debate.__name__, "title": debate.title, "description_html": debate.description,
            "start": debate.start.isoformat() if debate.start else "",
            "end": debate.end.isoformat() if debate.end else "",
            "official": debate.official,
            "closed": debate.closed.isoformat() if debate.closed else "",
            "conclusions_html": debate.conclusions, "comments": comment_count(debate),
            "created": debate.created.isoformat()}


_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
API_ROW_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "title", "description_html", "instructions_html", "start", "end",
                 "official", "closed", "conclusions_html", "comments", "url", "created"],
    "properties": {
        "id": {"type": "string"}, "title": {"type": "string"},
        "description_html": {"type": "string"}, "instructions_html": {"type": "string"},
        "start": _DATE_TIME, "end": _DATE_TIME, "official": {"type": "boolean"},
        "closed": _DATE_TIME, "conclusions_html": {"type": "string"},
        "comments": {"type": "integer"}, "url": {"type": "string"},
        "created": {"type": "string", "format": "date-time"},
    },
}


def _api_row(request, debate):
    """A debate in the JSON API: what its page shows; arguments are its comments."""
    if not isinstance(debate, Debate):
        return None
    iso = lambda value: value.isoformat() if value else None  # noqa: E731
    return {"id": debate.__name__, "title": debate.title, "description_html": debate.description,
            "instructions_html": debate.instructions or "", "start": iso(debate.start),
            "end": iso(debate.end), "official": bool(debate.official),
            "closed": iso(debate.closed), "conclusions_html": debate.conclusions or "",
            "comments": comment_count(debate), "url": request.resource_url(debate),
            "created": debate.created.isoformat()}


def public_debates(container):
    """The debates a visitor may read (hidden ones left out), newest first."""
    found = [d for d in container.values() if isinstance(d, Debate) and not is_hidden(d)]
    return sorted(found, key=lambda d: d.created, reverse=True)


def _portable_data(request, container, user):
    return [{"title": d.title, "description_html": d.description,
             "created": d.created.isoformat()}
            for d in container.values() if isinstance(d, Debate) and d.creator == user.id]


def _open_calls(request, container):
    """Open debates take arguments now: the home page's open calls."""
    from beffroi.api import module_settings
    settings = module_settings(request, container)
    today = container.__parent__.today()
    if settings.get("comments_open", True) and any(
            d.state(today) == "open" for d in public_debates(container)):
        return [_("Give your arguments in a debate")]
    return []


def _demo_content(container):
    add_debate(container, "Faut-il rendre la place piétonne le samedi ?",
               "<p>Le marché du samedi attire du monde : la place pourrait être fermée aux "
               "voitures ce jour-là. Qu'en pensez-vous ?</p>",
               "<p>Donnez vos arguments pour ou contre, en restant courtois.</p>", official=True)


@hookimpl
def register_modules():
    return [ModuleInfo(
        name="debates",
        title=_("Debates"),
        description=_("A question put to participants, who answer with arguments in favour "
                      "or against; the debate closes with conclusions."),
        icon="💬",
        permissions=(
            PermissionInfo("debates.create", _("Open debates"), ("admin", "authenticated")),
            PermissionInfo("debates.close", _("Close any debate with conclusions"),
                           ("admin", "moderator")),
        ),
        settings_schema=DebatesSettings,
        phase_settings_schema=DebatesPhaseSettings,
        indexes=(IndexInfo("debates.text", "text", debate_text),),
        search=("title", "description", "conclusions"),
        open_data=lambda request, container: [_row(d) for d in public_debates(container)],
        open_data_columns=("id", "title", "description_html", "start", "end", "official",
                           "closed", "conclusions_html", "comments", "created"),
        open_data_fields={
            "id": FieldDoc("text", _("Identifier of the debate in its space, as in its address")),
            "title": FieldDoc("text", _("The question put to participants")),
            "description_html": FieldDoc("text", _("Presentation of the debate, as sanitised HTML")),
            "start": FieldDoc("date", _("First day arguments are taken (empty: no start date)")),
            "end": FieldDoc("date", _("Last day arguments are taken (empty: no end date)")),
            "official": FieldDoc("boolean", _("Opened by the organisation (true) or by a participant (false)")),
            "closed": FieldDoc("date-time", _("When the debate was closed with conclusions (empty: still open)")),
            "conclusions_html": FieldDoc("text", _("Conclusions of the debate, as sanitised HTML")),
            "comments": FieldDoc("integer", _("Arguments (comments) a visitor can read"), _("comments")),
            "created": FieldDoc("date-time", _("When the debate was opened (ISO 8601, UTC)")),
        },
        organisation_export=lambda container: [_row(d) for d in public_debates(container)],
        portable_data=_portable_data,
        demo_content=_demo_content,
        open_calls=_open_calls,
        api=ApiInfo(row=_api_row, schema=API_ROW_SCHEMA),
    )]


@hookimpl
def register_notifications():
    return [NotificationInfo("debates.created", _("A debate has been opened")),
            NotificationInfo("debates.closed", _("A debate has been closed"))]


@hookimpl
def on_configure(config):
    config.include("beffroi_debates.views")
