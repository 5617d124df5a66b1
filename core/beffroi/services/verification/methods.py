"""The verification methods installed plugins declare (``register_verification_methods``),
collected and checked once at start-up, and the ones an organisation offers."""
from __future__ import annotations

from beffroi.infos import NAME_RE, VerificationMethodInfo


def collect(plugins) -> dict:
    """``{name: VerificationMethodInfo}`` of every plugin; raises ``PluginError`` naming
    the plugin on a wrong type, a bad or duplicate name, or a start path outside the site."""
    from beffroi.plugins import PluginError, _per_plugin
    found, owners = {}, {}
    for plugin, info in _per_plugin(plugins.pm, "register_verification_methods"):
        if not isinstance(info, VerificationMethodInfo):
            raise PluginError(f"plugin {plugin!r} returned {info!r} where a "
                              f"VerificationMethodInfo is expected")
        if not NAME_RE.match(info.name):
            raise PluginError(f"plugin {plugin!r}: verification method name {info.name!r} must be "
                              f"2 to 41 lowercase letters, digits or _, starting with a letter")
        if info.name in found:
            raise PluginError(f"plugin {plugin!r}: verification method {info.name!r} is already "
                              f"declared by plugin {owners[info.name]!r}")
        if not info.start_path.startswith("/") or info.start_path.startswith("//"):
            raise PluginError(f"plugin {plugin!r}: verification method {info.name!r}: start_path "
                              f"{info.start_path!r} must be a path on the site, like /-/account/verify-x")
        found[info.name] = info
        owners[info.name] = plugin
    return found


def all_methods(registry) -> dict:
    """The installed methods (``{name: VerificationMethodInfo}``), collected on first use."""
    methods = getattr(registry, "beffroi_verification_methods", None)
    if methods is None:
        methods = registry.beffroi_verification_methods = collect(registry.beffroi)
    return methods


def offered_methods(request) -> dict:
    """The installed methods the request's organisation offers, in name order."""
    from beffroi.services.verification.model import store_of
    store = store_of(request.organisation)
    installed = all_methods(request.registry)
    if store is None:
        return {}
    return {name: installed[name] for name in store.offered if name in installed}


def account_summary(request) -> list:
    """``[(VerificationMethodInfo, status or None)]`` of the offered methods and those the
    participant holds, for the account page (``request.verification_summary``)."""
    from beffroi.services.verification.model import records_of_user
    if request.user is None:
        return []
    records = records_of_user(request.organisation, request.user.id)
    installed = all_methods(request.registry)
    names = sorted(set(offered_methods(request)) | set(records))
    return [(installed[n], records[n].status if n in records else None)
            for n in names if n in installed]


def includeme(config):
    """Check every method at start-up (fail fast, naming the plugin)."""
    config.registry.beffroi_verification_methods = collect(config.registry.beffroi)
    config.add_request_method(account_summary, "verification_summary", reify=True)
    config.add_static_view("-/static/verification", "beffroi:services/verification/static",
                           cache_max_age=3600)
