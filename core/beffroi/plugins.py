"""Finding, validating and listing plugins (the host side of the plugin contract)."""
from __future__ import annotations

import importlib.metadata
import inspect
from dataclasses import dataclass, field

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from beffroi import contract, hookspecs
from beffroi.infos import NAMESPACED_RE, EvolveStep, ModuleInfo, SkinInfo, SpaceTypeInfo

ENTRY_POINT_GROUP = "beffroi"


class PluginError(Exception):
    """A plugin breaks the contract; the message names the plugin and what to fix."""


@dataclass
class PluginRecord:
    name: str
    distribution: str = ""
    version: str = ""
    module: object = None
    hooks: list[str] = field(default_factory=list)


@dataclass
class PluginSet:
    """Everything the installed plugins declared, validated once at start-up."""
    pm: pluggy.PluginManager
    plugins: dict[str, PluginRecord]
    modules: dict[str, ModuleInfo]
    module_plugin: dict[str, str]
    space_types: dict[str, SpaceTypeInfo]
    skins: dict[str, SkinInfo]
    permissions: dict[str, object]
    evolve_steps: list[EvolveStep]
    #: kind → NotificationInfo declared by plugins (the core's kinds are in beffroi.services.notifications.model)
    notifications: dict = field(default_factory=dict)

    def describe(self) -> list[dict]:
        """Plain data for ``beffroi plugins --json`` and ``/-/plugins.json``."""
        out = []
        for name, rec in sorted(self.plugins.items()):
            out.append({
                "name": name,
                "distribution": rec.distribution,
                "version": rec.version,
                "hooks": sorted(rec.hooks),
                "modules": sorted(m for m, p in self.module_plugin.items() if p == name),
                "space_types": sorted(
                    s for s, info in self.space_types.items()
                    if getattr(info, "_plugin", None) == name),
            })
        return out

    def call(self, hookname, **kwargs) -> list:
        """Call the hook ``hookname`` with keyword arguments; return the list of results.

        The one way the core calls a hook. A space-scoped hook (declared with
        ``@space_hookspec``) needs ``space=`` and reaches only the plugins whose module
        is enabled in that space, or that provide no module. Raises ``TypeError`` when a
        space-scoped hook is called without ``space``."""
        if hookname in hookspecs.SPACE_SCOPED:
            space = kwargs.get("space")
            if space is None:
                raise TypeError(f"hook {hookname!r} is space-scoped: call it with space=")
            return self.pm.subset_hook_caller(hookname, self._excluded_in(space))(**kwargs)
        return getattr(self.pm.hook, hookname)(**kwargs)

    def _excluded_in(self, space):
        enabled = {c.module_name for c in space.modules.values() if c.enabled}
        return [self.plugins[p].module for m, p in self.module_plugin.items()
                if m not in enabled and self.module_is_only_provider(p, enabled)]

    def module_is_only_provider(self, plugin_name, enabled) -> bool:
        provided = [m for m, p in self.module_plugin.items() if p == plugin_name]
        return not any(m in enabled for m in provided)



def _check_api(name, module):
    wanted = getattr(module, "beffroi_api", None)
    if wanted is None:
        return
    try:
        spec = SpecifierSet(wanted)
    except InvalidSpecifier:
        raise PluginError(f"plugin {name!r}: beffroi_api {wanted!r} is not a version range "
                          f"(write for example '>=1.0,<2')") from None
    if Version(hookspecs.PLUGIN_API_VERSION) not in spec:
        raise PluginError(
            f"plugin {name!r} needs the Beffroi plugin API {wanted}, but this Beffroi "
            f"provides {hookspecs.PLUGIN_API_VERSION}: upgrade the plugin or Beffroi")


def _entry_points(exclude):
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in exclude:
            continue
        try:
            module = ep.load()
        except Exception as exc:  # any import failure must name the plugin
            raise PluginError(f"plugin {ep.name!r} ({ep.value}) could not be imported: "
                              f"{type(exc).__name__}: {exc}") from exc
        dist = ep.dist.name if ep.dist else ""
        version = ep.dist.version if ep.dist else ""
        yield ep.name, module, dist, version


def load_plugins(extra=(), load_entrypoints=True, exclude=()) -> PluginSet:
    """Build the plugin manager and validate every declaration, failing fast.

    ``extra`` is a sequence of ``(name, module)`` registered besides the entry
    points (tests use it); ``exclude`` names entry points to leave out.
    """
    pm = pluggy.PluginManager("beffroi")
    pm.add_hookspecs(hookspecs)
    records: dict[str, PluginRecord] = {}
    from beffroi import builtins   # the core's own features, through the same hooks
    found = [("beffroi", builtins, "beffroi", "")]
    found += list(_entry_points(set(exclude))) if load_entrypoints else []
    found += [(name, module, "", "") for name, module in extra]
    for name, module, dist, version in found:
        if name in records:
            raise PluginError(f"plugin {name!r} is registered twice; rename one entry point")
        _check_api(name, module)
        try:
            pm.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r}: {exc}") from exc
        records[name] = PluginRecord(name, dist, version, module)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = pm.get_name(exc.plugin) if exc.plugin is not None else "?"
        raise PluginError(f"plugin {plugin!r} implements an unknown hook: {exc}") from exc
    for name, rec in records.items():
        rec.hooks = [h.name for h in (pm.get_hookcallers(rec.module) or [])]
    return _collect(pm, records)


def _per_plugin(pm, hookname, *args):
    """Call a register_* hook plugin by plugin so errors can name the plugin."""
    caller = getattr(pm.hook, hookname)
    for impl in caller.get_hookimpls():
        try:
            result = impl.function(*args)
        except Exception as exc:
            raise PluginError(f"plugin {impl.plugin_name!r}: {hookname}() failed: "
                              f"{type(exc).__name__}: {exc}") from exc
        for item in result or ():
            yield impl.plugin_name, item


def _collect(pm, records) -> PluginSet:
    """Gather every plugin's declarations; refuse the first that breaks a rule of
    ``beffroi.contract`` (the same rules ``beffroi check-plugin`` reports) or collides
    with another plugin's."""
    declared = {}

    def expect(plugin, item, kind):
        if not isinstance(item, kind):
            raise PluginError(f"plugin {plugin!r} returned {item!r} where a {kind.__name__} is expected")

    for hookname in ("register_modules", "register_permissions", "register_evolve_steps"):
        for plugin, item in _per_plugin(pm, hookname):
            declared.setdefault(plugin, {}).setdefault(hookname, []).append(item)
    modules, module_plugin, permissions, steps = {}, {}, {}, []
    for plugin, found in declared.items():
        own_modules = found.get("register_modules", [])
        own_perms = found.get("register_permissions", [])
        own_steps = found.get("register_evolve_steps", [])
        problems = contract.all_problems(plugin, own_modules, own_perms, own_steps)
        if problems:
            raise PluginError(f"plugin {plugin!r}: {problems[0]}")
        for info in own_modules:
            if info.name in modules:
                raise PluginError(f"plugin {plugin!r}: module {info.name!r} is already provided "
                                  f"by plugin {module_plugin[info.name]!r}")
            modules[info.name] = info
            module_plugin[info.name] = plugin
        for perm in [p for m in own_modules for p in m.permissions] + own_perms:
            if perm.name in permissions:
                raise PluginError(f"plugin {plugin!r}: permission {perm.name!r} is declared twice")
            permissions[perm.name] = perm
        for step in [s for m in own_modules for s in m.evolve_steps] + own_steps:
            if any(s.name == step.name for s in steps):
                raise PluginError(f"plugin {plugin!r}: evolve step {step.name!r} is declared twice")
            steps.append(step)
    space_types, skins = {}, {}
    for plugin, info in _per_plugin(pm, "register_space_types"):
        expect(plugin, info, SpaceTypeInfo)
        if info.name in space_types:
            raise PluginError(f"plugin {plugin!r}: space type {info.name!r} is declared twice")
        object.__setattr__(info, "_plugin", plugin)
        space_types[info.name] = info
    for plugin, info in _per_plugin(pm, "register_skins"):
        expect(plugin, info, SkinInfo)
        if info.name in skins:
            raise PluginError(f"plugin {plugin!r}: skin {info.name!r} is declared twice")
        skins[info.name] = info
    steps.sort(key=lambda s: s.name)
    notifications = _collect_notifications(pm)
    return PluginSet(pm, records, modules, module_plugin, space_types, skins, permissions, steps,
                     notifications)


def _collect_notifications(pm) -> dict:
    from beffroi.infos import NotificationInfo
    kinds, out = {}, {}
    for plugin, info in _per_plugin(pm, "register_notifications"):
        if not isinstance(info, NotificationInfo):
            raise PluginError(f"plugin {plugin!r} returned {info!r} where a NotificationInfo "
                              f"is expected")
        if not NAMESPACED_RE.match(info.kind):
            raise PluginError(f"plugin {plugin!r}: notification kind {info.kind!r} must be "
                              f"namespaced like 'mymodule.answered'")
        if info.kind in kinds:
            raise PluginError(f"plugin {plugin!r}: notification kind {info.kind!r} is already "
                              f"declared by {kinds[info.kind]!r}")
        kinds[info.kind] = plugin
        out[info.kind] = info
    return out


def signature_of(func) -> str:
    return str(inspect.signature(func))
