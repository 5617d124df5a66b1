"""Settings of the proposals module: module-wide and per phase."""
from __future__ import annotations

import re

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi.api import slugify
from beffroi_proposals.models import BASE_STATES

_ = TranslationStringFactory("beffroi_proposals")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
SUPPORT_MODES = ("open", "blocked", "hidden")


def lines(text):
    """Non-empty, stripped lines of a setting typed one item per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def custom_states(settings):
    """[(state id, label, colour)] of the custom answer states, from lines ``Label | #rrggbb``."""
    out = []
    for line in lines(settings.get("custom_states", "")):
        label, _sep, colour = line.rpartition("|")
        label, colour = label.strip(), colour.strip()
        state = slugify(label)
        if state and state not in BASE_STATES and COLOUR_RE.match(colour):
            out.append((state, label, colour.lower()))
    return out


def _check_states(node, value):
    for line in lines(value):
        label, sep, colour = line.rpartition("|")
        if not sep or not label.strip() or not COLOUR_RE.match(colour.strip()):
            raise colander.Invalid(node, _(
                "Write one state per line as “Label | #rrggbb”, for example “Studied by the council | #7a4b9c”. "
                "This line is not valid: ${line}", mapping={"line": line}))
        if slugify(label) in BASE_STATES or not slugify(label):
            raise colander.Invalid(node, _("The state “${label}” cannot be used: choose another name.",
                                           mapping={"label": label.strip()}))


def _non_negative(title, default, description=None, maximum=1_000_000):
    return colander.SchemaNode(colander.Integer(), title=title, default=default, missing=default,
                               description=description,
                               validator=colander.Range(min=0, max=maximum))


class ProposalsSettings(colander.MappingSchema):
    body_format = colander.SchemaNode(
        colander.String(), title=_("Format of the proposal text"), default="markdown",
        validator=colander.OneOf(("markdown", "html")),
        widget=deform.widget.SelectWidget(values=(
            ("markdown", _("Simple formatting (Markdown: *italic*, **bold**, lists, links)")),
            ("html", _("HTML (paragraphs, lists, links)")))))
    title_max = _non_negative(_("Longest title (characters)"), 150, maximum=500)
    body_max = _non_negative(_("Longest text (characters)"), 5000, maximum=100_000)
    edit_window = _non_negative(_("Authors may edit their proposal during (minutes)"), 15)
    scopes = colander.SchemaNode(
        colander.String(), title=_("Territories"), default="", missing="",
        description=_("One territory per line (commune, district …). Leave empty to hide the field."),
        widget=deform.widget.TextAreaWidget(rows=4))
    categories = colander.SchemaNode(
        colander.String(), title=_("Categories"), default="", missing="",
        description=_("One category per line. Leave empty to hide the field."),
        widget=deform.widget.TextAreaWidget(rows=4))
    custom_states = colander.SchemaNode(
        colander.String(), title=_("Additional answer states"), default="", missing="",
        description=_("One per line: “Label | #rrggbb” (a colour as six hexadecimal digits)."),
        validator=_check_states, widget=deform.widget.TextAreaWidget(rows=3))
    support_limit = _non_negative(_("Supports each participant may cast (0: no limit)"), 0)
    support_threshold = _non_negative(_("Supports a proposal needs (0: no threshold)"), 0)
    minimum_supports_to_count = _non_negative(
        _("Count a participant's supports only once they have cast at least (0: always count)"), 0)
    address_enabled = colander.SchemaNode(colander.Boolean(), title=_("Ask for an address"),
                                          default=False, missing=False)
    attachments_enabled = colander.SchemaNode(colander.Boolean(), title=_("Allow attachments"),
                                              default=True, missing=False)
    attachment_max_mb = _non_negative(_("Largest attachment (MB)"), 5, maximum=100)
    amendments_enabled = colander.SchemaNode(colander.Boolean(), title=_("Allow amendments"),
                                             default=True, missing=False)


class ProposalsPhaseSettings(colander.MappingSchema):
    creation_enabled = colander.SchemaNode(
        colander.Boolean(), title=_("Participants can create proposals"), default=True, missing=False)
    supports = colander.SchemaNode(
        colander.String(), title=_("Supports"), default="open",
        validator=colander.OneOf(SUPPORT_MODES),
        widget=deform.widget.SelectWidget(values=(
            ("open", _("Open: participants can support")),
            ("blocked", _("Blocked: counts shown, no new supports")),
            ("hidden", _("Hidden: no supports shown")))))
    answers_published = colander.SchemaNode(
        colander.Boolean(), title=_("Answers are published"), default=True, missing=False)
