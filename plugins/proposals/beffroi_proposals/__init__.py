"""Proposals: participants propose, support and amend; the organisation answers.

Built only on the public plugin contract, like any module a community could publish.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, PermissionInfo, hookimpl
from beffroi.infos import NotificationInfo
from beffroi_proposals.models import Proposal, ensure_index, proposal_text
from beffroi_proposals.settings import ProposalsPhaseSettings, ProposalsSettings

beffroi_api = ">=1.0,<2"
_ = TranslationStringFactory("beffroi_proposals")


def _export(request, container):
    from beffroi_proposals.export import rows
    return rows(request, container)


def _on_enable(request, container):
    ensure_index(container)


def _on_settings_changed(request, container):
    from beffroi_proposals.views_staff import publish_pending_answers
    publish_pending_answers(request, container)


@hookimpl
def register_modules():
    return [ModuleInfo(
        name="proposals",
        title=_("Proposals"),
        description=_("Participants make proposals, support and amend them; the organisation answers."),
        icon="💡",
        content_types=(Proposal,),
        permissions=(
            PermissionInfo("proposals.create", _("Create proposals"), ("authenticated",)),
            PermissionInfo("proposals.support", _("Support proposals"), ("authenticated",)),
            PermissionInfo("proposals.amend", _("Amend proposals"), ("authenticated",)),
            PermissionInfo("proposals.answer", _("Answer proposals and assign evaluators"), ("admin",)),
            PermissionInfo("proposals.evaluate", _("Evaluate the proposals assigned to one"),
                           ("admin", "evaluator")),
            PermissionInfo("proposals.official", _("Publish official proposals"), ("admin",)),
        ),
        settings_schema=ProposalsSettings,
        phase_settings_schema=ProposalsPhaseSettings,
        indexes=(IndexInfo("proposals.text", "text", proposal_text),),
        on_enable=_on_enable,
        on_settings_changed=_on_settings_changed,
        export=_export,
        evolve_steps=(EvolveStep("proposals.0001_comment_order", _build_comment_order,
                                 "order proposals by their number of comments"),
                      EvolveStep("proposals.0002_amendment_location", _locate_amendments,
                                 "give amendments a place in the tree, so they can be reported")),
    )]


def _build_comment_order(app_root):
    """Indexes made before "most commented" was kept up to date get it from the counts."""
    from BTrees.IIBTree import IIBTree
    from BTrees.LLBTree import LLTreeSet

    from beffroi.comments import comment_count
    from beffroi_proposals.index import support_key
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("proposals")
            index = getattr(container, "proposal_index", None)
            if index is None or index.by_comments is not None:
                continue
            index.by_comments, index.comment_counts = LLTreeSet(), IIBTree()
            for proposal in container.values():
                count = comment_count(proposal)
                index.by_comments.add(support_key(count, proposal.number))
                index.comment_counts[proposal.number] = count


def _locate_amendments(app_root):
    """Amendments stored before they could be reported have no ``__parent__``."""
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("proposals")
            if container is None:
                continue
            for proposal in container.values():
                for name, amendment in getattr(proposal, "amendments", {}).items():
                    if amendment.__parent__ is not proposal:
                        amendment.__parent__, amendment.__name__ = proposal, name


@hookimpl
def register_notifications():
    return [
        NotificationInfo("proposals.created", _("New proposal")),
        NotificationInfo("proposals.answered", _("A proposal has been answered")),
        NotificationInfo("proposals.amendment_proposed", _("An amendment has been proposed")),
        NotificationInfo("proposals.amendment_accepted", _("An amendment has been accepted")),
        NotificationInfo("proposals.amendment_rejected", _("An amendment has been rejected")),
        NotificationInfo("proposals.threshold_reached", _("A proposal has reached its support threshold")),
    ]


@hookimpl
def configure(config):
    config.add_translation_dirs("beffroi_proposals:locale/")
    config.add_static_view("-/proposals-static", "beffroi_proposals:static", cache_max_age=3600)
    config.include("beffroi_proposals.views")
    config.include("beffroi_proposals.views_write")
    config.include("beffroi_proposals.views_staff")
    config.include("beffroi_proposals.export")


@hookimpl
def demo_content(container):
    if container.module_name != "proposals" or len(container):
        return
    from beffroi_proposals.demo import fill
    fill(container)


@hookimpl
def export_organisation(organisation):
    from beffroi_proposals.models import plain_text
    out = {}
    for space in organisation.spaces.values():
        container = space.modules.get("proposals")
        if container is None:
            continue
        out[space.__name__] = [
            {"number": p.number, "title": p.title, "body_html": p.body_html,
             "creator": p.creator, "official": p.official, "state": p.state,
             "answer_html": p.answer_html, "cost": p.cost, "scope": p.scope,
             "category": p.category, "address": p.address, "supports": p.supports,
             "supporters": sorted(p.supporters.keys()), "withdrawn": p.withdrawn,
             "created": p.created.isoformat(), "text": plain_text(p.body_html)}
            for p in container.values() if isinstance(p, Proposal)]
    return {"proposals": out}


@hookimpl
def data_portable(request, user):
    """The proposals ``user`` wrote and the ones they support, in every space."""
    from beffroi_proposals.models import proposal_index
    mine, supported = [], []
    for space in request.organisation.spaces.values():
        container = space.modules.get("proposals")
        if container is None:
            continue
        index = proposal_index(container)
        for number in index.members(("author", user.id)):
            p = container[str(number)]
            mine.append({"space": space.__name__, "number": p.number, "title": p.title,
                         "text": p.body_source, "created": p.created.isoformat(),
                         "withdrawn": p.withdrawn})
        for number in index.user_supports.get(user.id, ()):
            p = container[str(number)]
            supported.append({"space": space.__name__, "number": p.number, "title": p.title,
                              "proposal": _path(p)})
    return {"proposals": mine, "supports": supported}


def _path(proposal):
    container = proposal.__parent__
    return f"/{container.space.__name__}/{container.__name__}/{proposal.__name__}/"
