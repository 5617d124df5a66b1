"""Compile every page template at start-up, so that no first visit waits on Chameleon.

Chameleon compiles a template into Python the first time it renders it: 50–300 ms
per page type on these machines, seconds under load. ``beffroi.app.main`` (the
PasteDeploy entry point of pserve) calls ``precompile_from_settings`` once the
configuration is committed, before the server takes any request, unless
``beffroi.precompile_templates = false``. (Compiling in a thread while serving was
tried: under load the first visits then wait as long as without it.)
``precompile_templates`` cooks, in the renderers Pyramid will use, every ``.pt`` file
of the core, of each plugin and skin package, and deform's widget templates. Setting
``CHAMELEON_CACHE`` to an existing folder (``make serve`` uses var/chameleon) also
keeps the compiled code on disk between runs: about 3 s of compilation at the first
start, 0.3 s at the next ones (bench/first_visit.py).
"""
from __future__ import annotations

import logging
import threading
import time
from importlib.resources import files
from pathlib import Path

log = logging.getLogger(__name__)


def template_specs(packages) -> list[str]:
    """Asset specs (``package:path/name.pt``) of the page templates in ``packages``
    (top-level package names), tests and scaffolds left out."""
    specs = []
    for package in dict.fromkeys(packages):
        try:
            root = Path(str(files(package)))
        except (ModuleNotFoundError, TypeError):
            continue
        for path in sorted(root.rglob("*.pt")):
            relative = path.relative_to(root)
            if {"tests", "scaffold", "deform"} & set(relative.parts[:-1]):
                continue
            specs.append(f"{package}:{relative.as_posix()}")
    return specs


def _plugin_packages(registry) -> list[str]:
    plugins = getattr(registry, "beffroi", None)
    if plugins is None:
        return []
    return [module.__name__.split(".")[0] for _, module in plugins.pm.list_name_plugin()
            if getattr(module, "__name__", None)]


def _deform_templates():
    """(renderer, template name) of every deform widget template on its search path,
    but the read-only ones, which Beffroi's forms do not use."""
    import deform
    renderer = deform.Form.default_renderer
    names = {}
    for folder in getattr(renderer.loader, "search_path", ()):
        for path in Path(folder).rglob("*.pt"):
            name = path.relative_to(folder).with_suffix("").as_posix()
            if not name.startswith("readonly/"):
                names.setdefault(name, renderer)
    return [(renderer, name) for name, renderer in sorted(names.items())]


def precompile_templates(registry) -> int:
    """Compile the templates of the core, the plugins, the skins and deform in the
    renderers of ``registry`` (a committed Pyramid registry); return how many. A
    template that does not compile is logged with its name and left for its first
    visit to report."""
    from pyramid.renderers import RendererHelper
    start, count = time.perf_counter(), 0
    for spec in template_specs(["beffroi", *_plugin_packages(registry)]):
        try:
            RendererHelper(name=spec, registry=registry).renderer.implementation().cook_check()
            count += 1
        except Exception as exc:              # the page that uses it will show the error
            log.warning("template %s does not compile: %s", spec, exc)
    for renderer, name in _deform_templates():
        try:
            renderer.load(name).cook_check()
            count += 1
        except Exception as exc:
            log.warning("deform template %s does not compile: %s", name, exc)
    log.info("%d templates compiled in %.1f s", count, time.perf_counter() - start)
    return count


def precompile_from_settings(registry, settings) -> bool:
    """Run ``precompile_templates`` unless ``beffroi.precompile_templates`` is false;
    return whether it ran."""
    from pyramid.settings import asbool
    if not asbool(settings.get("beffroi.precompile_templates", True)):
        return False
    precompile_templates(registry)
    return True


_COMPILING = threading.RLock()


def serialise_template_compilation() -> None:
    """Let one thread at a time compile a Chameleon template (rendering stays parallel).

    Chameleon compiles a template the first time it renders it — the page templates are
    compiled at start-up (above), but a template reached through ``load:`` (the comment
    fields) or a plugin's own loader is compiled by the first request that shows it.
    CPython 3.11's AST constructor is not safe when several threads build ASTs at once
    (``SystemError: AST constructor recursion depth mismatch``, CPython gh-106905): two
    first visits at the same moment answered 500 in ``bench/load.py``. Called by
    ``beffroi.app.make_config``; idempotent."""
    from chameleon.template import BaseTemplate
    cook = BaseTemplate._cook
    if getattr(cook, "serialised", False):
        return

    def _cook(self, *args, **kwargs):
        with _COMPILING:
            return cook(self, *args, **kwargs)
    _cook.serialised = True
    BaseTemplate._cook = _cook
