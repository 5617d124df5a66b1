"""Proposals: participants propose, support and amend; the organisation answers.

Built only on the public plugin contract, like any module a community could publish.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi import EvolveStep, IndexInfo, ModuleInfo, PermissionInfo, hookimpl
from beffroi.api import NotificationInfo
from beffroi_proposals.models import Proposal, ensure_index, proposal_text, search_doc
from beffroi_proposals.settings import ProposalsPhaseSettings, ProposalsSettings

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_proposals")


def _open_calls(request, container):
    """What the phase allows now, for the home page's open calls."""
    from beffroi.api import module_settings
    settings = module_settings(request, container)
    calls = []
    if settings.get("creation_enabled", True):
        calls.append(_("Submit a proposal"))
    if settings.get("supports", "open") == "open" and len(container):
        calls.append(_("Support proposals"))
    return calls


def _export(request, container):
    from beffroi_proposals.export import rows
    return rows(request, container)


def _api():
    from beffroi.api import ApiInfo
    from beffroi_proposals import webapi
    return ApiInfo(row=webapi.row, schema=webapi.ROW_SCHEMA, create=webapi.create,
                   create_schema=webapi.INPUT_SCHEMA, support=webapi.support)


def _on_enable(request, container):
    ensure_index(container)


def _on_settings_changed(request, container):
    from beffroi_proposals.views_staff import publish_pending_answers
    publish_pending_answers(request, container)


def _open_data_fields():
    """What each column of the proposals' open data means (README of the archive)."""
    from beffroi.api import FieldDoc
    return {
        "id": FieldDoc("integer", _("Number of the proposal in its space")),
        "title": FieldDoc("text", _("Title of the proposal")),
        "body": FieldDoc("text", _("Text of the proposal, without formatting")),
        "url": FieldDoc("url", _("Address of the proposal's page")),
        "official": FieldDoc("boolean", _("Made by the organisation (true) or by a participant (false)")),
        "state": FieldDoc("text", _("Answer given: evaluating, accepted, rejected or a state of the space; empty before an answer or while answers are not published")),
        "answer": FieldDoc("text", _("Text of the organisation's answer, without formatting")),
        "cost": FieldDoc("decimal", _("Estimated cost given with the answer"), _("euros")),
        "scope": FieldDoc("text", _("Territory the proposal concerns")),
        "category": FieldDoc("text", _("Category chosen for the proposal")),
        "supports": FieldDoc("integer", _("Supports that count (empty when the space hides them)"), _("supports")),
        "comments": FieldDoc("integer", _("Comments a visitor can read"), _("comments")),
        "amendments": FieldDoc("integer", _("Amendments a visitor can read"), _("amendments")),
        "withdrawn": FieldDoc("boolean", _("Withdrawn by its author")),
        "created": FieldDoc("date-time", _("When the proposal was made (ISO 8601, UTC)")),
        "modified": FieldDoc("date-time", _("When the proposal was last changed (ISO 8601, UTC)")),
    }


@hookimpl
def register_modules():
    return [ModuleInfo(
        open_calls=_open_calls,
        name="proposals",
        title=_("Proposals"),
        description=_("Participants make proposals, support and amend them; the organisation answers."),
        icon="💡",
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
        search=search_doc,
        on_enable=_on_enable,
        on_settings_changed=_on_settings_changed,
        open_data=_export,
        open_data_fields=_open_data_fields(),
        organisation_export=_organisation_export,
        portable_data=_portable_data,
        demo_content=_demo_content,
        api=_api(),
        actions=("create", "support", "comment"),
        evolve_steps=(EvolveStep("proposals.0001_comment_order", _build_comment_order,
                                 "order proposals by their number of comments"),
                      EvolveStep("proposals.0002_amendment_location", _locate_amendments,
                                 "give amendments a place in the tree, so they can be reported"),
                      EvolveStep("proposals.0003_listing_layout", _upgrade_listing_index,
                                 "conflict-free numbering and support order, paging by set arithmetic"),
                      EvolveStep("proposals.0004_search_terms", _reindex_text,
                                 "index proposals' text with accents folded and words stemmed"),
                      EvolveStep("proposals.0005_sharded_supports", _shard_user_supports,
                                 "each person's supports in a sharded tree (newcomers stop "
                                 "conflicting)"),
                      EvolveStep("proposals.0006_facet_orders", _build_facet_orders,
                                 "a sorted order per state, territory and category (filtered "
                                 "pages cost what they show)")),
    )]


def _build_comment_order(app_root):
    """Indexes made before "most commented" was kept up to date get it from the counts."""
    from BTrees.IIBTree import IIBTree
    from BTrees.LLBTree import LLTreeSet

    from beffroi.api import comment_count
    from beffroi_proposals.index import support_key
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("proposals")
            index = getattr(container, "proposal_index", None)
            if index is None or index.layout >= 2 or index.by_comments is not None:
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


def _reindex_text(app_root):
    """The text index held words as typed; it now holds search terms (``search_words``)."""
    from beffroi.api import containers_of, index_content
    for container in containers_of(app_root, "proposals"):
        for proposal in container.values():
            if isinstance(proposal, Proposal):
                index_content(proposal)


def _shard_user_supports(app_root):
    """Indexes made before keep each person's supports in an ``OOBTree``; they get a
    ``ShardedTree`` with the same sets (``beffroi.sharded``)."""
    from beffroi.api import ShardedTree
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            index = getattr(space.modules.get("proposals"), "proposal_index", None)
            if index is not None and not isinstance(index.user_supports, ShardedTree):
                index.user_supports = ShardedTree(index.user_supports.items())


def _build_facet_orders(app_root):
    """Indexes made before keep no sorted order per filter value: build them."""
    from beffroi_proposals.index import build_facet_orders
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            index = getattr(space.modules.get("proposals"), "proposal_index", None)
            if index is not None and index.layout >= 2:
                build_facet_orders(index)


def _upgrade_listing_index(app_root):
    """Indexes of layout 1 (``last_number`` on the index, exact support keys) get the
    layout of ``beffroi_proposals.index`` (see its docstring)."""
    from beffroi_proposals.index import LAYOUT, upgrade
    for org in app_root.organisations.values():
        for space in org.spaces.values():
            container = space.modules.get("proposals")
            index = getattr(container, "proposal_index", None)
            if index is not None and index.layout < LAYOUT:
                upgrade(index, index)


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
def on_configure(config):
    config.include("beffroi_proposals.views")
    config.include("beffroi_proposals.views_write")
    config.include("beffroi_proposals.views_staff")
    config.include("beffroi_proposals.export")


def _demo_content(container):
    from beffroi_proposals.demo import fill
    fill(container)


def _organisation_export(container):
    from beffroi_proposals.models import plain_text
    return [
        {"number": p.number, "title": p.title, "body_html": p.body_html,
         "creator": p.creator, "official": p.official, "state": p.state,
         "answer_html": p.answer_html, "cost": p.cost, "scope": p.scope,
         "category": p.category, "address": p.address, "supports": p.supports,
         "supporters": sorted(p.supporters.keys()), "withdrawn": p.withdrawn,
         "created": p.created.isoformat(), "text": plain_text(p.body_html)}
        for p in container.values() if isinstance(p, Proposal)]


def _portable_data(request, container, user):
    """The proposals ``user`` wrote and the ones they support in ``container``."""
    from beffroi_proposals.models import proposal_index
    index = proposal_index(container)
    mine = []
    for number in index.members(("author", user.id)):
        p = container[str(number)]
        mine.append({"number": p.number, "title": p.title, "text": p.body_source,
                     "created": p.created.isoformat(), "withdrawn": p.withdrawn})
    supported = []
    for number in index.user_supports.get(user.id, ()):
        p = container[str(number)]
        supported.append({"number": p.number, "title": p.title, "proposal": _path(p)})
    return {"proposals": mine, "supports": supported} if (mine or supported) else None


def _path(proposal):
    container = proposal.__parent__
    return f"/{container.space.__name__}/{container.__name__}/{proposal.__name__}/"
