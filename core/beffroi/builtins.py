"""The core's own features, registered as the plugin ``beffroi`` through the same hooks
as any third-party plugin (as datasette and pretix do): its notification kinds,
its account-deletion clean-up and its evolve steps."""
from __future__ import annotations

from beffroi.hookspecs import hookimpl

beffroi_api = ">=2.0,<3"


@hookimpl
def register_notifications():
    from beffroi.services.notifications.model import CORE_NOTIFICATIONS
    return list(CORE_NOTIFICATIONS)


@hookimpl
def on_account_deleted(request, user):
    """Follows and outstanding tokens of a deleted account go; so does what every
    module keeps about them (``ModuleInfo.on_account_deleted``)."""
    from beffroi.services.follows.model import forget_user
    from beffroi.kit import account_deleted_in_modules
    from beffroi.accounts.tokens import revoke_tokens
    org = request.organisation
    account_deleted_in_modules(request, user)
    forget_user(org, user.id)
    revoke_tokens(org, user.id)


@hookimpl
def register_evolve_steps():
    """Databases made before the organisation search get its index (``beffroi reindex``)."""
    from beffroi.infos import EvolveStep
    from beffroi.services.search.queue import reindex_all
    return [EvolveStep("beffroi.0001_search_index", reindex_all,
                       "build the search index of every organisation")]
