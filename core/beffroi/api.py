"""The public toolkit: everything a plugin may import from Beffroi, in one table.

A plugin imports from ``beffroi`` (the hook marker and the declaration types) and from
here, nothing else (tests may also use ``beffroi.devkit.testing``)::

    from beffroi.api import ModuleContainer, form_view, index_content, publish

Everything named below is covered by the ``beffroi_api`` version promise: a name is
removed or changes its shape only with a new major version of ``PLUGIN_API_VERSION``,
said in docs/plugins.md. ``beffroi check-plugin`` reports imports of any other core
module. Names are resolved on first use, so importing this module loads nothing.
"""
from __future__ import annotations

import importlib

#: public name → "module:attribute" (the attribute's docstring documents it)
TOOLKIT = {
    # the plugin contract
    "hookimpl": "beffroi.hookspecs:hookimpl",
    "PLUGIN_API_VERSION": "beffroi.hookspecs:PLUGIN_API_VERSION",
    "EvolveStep": "beffroi.infos:EvolveStep",
    "IndexInfo": "beffroi.infos:IndexInfo",
    "ModuleInfo": "beffroi.infos:ModuleInfo",
    "NavItem": "beffroi.infos:NavItem",
    "NotificationInfo": "beffroi.infos:NotificationInfo",
    "Participation": "beffroi.infos:Participation",
    "PermissionInfo": "beffroi.infos:PermissionInfo",
    "SkinInfo": "beffroi.infos:SkinInfo",
    "SpaceTypeInfo": "beffroi.infos:SpaceTypeInfo",
    # the resource tree
    "Content": "beffroi.resources.folder:Content",
    "Folder": "beffroi.resources.folder:Folder",
    "ModuleContainer": "beffroi.resources.module:ModuleContainer",
    "now": "beffroi.resources.folder:now",
    "slugify": "beffroi.resources.folder:slugify",
    # the module kit
    "containers_of": "beffroi.kit:containers_of",
    "module_container": "beffroi.kit:module_container",
    "module_nav": "beffroi.kit:module_nav",
    "flash": "beffroi.kit:flash",
    "form_view": "beffroi.kit:form_view",
    "spreadsheet_safe": "beffroi.kit:spreadsheet_safe",
    "csv_response": "beffroi.kit:csv_response",
    "translated_rows": "beffroi.kit:translated_rows",
    "json_response": "beffroi.kit:json_response",
    # the JSON API (/-/api/v1/): a module declares ModuleInfo(api=ApiInfo(...))
    "ApiInfo": "beffroi.infos:ApiInfo",
    "ApiError": "beffroi.services.webapi.problems:ApiError",
    "api_validate": "beffroi.services.webapi.problems:validate",
    "module_settings": "beffroi.modulesettings:module_settings",
    "make_form": "beffroi.forms:make_form",
    "validate": "beffroi.forms:validate",
    "upload_node": "beffroi.forms:upload_node",
    "has_control_characters": "beffroi.forms:has_control_characters",
    # text
    "pluralize": "beffroi.i18n:pluralize",
    "sanitise_html": "beffroi.sanitise:sanitise_html",
    "render_markdown": "beffroi.sanitise:render_markdown",
    "bar_chart": "beffroi.charts:bar_chart",
    # search
    "index_content": "beffroi.catalog:index_content",
    "unindex_content": "beffroi.catalog:unindex_content",
    "text_search": "beffroi.catalog:text_search",
    "text_search_paths": "beffroi.catalog:text_search_paths",
    # the organisation search (/-/search) and open data (/-/open-data)
    "SearchDoc": "beffroi.infos:SearchDoc",
    "FieldDoc": "beffroi.infos:FieldDoc",
    "plain_text": "beffroi.services.search.text:plain_text",
    "search_words": "beffroi.services.search.text:search_words",
    "search_query": "beffroi.services.search.text:search_query",
    # listings whose every page costs what it shows, and counters that do not collide
    "ListingOrder": "beffroi.listing:Order",
    "ListingPage": "beffroi.listing:Page",
    "find_listing_page": "beffroi.listing:find_page",
    "listing_key": "beffroi.listing:pack",
    "Tally": "beffroi.counters:Tally",
    "Numbering": "beffroi.counters:Numbering",
    "level_of": "beffroi.counters:level_of",
    "level_is_exact": "beffroi.counters:level_is_exact",
    "ShardedTree": "beffroi.sharded:ShardedTree",
    "ShardedQueue": "beffroi.queues:ShardedQueue",
    # uploads
    "UploadError": "beffroi.uploads:UploadError",
    "read_upload": "beffroi.uploads:read_upload",
    "check_image": "beffroi.uploads:check_image",
    "clean_image": "beffroi.uploads:clean_image",
    "content_disposition": "beffroi.uploads:content_disposition",
    # templates shared across the platform (beffroi.services.templates)
    "TemplateInfo": "beffroi.infos:TemplateInfo",
    "TemplateError": "beffroi.services.templates.model:TemplateError",
    "template_json": "beffroi.services.templates.model:plain_json",
    # services: comments, moderation, follows, notifications
    "comment_count": "beffroi.services.comments.model:comment_count",
    "author_name": "beffroi.accounts.users:author_name",
    "comment_summary": "beffroi.services.comments.model:comment_summary",
    "is_hidden": "beffroi.services.moderation.model:is_hidden",
    "hidden_in_space": "beffroi.services.moderation.model:hidden_in_space",
    "visible_to": "beffroi.services.moderation.model:visible_to",
    # what a visitor may see: hidden, deleted, unpublished, withdrawn
    "ContentState": "beffroi.visibility:ContentState",
    "content_state": "beffroi.visibility:content_state",
    "is_public": "beffroi.visibility:is_public",
    "is_open": "beffroi.visibility:is_open",
    "is_public_to": "beffroi.visibility:is_public_to",
    "public_items": "beffroi.visibility:public_items",
    "count_public": "beffroi.visibility:count_public",
    "follow": "beffroi.services.follows.model:follow",
    "unfollow": "beffroi.services.follows.model:unfollow",
    "is_following": "beffroi.services.follows.model:is_following",
    "publish": "beffroi.services.notifications.queue:publish",
    # links between items and the « issu de la participation » label
    "LinkRefused": "beffroi.services.links.model:LinkRefused",
    "link_items": "beffroi.services.links.model:link_items",
    "unlink_items": "beffroi.services.links.model:unlink_items",
    "linked_items": "beffroi.services.links.model:linked_items",
    "linked_keys": "beffroi.services.links.model:linked_keys",
    "origins_of": "beffroi.services.links.model:origins_of",
    "outcomes_of": "beffroi.services.links.model:outcomes_of",
    "from_participation": "beffroi.services.links.model:from_participation",
    "participation_keys": "beffroi.services.links.model:participation_keys",
    "forget_item_links": "beffroi.services.links.model:forget_item",
    "move_links": "beffroi.services.links.model:move_links",
    "item_key": "beffroi.services.links.model:item_key",
    "participation_label_html": "beffroi.services.links.views:participation_label_html",
    # a message to one person through the outbox, sent only if the request commits
    "queue_mail": "beffroi.services.mail.queue:queue_mail",
    # an entry in the organisation's action log (what staff did, shown to its admins)
    "record_action": "beffroi.services.actionlog.model:record",
    # at most N per person / per object, holding under concurrent requests
    "LimitReached": "beffroi.limits:LimitReached",
    "take_within_limit": "beffroi.limits:take",
    "give_back_within_limit": "beffroi.limits:give_back",
    "left_within_limit": "beffroi.limits:left",
    "held_within_limit": "beffroi.limits:held",
    # verified participants and the actions that need a verification (docs/plugins.md)
    "VerificationMethodInfo": "beffroi.infos:VerificationMethodInfo",
    "Authorisation": "beffroi.services.verification.authorisations:Authorisation",
    "AuthorisationRequired": "beffroi.services.verification.authorisations:AuthorisationRequired",
    "authorise": "beffroi.services.verification.authorisations:authorise",
    "require_authorisation": "beffroi.services.verification.authorisations:require_authorisation",
    "granted_verifications": "beffroi.services.verification.model:granted_verifications",
    "grant_verification": "beffroi.services.verification.model:grant",
    "VerificationRefused": "beffroi.services.verification.model:VerificationRefused",
    "verification_done": "beffroi.services.verification.model:verification_done",
}

#: Modules a plugin's package may import from (tests may also import beffroi.devkit.testing).
PUBLIC_MODULES = ("beffroi", "beffroi.api")

__all__ = sorted(TOOLKIT)


def __getattr__(name):
    try:
        module, _, attribute = TOOLKIT[name].partition(":")
    except KeyError:
        raise AttributeError(f"beffroi.api has no {name!r}: the public toolkit is "
                             f"{', '.join(__all__)}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value          # resolved once
    return value


def __dir__():
    return __all__
