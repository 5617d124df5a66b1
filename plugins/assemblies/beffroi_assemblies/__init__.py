"""Assemblies: permanent bodies (a neighbourhood council, a youth assembly) as a space
type, and the members module that publishes their roster. A private assembly is seen
only by its members; a transparent one is read by everyone and acted in by members only
(the core's space visibility). Members linked to a participant account get the space's
``member`` role. Built only on the public plugin contract.
"""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi import ModuleInfo, PermissionInfo, SpaceTypeInfo, hookimpl
from beffroi.api import FieldDoc
from beffroi_assemblies.roster import Member, add_member, unlink_user

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_assemblies")


def _text(title, description=""):
    return colander.SchemaNode(colander.String(), title=title, description=description,
                               default="", missing="", validator=colander.Length(max=5000),
                               widget=deform.widget.TextAreaWidget(rows=4))


class MembersSettings(colander.MappingSchema):
    purpose = _text(_("Purpose"), _("What the assembly is for."))
    composition = _text(_("Composition"), _("Who sits in it, how many, for how long."))
    how_to_join = _text(_("How to join"), _("How a resident becomes a member."))


def _row(member):
    return {"name": member.name, "position": member.position,
            "end": member.end.isoformat() if member.end else ""}


def _members(container):
    return sorted((m for m in container.values() if isinstance(m, Member)),
                  key=lambda m: (m.end is not None, m.position.lower(), m.name.lower()))


def _portable_data(request, container, user):
    return [_row(m) for m in _members(container) if m.user_id == user.id]


def _on_account_deleted(request, container, user):
    for member in _members(container):
        if member.user_id == user.id:
            unlink_user(member)


def _demo_content(container):
    for name, position in (("Awa Diallo", "Présidente"), ("Jules Martin", "Secrétaire"),
                           ("Inès Robert", "Membre")):
        add_member(container, name, position)


@hookimpl
def register_space_types():
    return [SpaceTypeInfo(
        name="assembly", title=_("Assembly"),
        description=_("A permanent body (a neighbourhood council, a youth assembly) with "
                      "members; child assemblies sit under their parent."),
        has_phases=False)]


@hookimpl
def register_modules():
    return [ModuleInfo(
        name="members",
        title=_("Members"),
        description=_("The public roster of an assembly: purpose, composition, how to join, "
                      "and its members."),
        icon="👥",
        permissions=(PermissionInfo("members.manage", _("Manage the roster"), ("admin",)),),
        settings_schema=MembersSettings,
        open_data=lambda request, container: [_row(m) for m in _members(container)],
        open_data_columns=("name", "position", "end"),
        open_data_fields={
            "name": FieldDoc("text", _("Name of the member, as the assembly publishes it")),
            "position": FieldDoc("text", _("Position held in the assembly (president, secretary, member …)")),
            "end": FieldDoc("date", _("End of the term (empty: no end date)")),
        },
        organisation_export=lambda container: [_row(m) for m in _members(container)],
        portable_data=_portable_data,
        on_account_deleted=_on_account_deleted,
        demo_content=_demo_content,
        space_types=("assembly",),
    )]


@hookimpl
def on_configure(config):
    config.include("beffroi_assemblies.views")
