"""The core's own features, registered as the plugin ``beffroi`` through the same hooks
as any third-party plugin (as datasette and pretix do): its notification kinds, its
account-deletion clean-up, its verification methods (census, postal letter, identity
document, OpenID Connect) and its evolve steps."""
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
    from beffroi.services.webapi.tokens import revoke_all
    revoke_all(org, user)          # personal access tokens of the JSON API
    from beffroi.services.verification.model import forget_user as forget_verifications
    forget_verifications(org, user.id)


@hookimpl
def register_verification_methods():
    from beffroi.i18n import _
    from beffroi.infos import VerificationMethodInfo
    return [
        VerificationMethodInfo(
            "census", _("Census"), "/-/account/verify-census",
            _("Your identity document number and birth date are found in the census of residents."),
            "/-/admin/verifications-census", ("postal_code", "district", "birth_date", "age_bracket")),
        VerificationMethodInfo(
            "postal_letter", _("Postal letter"), "/-/account/verify-letter",
            _("The organisation posts a code to your address; you type it here."),
            "/-/admin/verifications-letters", ("postal_code",)),
        VerificationMethodInfo(
            "id_document", _("Identity document"), "/-/account/verify-document",
            _("Staff check your identity document, sent online or shown at the town hall."),
            "/-/admin/verifications-documents", ("postal_code", "district")),
        VerificationMethodInfo(
            "oidc", _("Identity provider"), "/-/account/verify-oidc",
            _("You sign in with the identity provider of the organisation (such as FranceConnect)."),
            "/-/admin/verifications-oidc", ("postal_code", "birth_date", "age_bracket")),
    ]


@hookimpl
def extra_portable_data(request, user):
    """The participant's verifications (method, status, dates, metadata; no hash)."""
    from beffroi.services.verification.model import portable
    data = portable(request.organisation, user.id)
    return {"verifications": data} if data else {}


@hookimpl
def on_configure(config):
    config.include("beffroi.services.verification.methods")


@hookimpl
def register_evolve_steps():
    """Databases made before the organisation search get its index (``beffroi reindex``)."""
    from beffroi.infos import EvolveStep
    from beffroi.services.search.queue import reindex_all
    return [EvolveStep("beffroi.0001_search_index", reindex_all,
                       "build the search index of every organisation"),
            EvolveStep("beffroi.0002_sharded_registries", shard_registries,
                       "follows and per-person limits in sharded trees (newcomers stop "
                       "conflicting)")]


def shard_registries(app_root) -> None:
    """Evolve step ``beffroi.0002_sharded_registries``: the follows of every organisation
    and the per-person limits (``beffroi.limits``) of module containers and of their items
    become ``ShardedTree`` (same keys, same value objects)."""
    from beffroi.limits import ATTR
    from beffroi.sharded import ShardedTree, to_sharded
    for organisation in app_root.organisations.values():
        store = getattr(organisation, "_beffroi_follows", None)
        if store is not None:
            store.followers = to_sharded(store.followers)
            store.following = to_sharded(store.following)
        for space in organisation.spaces.values():
            for container in space.modules.values():
                for holder in (container, *container.values()):
                    ledger = getattr(holder, ATTR, None)
                    if ledger is not None and not isinstance(ledger, ShardedTree):
                        setattr(holder, ATTR, to_sharded(ledger))
