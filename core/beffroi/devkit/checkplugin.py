"""``beffroi check-plugin NAME``: check a plugin against the contract, with a readable report.

Each check prints a ✓ or ✗ line, and for a ✗ what to fix. The checks are the ones
Beffroi applies at start-up (hook names and signatures, namespaced permissions,
indexes and evolve steps, schemas that build, a compatible ``beffroi_api``) plus
those that would otherwise fail only on some page or in some language: every
template compiles, the fr and en catalogs exist, are complete and compiled, and the
.pot matches the sources.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from beffroi import hookspecs
from beffroi import contract
from beffroi.plugins import ENTRY_POINT_GROUP, PluginError

LOCALES = ("fr", "en")
OK, FAIL, SKIP = "✓", "✗", "–"


@dataclass
class Line:
    mark: str
    title: str
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of every check, in order."""
    plugin: str
    lines: list[Line] = field(default_factory=list)

    def add(self, ok, title, details=()):
        mark = SKIP if ok is None else (OK if ok else FAIL)
        self.lines.append(Line(mark, title, list(details)))

    @property
    def failures(self) -> int:
        return sum(1 for line in self.lines if line.mark == FAIL)

    @property
    def ok(self) -> bool:
        return self.failures == 0

    def render(self) -> str:
        out = [f"Checking the plugin {self.plugin!r} against the Beffroi plugin contract "
               f"(API {hookspecs.PLUGIN_API_VERSION})"]
        for line in self.lines:
            out.append(f"{line.mark} {line.title}")
            for detail in line.details:
                first, *rest = detail.splitlines() or [""]
                out.append(f"    {first}")
                out.extend(f"      {more}" for more in rest)
        out.append("All checks passed." if self.ok else
                   f"{self.failures} check(s) failed: fix the lines marked {FAIL}.")
        return "\n".join(out)


def find_plugin(name: str):
    """(plugin name, module, distribution label) for an entry-point name or import path."""
    eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    for ep in eps:
        if ep.name == name or ep.value == name:
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else ""
            return ep.name, ep.load(), dist
    module = importlib.import_module(name)
    return name.rsplit(".", 1)[-1].removeprefix("beffroi_"), module, ""


def check_plugin(name: str) -> Report:
    """Run every check on the plugin ``name`` and return the report."""
    report = Report(name)
    try:
        plugin, module, dist = find_plugin(name)
    except Exception as exc:
        report.add(False, f"import {name}", [
            f"{type(exc).__name__}: {exc}",
            "give the entry-point name (see `beffroi plugins`) or an importable module path; "
            "an installed plugin must import without errors"])
        return report
    report.plugin = plugin
    report.add(True, f"imports: {module.__name__}" + (f" ({dist})" if dist else ""))
    _check_api(report, module)
    hooks_ok = _check_hooks(report, plugin, module)
    modules = _check_declarations(report, plugin, module)
    if hooks_ok and modules is not None:
        _check_loads(report, plugin, module)
    package_dir = _package_dir(module)
    _check_imports(report, package_dir)
    _check_templates(report, package_dir)
    _check_translations(report, package_dir, plugin)
    return report


def _check_api(report, module):
    wanted = getattr(module, "beffroi_api", None)
    if wanted is None:
        report.add(False, "beffroi_api is not declared", [
            f'add `beffroi_api = ">=2.0,<3"` to {module.__name__} (the plugin API versions it '
            f"supports) so an incompatible Beffroi refuses it instead of breaking"])
        return
    try:
        spec = SpecifierSet(wanted)
    except InvalidSpecifier:
        report.add(False, f"beffroi_api {wanted!r} is not a version range",
                   ['write a range such as ">=2.0,<3"'])
        return
    current = hookspecs.PLUGIN_API_VERSION
    if Version(current) in spec:
        report.add(True, f"beffroi_api {wanted!r} accepts this Beffroi's plugin API {current}")
    else:
        report.add(False, f"beffroi_api {wanted!r} excludes this Beffroi's plugin API {current}",
                   ["Beffroi refuses the plugin at start-up: adapt the plugin to API "
                    f"{current} and widen the range, or install a matching Beffroi"])


def _hookspec_names():
    return {n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(f, "beffroi_spec")}


def _check_hooks(report, plugin, module) -> bool:
    specs = _hookspec_names()
    pm = pluggy.PluginManager("beffroi")
    pm.add_hookspecs(hookspecs)
    marked = sorted(n for n, f in vars(module).items() if callable(f) and hasattr(f, "beffroi_impl"))
    unmarked = sorted(n for n, f in vars(module).items()
                      if n in specs and inspect.isfunction(f) and not hasattr(f, "beffroi_impl"))
    problems = []
    try:
        pm.register(module, name=plugin)    # pluggy checks each hook's arguments
    except pluggy.PluginValidationError as exc:
        problems.append(str(exc).strip())
    unknown = sorted(set(marked) - specs)
    if unknown:
        problems.append(f"unknown hook(s) {unknown}: check the spelling against "
                        f"`beffroi hooks` (docs/plugins.md)")
    for name in unmarked:
        problems.append(f"{name}() is not decorated with @hookimpl (from beffroi import "
                        f"hookimpl), so Beffroi never calls it")
    if not marked and not problems:
        problems.append("the module implements no hook: decorate functions with @hookimpl")
    if problems:
        report.add(False, "hooks match hookspecs.py", problems)
        return False
    report.add(True, f"hooks: {', '.join(marked)} (names and arguments match hookspecs.py)")
    return True


def _call(module, hookname):
    func = getattr(module, hookname, None)
    if func is None or not hasattr(func, "beffroi_impl"):
        return []
    return list(func() or ())


def _check_declarations(report, plugin, module):
    """The rules of ``beffroi.contract``, as start-up applies them, one line per rule;
    None when the declarations cannot be read."""
    try:
        modules = _call(module, "register_modules")
        extra_perms = _call(module, "register_permissions")
        extra_steps = _call(module, "register_evolve_steps")
    except Exception as exc:
        report.add(False, "register_* hooks run", [f"{type(exc).__name__}: {exc}"])
        return None
    problems = contract.module_problems(modules)
    if problems:
        report.add(False, "register_modules returns ModuleInfo", problems)
        return None
    perms = [p for m in modules for p in m.permissions] + list(extra_perms)
    _add(report, f"permissions namespaced ({len(perms)})",
         contract.permission_problems(plugin, modules, extra_perms))
    _add(report, f"catalog indexes namespaced ({sum(len(m.indexes) for m in modules)})",
         contract.index_problems(modules))
    schemas = sum(1 for m in modules for f in (m.settings_schema, m.phase_settings_schema) if f)
    _add(report, f"settings schemas build ({schemas})", contract.schema_problems(modules))
    steps = [s for m in modules for s in m.evolve_steps] + list(extra_steps)
    _add(report, f"evolve steps ordered and namespaced ({len(steps)})",
         contract.step_problems(plugin, modules, extra_steps))
    return modules


def _check_loads(report, plugin, module):
    """The contract exactly as start-up applies it, beside the other installed plugins."""
    from beffroi.plugins import load_plugins
    try:
        load_plugins(extra=[(plugin, module)], exclude=[plugin])
    except PluginError as exc:
        report.add(False, "loads beside the installed plugins", [str(exc)])
        return
    report.add(True, "loads beside the installed plugins (as at start-up)")


def _add(report, title, problems):
    report.add(not problems, title, problems)


def _package_dir(module) -> Path | None:
    path = getattr(module, "__file__", None)
    if not path:
        return None
    return Path(path).parent if Path(path).name == "__init__.py" else None


def private_imports(package_dir: Path) -> list[str]:
    """Imports of Beffroi's core outside the public toolkit (``beffroi`` and
    ``beffroi.api``) in the package's Python files, tests excluded, as
    ``"path:line: import"`` strings (empty when there is none)."""
    import ast

    import beffroi
    from beffroi.api import PUBLIC_MODULES
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        if "tests" in path.relative_to(package_dir).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.split(".")[0] == "beffroi"
                         and a.name not in PUBLIC_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] == "beffroi":
                if node.module not in PUBLIC_MODULES:
                    names = [node.module]
                elif node.module == "beffroi":
                    names = [f"beffroi.{a.name}" for a in node.names
                             if a.name not in beffroi.__all__]
            found += [f"{path.relative_to(package_dir)}:{node.lineno}: {n}" for n in names]
    return found


def _check_imports(report, package_dir):
    if package_dir is None:
        return
    problems = private_imports(package_dir)
    if problems:
        problems.append("import from `beffroi` and `beffroi.api` only (the public toolkit, "
                        "covered by beffroi_api); ask for what is missing in an issue")
    _add(report, "imports only the public toolkit (beffroi, beffroi.api)", problems)


def _check_templates(report, package_dir):
    if package_dir is None:
        report.add(None, "templates: a single-module plugin has none")
        return
    from chameleon import PageTemplateFile
    templates = sorted(package_dir.rglob("*.pt"))
    problems = []
    for path in templates:
        try:
            PageTemplateFile(str(path)).cook_check()
        except Exception as exc:
            message = " ".join(str(exc).split())[:400]
            problems.append(f"{path.relative_to(package_dir)}: {type(exc).__name__}: {message}")
    _add(report, f"templates compile ({len(templates)})", problems)


def _check_translations(report, package_dir, plugin):
    from babel.messages.pofile import read_po
    if package_dir is None:
        report.add(None, "translations: a single-module plugin has no catalog")
        return
    locale_dir = package_dir / "locale"
    pots = sorted(locale_dir.glob("*.pot"))
    if not pots:
        report.add(False, "translation catalog exists", [
            f"no {package_dir.name}/locale/{package_dir.name}.pot: create it with "
            f"`pot-create -d {package_dir.name} -o {package_dir.name}/locale/"
            f"{package_dir.name}.pot {package_dir.name}`, then fr and en .po files"])
        return
    from beffroi.devkit.i18n_tools import message_id, is_translated
    pot = pots[0]
    domain = pot.stem
    with pot.open("rb") as f:
        wanted = {message_id(m) for m in read_po(f) if m.id}
    problems = []
    for locale in LOCALES:
        po = locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            problems.append(f"{po.relative_to(package_dir)} is missing: `pybabel init -D {domain} "
                            f"-i {pot.relative_to(package_dir.parent)} -d "
                            f"{locale_dir.relative_to(package_dir.parent)} -l {locale}`")
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        have = {message_id(m) for m in catalog if m.id and not m.fuzzy and is_translated(m)}
        lacking = sorted(wanted - have)
        if lacking:
            problems.append(f"{po.relative_to(package_dir)}: {len(lacking)} untranslated "
                            f"message(s), e.g. {lacking[:3]}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            problems.append(f"{mo.relative_to(package_dir)} is missing or older than the .po: "
                            f"`pybabel compile -D {domain} -d "
                            f"{locale_dir.relative_to(package_dir.parent)}`")
    _add(report, f"translations complete for {', '.join(LOCALES)} (domain {domain}, "
                 f"{len(wanted)} messages)", problems)
    _check_pot_fresh(report, package_dir, domain, wanted)


def _check_pot_fresh(report, package_dir, domain, wanted):
    from babel.messages.pofile import read_po
    try:
        import lingua  # noqa: F401  (only to know whether extraction is possible)
    except ImportError:
        report.add(None, ".pot freshness not checked: lingua is not installed")
        return
    from beffroi.devkit.scaffold import extract_pot
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / f"{domain}.pot"
        try:
            extract_pot(package_dir, domain, fresh)
        except Exception as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            report.add(False, ".pot can be extracted from the sources", [detail.strip()[:400]])
            return
        with fresh.open("rb") as f:
            found = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    new, gone = sorted(found - wanted), sorted(wanted - found)
    problems = []
    if new:
        problems.append(f"{len(new)} string(s) of the sources are not in the .pot, e.g. {new[:3]}")
    if gone:
        problems.append(f"{len(gone)} message(s) of the .pot are no longer in the sources, "
                        f"e.g. {gone[:3]}")
    if problems:
        problems.append(f"regenerate it: `pot-create -d {domain} -k pluralize:2,3 -k plural:1,2 -o {package_dir.name}/locale/"
                        f"{domain}.pot {package_dir.name}`, then `pybabel update` and translate")
    _add(report, ".pot up to date with the sources", problems)


def main(argv=None) -> int:
    """``python -m beffroi.devkit.checkplugin NAME``: the report even when an installed plugin is
    so broken that the ``beffroi`` command cannot start."""
    import sys
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m beffroi.devkit.checkplugin NAME (entry-point name or import path)",
              file=sys.stderr)
        return 2
    report = check_plugin(args[0])
    print(report.render())
    return 0 if report.ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
