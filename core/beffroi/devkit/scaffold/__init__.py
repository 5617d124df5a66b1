"""``beffroi new-plugin``: write a new plugin distribution from the templates beside this file.

The templates (``template/**.tmpl``) hold ``{{name}}``, ``{{package}}``, ``{{dist}}`` and
``{{title}}`` placeholders; the folder ``package`` becomes ``beffroi_<name>``. After the
files are written, the translation catalog is extracted from them (lingua), the
French translations of ``fr.json.tmpl`` are filled in and the catalogs compiled
(Babel), so the generated plugin's pages are translated and its tests pass at once.
"""
from __future__ import annotations

import json
import keyword
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from beffroi.infos import NAME_RE

TEMPLATE_DIR = Path(__file__).parent / "template"
LOCALES = ("fr", "en")
#: Data files of the scaffold itself, not copied into the plugin.
NOT_COPIED = {"fr.json.tmpl"}
#: Files named after the module in the generated plugin.
RENAMED = {"test_module.py": "test_{name}.py", "module.css": "{name}.css"}
#: Names a plugin cannot take: they clash with the core or Python.
RESERVED = {"core", "admin", "testing", "static", "skin", "plugins", "test", "tests"}


class ScaffoldError(ValueError):
    """The plugin cannot be created (bad name, folder exists); the message says why."""


@dataclass(frozen=True)
class Names:
    """Every spelling of the plugin's name the templates use."""
    name: str           # entry point and module name: "petitions"
    package: str        # import name: "beffroi_petitions"
    dist: str           # distribution on PyPI: "beffroi-petitions"
    title: str          # module title shown to people: "Petitions"

    def substitute(self, text: str) -> str:
        for key in ("name", "package", "dist", "title"):
            text = text.replace("{{" + key + "}}", getattr(self, key))
        return text


def check_name(name: str) -> Names:
    """Validate ``name`` and derive the other spellings, or raise ``ScaffoldError``."""
    if not NAME_RE.match(name or ""):
        raise ScaffoldError(
            f"{name!r} is not a valid plugin name: use 2 to 41 lowercase letters, digits and "
            f"'_', starting with a letter (for example 'petitions' or 'local_events')")
    if name.startswith("beffroi"):
        raise ScaffoldError(f"{name!r}: leave out the 'beffroi' prefix, it is added for you "
                            f"(the package will be beffroi_{name.removeprefix('beffroi_')})")
    if keyword.iskeyword(name) or name in RESERVED:
        raise ScaffoldError(f"{name!r} is reserved; choose another name")
    title = name.replace("_", " ").capitalize()
    return Names(name, f"beffroi_{name}", f"beffroi-{name.replace('_', '-')}", title)


def create_plugin(name: str, directory: str | Path | None = None, out=print) -> Path:
    """Write the plugin ``name`` into ``directory`` (default ``./beffroi-<name>``), a
    folder that must not exist yet; return its path."""
    names = check_name(name)
    _check_not_installed(names)
    target = Path(directory) if directory else Path.cwd() / names.dist
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another folder with --directory "
                            f"(new-plugin never writes into an existing folder)")
    if not target.parent.is_dir():
        raise ScaffoldError(f"{target.parent} is not a folder; create it first")
    written = []
    try:
        for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
            relative = source.relative_to(TEMPLATE_DIR)
            if str(relative) in NOT_COPIED:
                continue
            parts = [names.package if p == "package" else p for p in relative.parts]
            parts[-1] = parts[-1].removesuffix(".tmpl")
            if parts[-1] in RENAMED:
                parts[-1] = RENAMED[parts[-1]].format(name=names.name)
            dest = target.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(names.substitute(source.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(dest)
        translations = json.loads(names.substitute(
            (TEMPLATE_DIR / "fr.json.tmpl").read_text(encoding="utf-8")))
        build_catalogs(target / names.package, names.package, {"fr": translations})
    except Exception:
        # no half-written plugin: remove what was created, then report
        import shutil
        shutil.rmtree(target, ignore_errors=True)
        raise
    out(f"created the plugin {names.name!r} in {target}")
    return target


def _check_not_installed(names: Names):
    """Refuse a name an installed plugin or package already uses: both would clash."""
    import importlib.metadata
    import importlib.util
    taken = {ep.name for ep in importlib.metadata.entry_points(group="beffroi")}
    if names.name in taken or importlib.util.find_spec(names.package) is not None:
        raise ScaffoldError(f"{names.name!r} is already taken by an installed plugin "
                            f"(see `beffroi plugins`); choose another name")


def extract_pot(package_dir: Path, domain: str, pot: Path) -> None:
    """Write the .pot of ``domain`` from the package's Python files and templates (lingua)."""
    pot_create = Path(sys.executable).parent / "pot-create"
    command = [str(pot_create)] if pot_create.exists() else \
        [sys.executable, "-c", "from lingua.extract import main; main()"]
    from beffroi.devkit.i18n_tools import PLURAL_KEYWORDS
    keywords = [arg for spec in PLURAL_KEYWORDS for arg in ("-k", spec)]
    # run beside the package so the .pot names files by relative paths
    subprocess.run(command + ["--domain", domain, *keywords, "-o", str(pot.resolve()), package_dir.name],
                   cwd=package_dir.parent, check=True, capture_output=True, text=True)


def build_catalogs(package_dir: Path, domain: str, translations: dict[str, dict[str, str]]):
    """Extract the .pot, write an fr and an en .po (English filled from the msgids, the
    other locales from ``translations``) and compile the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    from beffroi.devkit.i18n_tools import PLURAL_FORMS
    locale_dir = package_dir / "locale"
    locale_dir.mkdir(parents=True, exist_ok=True)
    pot = locale_dir / f"{domain}.pot"
    extract_pot(package_dir, domain, pot)
    for locale in LOCALES:
        with pot.open("rb") as f:
            catalog = read_po(f, locale=locale, domain=domain)
        catalog.project, catalog.version = domain, "0.1.0"
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[locale])]
        wanted = translations.get(locale, {})
        for message in catalog:
            if not message.id:
                continue
            message.string = message.id if locale == "en" else wanted.get(message.id, "")
        po = locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as f:
            write_po(f, catalog, width=100)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
