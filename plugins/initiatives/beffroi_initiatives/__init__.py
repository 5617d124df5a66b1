"""Citizen initiatives (petitions): participants propose an initiative of a type the
space defines, gather promoters, submit it for technical review, then collect
signatures online (one per person, verified when the type says so) and on paper
(counts entered by staff and checked by a second staff member), until the threshold
and the answer. Built only on the public plugin contract.
"""
from __future__ import annotations

import colander
from pyramid.i18n import TranslationStringFactory

from beffroi import (
    IndexInfo, ModuleInfo, NotificationInfo, Participation, PermissionInfo, hookimpl,
)
from beffroi.api import comment_count, is_hidden
from beffroi_initiatives.content import (
    Initiative, add_initiative, add_type, check_paper, enter_paper, initiative_text,
    publish_initiative, type_of,
)

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_initiatives")


class InitiativesSettings(colander.MappingSchema):
    intro = colander.SchemaNode(
        colander.String(), title=_("Introduction shown above the initiatives"), default="",
        missing="", validator=colander.Length(max=1000))


class InitiativesPhaseSettings(colander.MappingSchema):
    creation_open = colander.SchemaNode(
        colander.Boolean(), title=_("New initiatives may be created during this phase"),
        default=True, missing=False)
    signatures_open = colander.SchemaNode(
        colander.Boolean(), title=_("Signatures are collected during this phase"),
        default=True, missing=False)


def public_initiatives(container):
    """Initiatives past review (collecting, accepted or rejected), hidden ones left out."""
    return [i for i in container.values()
            if isinstance(i, Initiative) and i.status == "published" and not is_hidden(i)]


def _row(initiative, today):
    kind = type_of(initiative)
    return {"id": initiative.__name__, "title": initiative.title,
            "description": initiative.description, "type": kind.title if kind else "",
            "territory": initiative.territory, "state": initiative.state(today),
            "signatures_required": kind.signatures_required if kind else "",
            "signatures_online": initiative.signature_count(),
            "signatures_paper": initiative.paper_total(),
            "signature_start": initiative.signature_start.isoformat(),
            "signature_end": initiative.signature_end.isoformat(),
            "answer": initiative.answer, "comments": comment_count(initiative),
            "created": initiative.created.isoformat()}


def _open_data_fields():
    """What each column of the petitions' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "id": FieldDoc("text", _("Identifier of the petition in its space, as in its address")),
        "title": FieldDoc("text", _("Title of the petition")),
        "description": FieldDoc("text", _("Text of the petition")),
        "type": FieldDoc("text", _("Type of petition")),
        "territory": FieldDoc("text", _("Territory the petition concerns")),
        "state": FieldDoc("text", _("State of the petition (collecting, accepted, rejected …)")),
        "signatures_required": FieldDoc("integer", _("Signatures needed for an answer"), _("signatures")),
        "signatures_online": FieldDoc("integer", _("Signatures collected on the platform"), _("signatures")),
        "signatures_paper": FieldDoc("integer", _("Signatures collected on paper"), _("signatures")),
        "signature_start": FieldDoc("date", _("First day of the signature collection")),
        "signature_end": FieldDoc("date", _("Last day of the signature collection")),
        "answer": FieldDoc("text", _("The organisation's answer")),
        "comments": FieldDoc("integer", _("Comments a visitor can read"), _("comments")),
        "created": FieldDoc("date-time", _("When the petition was created (ISO 8601, UTC)")),
    }


def _open_data(request, container):
    today = container.__parent__.today()
    return [_row(i, today) for i in public_initiatives(container)]


def _portable_data(request, container, user):
    return {
        "initiatives": [{"title": i.title, "description": i.description, "state": i.status,
                         "created": i.created.isoformat()}
                        for i in container.values()
                        if isinstance(i, Initiative) and i.creator == user.id],
        "promoter_of": [i.title for i in container.values()
                        if isinstance(i, Initiative) and user.id in i.promoters],
        "signatures": [{"initiative": i.title, "signed": i.signatures[user.id].isoformat()}
                       for i in container.values()
                       if isinstance(i, Initiative) and user.id in i.signatures],
    }


def _account_deleted(request, container, user):
    """The person's signatures stay counted (they were valid) but no longer name them."""
    import uuid
    for initiative in container.values():
        if not isinstance(initiative, Initiative):
            continue
        if user.id in initiative.promoters:
            initiative.promoters.remove(user.id)
        when = initiative.signatures.pop(user.id, None)
        if when is not None:
            initiative.signatures["deleted-" + uuid.uuid4().hex] = when


def _statistics(container):
    space = container.__parent__
    for initiative in container.values():
        if isinstance(initiative, Initiative):
            for user_id, when in initiative.signatures.items():
                if not user_id.startswith("deleted-"):
                    yield Participation("signature", user_id, when,
                                        initiative.territory or space.scope or "")


def _open_calls(request, container):
    """Initiatives collecting signatures, and starting one, for the home page."""
    from beffroi.api import module_settings
    settings = module_settings(request, container)
    today = container.__parent__.today()
    calls = []
    if settings.get("signatures_open", True) and any(
            i.collecting(today) for i in public_initiatives(container)):
        calls.append(_("Sign an initiative"))
    if settings.get("creation_open", True) and len(getattr(container, "initiative_types", ()) or ()):
        calls.append(_("Start an initiative"))
    return calls


def _demo_content(container):
    space = container.__parent__
    today = space.today()
    local = add_type(container, title="Initiative locale",
                     description="Une proposition adressée au conseil municipal.",
                     signatures_required=50, duration_days=60, promoters_required=1,
                     territory="", verification_required=False)
    add_type(container, title="Pétition de quartier",
             description="Une demande qui concerne un quartier.", signatures_required=20,
             duration_days=30, promoters_required=1, territory="Quartier nord",
             verification_required=True)
    first = add_initiative(
        container, "Des fontaines à eau dans les parcs",
        "Installer une fontaine à eau potable dans chacun des trois parcs de la commune, "
        "pour les promeneurs et les sportifs.\n\n- parc des Tilleuls\n- square Jean-Moulin\n"
        "- jardin de la Gare", local.id)
    first.status = "validating"      # the demo has no accounts to act as its promoters
    publish_initiative(first, None, today)
    paper = enter_paper(first, 12, "demo-agent-1", "Registre de la mairie annexe")
    check_paper(first, paper.id, "demo-agent-2")
    add_initiative(container, "Un marché de producteurs le mercredi",
                   "Un petit marché de producteurs locaux le mercredi après-midi, place de "
                   "la Mairie.", local.id)


@hookimpl
def register_modules():
    return [ModuleInfo(
        actions=("create", "sign", "comment"),
        name="initiatives",
        title=_("Initiatives"),
        description=_("Citizen initiatives (petitions): promoters, technical review, "
                      "signatures online and on paper, an answer from the institution."),
        icon="✍️",
        permissions=(
            PermissionInfo("initiatives.create", _("Create initiatives"), ("admin", "authenticated")),
            PermissionInfo("initiatives.sign", _("Sign initiatives"), ("admin", "authenticated")),
            PermissionInfo("initiatives.review", _("Review, publish and answer initiatives"),
                           ("admin",)),
            PermissionInfo("initiatives.paper", _("Enter and check paper signatures"),
                           ("admin", "evaluator")),
        ),
        settings_schema=InitiativesSettings,
        phase_settings_schema=InitiativesPhaseSettings,
        indexes=(IndexInfo("initiatives.text", "text", initiative_text),),
        open_data=_open_data,
        open_data_columns=("id", "title", "description", "type", "territory", "state",
                           "signatures_required", "signatures_online", "signatures_paper",
                           "signature_start", "signature_end", "answer", "comments", "created"),
        open_data_fields=_open_data_fields(),
        search=("title", "description"),
        organisation_export=lambda container: _open_data(None, container),
        portable_data=_portable_data,
        on_account_deleted=_account_deleted,
        demo_content=_demo_content,
        statistics=_statistics,
        open_calls=_open_calls,
    )]


@hookimpl
def register_notifications():
    return [NotificationInfo("initiatives.published", _("An initiative collects signatures")),
            NotificationInfo("initiatives.threshold", _("An initiative reached its signatures")),
            NotificationInfo("initiatives.answered", _("An initiative has been answered")),
            NotificationInfo("initiatives.reviewed", _("Your initiative has been reviewed"))]


@hookimpl
def on_configure(config):
    config.include("beffroi_initiatives.views")
