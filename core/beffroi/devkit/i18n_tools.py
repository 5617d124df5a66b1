"""Gettext catalogs of the core, plugins and skins: extract (lingua), update and
compile (Babel), and check completeness. Run as ``python -m beffroi.devkit.i18n_tools``."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALES = ("fr", "en")
#: Each locale's plural rule (gettext ``Plural-Forms``): French puts 0 and 1 in the
#: singular, English 1 only. Written into every catalog by ``extract``.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
#: Plural messages (msgid + msgid_plural) lingua extracts: ``beffroi.i18n.pluralize(request,
#: singular, plural, n, ...)`` in Python and ``h.plural(singular, plural, n, ...)`` in
#: templates.
PLURAL_KEYWORDS = ("pluralize:2,3", "plural:1,2")


def find_domains(root: Path):
    """(domain, package dir) for every package of the tree that has a locale/ folder."""
    for locale_dir in sorted(root.glob("core/*/locale")) + sorted(root.glob("plugins/*/*/locale")) \
            + sorted(root.glob("skins/*/*/locale")):
        pots = list(locale_dir.glob("*.pot"))
        domain = pots[0].stem if pots else locale_dir.parent.name
        yield domain, locale_dir.parent


def po_path(package: Path, domain: str, locale: str) -> Path:
    return package / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"


def pot_create_command(domain: str, output: str, package: str) -> list[str]:
    """The ``pot-create`` command line writing ``domain``'s template (singular and
    plural messages) from the sources under ``package`` to ``output``."""
    keywords = [arg for spec in PLURAL_KEYWORDS for arg in ("-k", spec)]
    return [str(Path(sys.executable).parent / "pot-create"), "--domain", domain, *keywords,
            "-o", output, package]


def _set_plural_forms(catalog, locale: str):
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[locale])]


def message_id(message) -> str:
    """The singular msgid (a plural message's id is ``(singular, plural)``)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def extract(root: Path):
    """Write each domain's .pot from its sources and merge it into the fr and en catalogs."""
    for domain, package in find_domains(root):
        pot = package / "locale" / f"{domain}.pot"
        # relative paths, so the catalogs' references don't name this machine's folders
        subprocess.run(pot_create_command(domain, str(pot.relative_to(root)),
                                          str(package.relative_to(root))),
                       check=True, cwd=root)
        with pot.open("rb") as f:
            template = read_po(f)
        for locale in LOCALES:
            path = po_path(package, domain, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                with path.open("rb") as f:
                    catalog = read_po(f, locale=locale, domain=domain)
                catalog.update(template, no_fuzzy_matching=True)
            else:
                catalog = template
                catalog.locale = locale
            _set_plural_forms(catalog, locale)
            if locale == "en":      # English is the source language (singular, plural)
                for message in catalog:
                    if message.id and not message.string:
                        message.string = message.id
                    elif message.pluralizable and not any(message.string):
                        message.string = tuple(message.id)
            with path.open("wb") as f:
                write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True)
        print(f"{domain}: {len(template)} messages")


def compile_all(root: Path):
    count = 0
    for domain, package in find_domains(root):
        for locale in LOCALES:
            path = po_path(package, domain, locale)
            if not path.exists():
                continue
            with path.open("rb") as f:
                catalog = read_po(f, locale=locale, domain=domain)
            _set_plural_forms(catalog, locale)
            with path.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
            count += 1
    print(f"compiled {count} catalogs")


def incomplete(root: Path) -> dict[str, list[str]]:
    """Messages of each .pot lacking a translation, per catalog file (a plural message
    lacks one while any of its locale's forms is empty)."""
    missing = {}
    for domain, package in find_domains(root):
        pot = package / "locale" / f"{domain}.pot"
        with pot.open("rb") as f:
            wanted = {message_id(m) for m in read_po(f) if m.id}
        for locale in LOCALES:
            path = po_path(package, domain, locale)
            if not path.exists():
                missing[str(path)] = sorted(wanted)
                continue
            with path.open("rb") as f:
                catalog = read_po(f, locale=locale)
            have = {message_id(m) for m in catalog if m.id and not m.fuzzy and is_translated(m)}
            lacking = sorted(wanted - have)
            if lacking:
                missing[str(path)] = lacking
    return missing


def is_translated(message) -> bool:
    """Has ``message`` its translation (a plural message: both forms)?"""
    if isinstance(message.string, str):
        return bool(message.string) and not message.pluralizable
    return message.pluralizable and len(message.string) == 2 and all(message.string)


def wrong_plural_forms(root: Path) -> list[str]:
    """``path: Plural-Forms`` of every catalog whose plural rule is not its locale's
    (``PLURAL_FORMS``): French 0 and 1 would read "0 signatures" or "1 signatures"."""
    problems = []
    for domain, package in find_domains(root):
        for locale in LOCALES:
            path = po_path(package, domain, locale)
            if path.exists():
                with path.open("rb") as f:
                    catalog = read_po(f, locale=locale)
                if catalog.plural_forms != PLURAL_FORMS[locale]:
                    problems.append(f"{path}: Plural-Forms is {catalog.plural_forms!r}, "
                                    f"not {PLURAL_FORMS[locale]!r} (run extract)")
    return problems


def fill(root: Path, domain: str, locale: str, translations: dict[str, str | list[str]]):
    """Set translations in a domain's catalog: msgid → msgstr, or for a plural message
    singular msgid → ``[singular form, plural form]``. Return the msgids not found.
    Raises ``SystemExit`` for an unknown domain, ``ValueError`` for a plural message
    given one string (or a singular one given a list)."""
    for dom, package in find_domains(root):
        if dom != domain:
            continue
        path = po_path(package, domain, locale)
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale, domain=domain)
        unknown = []
        for msgid, msgstr in translations.items():
            message = catalog.get(msgid)
            if message is None:
                unknown.append(msgid)
                continue
            if message.pluralizable != isinstance(msgstr, list) or \
                    (isinstance(msgstr, list) and len(msgstr) != 2):
                raise ValueError(f"{msgid!r}: give " + ("[singular, plural]" if message.pluralizable
                                                       else "one string"))
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
            message.flags.discard("fuzzy")
        with path.open("wb") as f:
            write_po(f, catalog, width=100, ignore_obsolete=True)
        return unknown
    raise SystemExit(f"no domain {domain!r} (domains: {[d for d, _ in find_domains(root)]})")


#: Attributes a person reads (or hears, with a screen reader) that must be translated.
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "param", "source", "track", "wbr"}
_EXPRESSION = re.compile(r"\$\{[^}]*\}")
_PLURAL_IN_TEXT = re.compile(r"\$\{[^}]*\bplural\(")


def _catalog_ids(root: Path) -> dict[str, set[str]]:
    ids = {}
    for domain, package in find_domains(root):
        pot = package / "locale" / f"{domain}.pot"
        if pot.exists():
            with pot.open("rb") as f:
                ids[domain] = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    return ids


class _TemplateChecker(HTMLParser):
    """Walks one Chameleon template and notes what a translator would never see."""

    def __init__(self, path: Path, domain: str, catalogs: dict[str, set[str]]):
        super().__init__(convert_charrefs=True)
        self.path, self.catalogs = path, catalogs
        self.domains = [domain]
        self.problems: list[str] = []

    def _where(self):
        return f"{self.path}:{self.getpos()[0]}"

    def handle_starttag(self, tag, attrs):
        self._element(tag, dict(attrs), void=tag in VOID_ELEMENTS)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, dict(attrs), void=True)

    def _element(self, tag, attrs, void):
        domain = attrs.get("i18n:domain") or self.domains[-1]
        translated = {}
        for part in (attrs.get("i18n:attributes") or "").split(";"):
            words = part.split()
            if words:
                translated[words[0]] = words[1] if len(words) > 1 else None
        dynamic = {p.split()[0] for p in (attrs.get("tal:attributes") or "").split(";") if p.split()}
        for name in READ_ATTRIBUTES:
            value = attrs.get(name)
            if value is None or name in dynamic:
                continue
            text = " ".join(_EXPRESSION.sub("", value).split())
            if not any(c.isalpha() for c in text):
                continue                  # only an expression, or no words at all
            if name not in translated:
                self.problems.append(f"{self._where()}: <{tag} {name}=\"{value}\"> is not in "
                                     f"i18n:attributes")
                continue
            msgid = translated[name] or " ".join(value.split())
            if domain in self.catalogs and msgid not in self.catalogs[domain]:
                self.problems.append(f"{self._where()}: {name}=\"{value}\" is not in the catalog "
                                     f"of domain {domain!r} (i18n:domain)")
        if not void:
            self.domains.append(domain)

    def handle_data(self, data):
        if _PLURAL_IN_TEXT.search(data):
            self.problems.append(f"{self._where()}: h.plural(…) in a ${{…}} of the text is not "
                                 f"extracted (lingua reads only _() calls there): write it in "
                                 f"tal:replace or tal:content")

    def handle_endtag(self, tag):
        if tag not in VOID_ELEMENTS and len(self.domains) > 1:
            self.domains.pop()


def untranslated_attributes(root: Path) -> list[str]:
    """``path:line: problem`` for every attribute a person reads (``READ_ATTRIBUTES``)
    that a template of the tree leaves out of the catalogs: text not marked with
    ``i18n:attributes``, or marked under an ``i18n:domain`` whose catalog lacks it."""
    catalogs = _catalog_ids(root)
    problems = []
    for domain, package in find_domains(root):
        for template in sorted(package.rglob("*.pt")):
            if "deform" in template.parts:
                continue      # deform's own templates, overridden: translated by deform's domain
            checker = _TemplateChecker(template.relative_to(root), domain, catalogs)
            checker.feed(template.read_text(encoding="utf-8"))
            checker.close()
            problems.extend(checker.problems)
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m beffroi.devkit.i18n_tools")
    parser.add_argument("action", choices=("extract", "compile", "check", "fill"))
    parser.add_argument("--root", default=".")
    parser.add_argument("--domain", help="with fill: the gettext domain")
    parser.add_argument("--locale", default="fr", help="with fill: the catalog's locale")
    parser.add_argument("--json", help="with fill: a JSON file {msgid: translation}, or for a "
                        "plural message {singular msgid: [singular, plural]}")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.action == "extract":
        extract(root)
    elif args.action == "fill":
        import json
        with open(args.json, encoding="utf-8") as f:
            unknown = fill(root, args.domain, args.locale, json.load(f))
        for msgid in unknown:
            print(f"not in the catalog (run extract first?): {msgid!r}")
    elif args.action == "compile":
        compile_all(root)
    else:
        missing = incomplete(root)
        for path, ids in missing.items():
            print(f"{path}: {len(ids)} untranslated, e.g. {ids[:3]}")
        attributes = untranslated_attributes(root) + wrong_plural_forms(root)
        for problem in attributes:
            print(problem)
        return 1 if missing or attributes else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
