"""The rules a plugin's declarations follow: one rule set, applied at start-up (the host
refuses the plugin, naming the first problem) and by ``beffroi check-plugin`` (which
reports every problem, rule by rule).

Each function takes one plugin's declarations and returns a list of problems, each a
sentence saying what to fix; an empty list means the rule holds.
"""
from __future__ import annotations

from beffroi.infos import (
    NAME_RE, NAMESPACED_RE, SPACE_ROLES, EvolveStep, ModuleInfo, PermissionInfo,
)

INDEX_KINDS = ("field", "keyword", "text")
GRANTABLE = SPACE_ROLES + ("authenticated", "everyone")


def module_problems(modules) -> list[str]:
    """Every item is a ``ModuleInfo`` whose name is lowercase letters, digits and ``_``."""
    problems = []
    for info in modules:
        if not isinstance(info, ModuleInfo):
            problems.append(f"{info!r} is not a ModuleInfo (from beffroi import ModuleInfo)")
        elif not NAME_RE.match(info.name):
            problems.append(f"module name {info.name!r} must be lowercase letters, digits and "
                            f"'_' (2 to 41 characters)")
    names = [m.name for m in modules if isinstance(m, ModuleInfo)]
    return problems + [f"module {n!r} is declared twice" for n in sorted(set(names))
                       if names.count(n) > 1]


def permission_problems(plugin, modules, extra) -> list[str]:
    """Permissions are ``PermissionInfo``, namespaced by their module (or the plugin for
    those of ``register_permissions``), grant known roles, and are declared once."""
    perms = [(m.name, p) for m in modules for p in m.permissions] + [(None, p) for p in extra]
    problems = []
    for owner, perm in perms:
        if not isinstance(perm, PermissionInfo):
            problems.append(f"{perm!r} is not a PermissionInfo")
            continue
        prefix = owner or plugin
        if not NAMESPACED_RE.match(perm.name) or (owner and not perm.name.startswith(owner + ".")):
            problems.append(f"permission {perm.name!r} must be namespaced like "
                            f"'{prefix}.{perm.name.rsplit('.', 1)[-1]}'")
        bad = [r for r in perm.roles if r not in GRANTABLE]
        if bad:
            problems.append(f"permission {perm.name!r} grants unknown roles {bad}; use "
                            f"{list(GRANTABLE)}")
    names = [p.name for _, p in perms if isinstance(p, PermissionInfo)]
    return problems + [f"permission {n!r} is declared twice" for n in sorted(set(names))
                       if names.count(n) > 1]


def index_problems(modules) -> list[str]:
    """Catalog indexes are namespaced by their module, of a known kind, and callable."""
    problems = []
    for info in modules:
        for index in info.indexes:
            if not index.name.startswith(info.name + ".") or not NAMESPACED_RE.match(index.name):
                problems.append(f"index {index.name!r} must be namespaced "
                                f"'{info.name}.{index.name.rsplit('.', 1)[-1]}'")
            if index.kind not in INDEX_KINDS:
                problems.append(f"index {index.name!r} has kind {index.kind!r}; use one of "
                                f"{list(INDEX_KINDS)}")
            if not callable(index.discriminator):
                problems.append(f"index {index.name!r}: the discriminator is not callable")
    return problems


def schema_problems(modules) -> list[str]:
    """Settings schemas build and serialise their defaults."""
    import colander
    problems = []
    for info in modules:
        for attr in ("settings_schema", "phase_settings_schema"):
            factory = getattr(info, attr)
            if factory is None:
                continue
            try:
                schema = factory()
                if not isinstance(schema, colander.SchemaNode):
                    raise TypeError(f"returned {type(schema).__name__}, not a colander schema")
                schema.bind().deserialize(schema.serialize({}))
            except colander.Invalid:
                pass        # required fields without defaults are allowed; the schema builds
            except Exception as exc:
                problems.append(f"module {info.name!r}: {attr} does not build: "
                                f"{type(exc).__name__}: {exc}")
    return problems


def step_problems(plugin, modules, extra) -> list[str]:
    """Evolve steps are ``EvolveStep``, namespaced by a module (or the plugin), callable,
    declared in name order (the order they run in) and once."""
    namespaces = [m.name for m in modules] + [plugin]
    steps = [s for m in modules for s in m.evolve_steps] + list(extra)
    problems = [f"{s!r} is not an EvolveStep" for s in steps if not isinstance(s, EvolveStep)]
    steps = [s for s in steps if isinstance(s, EvolveStep)]
    for step in steps:
        if not NAMESPACED_RE.match(step.name) or step.name.split(".")[0] not in namespaces:
            problems.append(f"evolve step {step.name!r} must be namespaced by the module, "
                            f"like '{namespaces[0]}.0001_what_it_does'")
        if not callable(step.run):
            problems.append(f"evolve step {step.name!r}: run is not callable")
    names = [s.name for s in steps]
    if names != sorted(names):
        problems.append(f"evolve steps run in name order, but are declared as {names}: "
                        f"number them (0001_, 0002_ …) in the order they must run")
    return problems + [f"evolve step {n!r} is declared twice" for n in sorted(set(names))
                       if names.count(n) > 1]


def all_problems(plugin, modules, permissions, steps) -> list[str]:
    """Every rule above, in order; what start-up applies to each plugin."""
    problems = module_problems(modules)
    if problems:
        return problems
    return (permission_problems(plugin, modules, permissions) + index_problems(modules)
            + schema_problems(modules) + step_problems(plugin, modules, steps))
