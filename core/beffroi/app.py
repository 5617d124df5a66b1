"""The WSGI application: settings → plugins → Pyramid configuration."""
from __future__ import annotations

import os
import secrets
import sys

from pyramid.config import Configurator
from pyramid.settings import asbool, aslist
from pyramid.tweens import INGRESS

from beffroi.catalog import register_discriminators
from beffroi.evolve import sync_indexes
from beffroi.ops.health import parse_networks
from beffroi.i18n import locale_negotiator
from beffroi.ops.jobs_core import core_jobs
from beffroi.ops.precompile import serialise_template_compilation
from beffroi.plugins import PluginSet, load_plugins
from beffroi.resources.root import bootstrap
from beffroi.security import SecurityPolicy, load_user
from beffroi.accounts.session_cookie import session_factory
from beffroi.tenancy import request_organisation, root_factory
from beffroi.urls import public_base
from beffroi.tweens import add_cache_busters


def _extra_plugins(value):
    """``beffroi.extra_plugins``: (name, module) pairs, or import paths in an .ini."""
    if isinstance(value, str):
        import importlib
        modules = [importlib.import_module(path) for path in value.split()]
        return [(m.__name__.rpartition(".")[2].removeprefix("beffroi_"), m) for m in modules]
    return value


def plugins_from_settings(settings) -> PluginSet:
    return load_plugins(
        extra=_extra_plugins(settings.get("beffroi.extra_plugins", ())),
        load_entrypoints=asbool(settings.get("beffroi.load_entrypoints", True)),
        exclude=aslist(settings.get("beffroi.plugins.exclude", "")),
    )


def open_database(settings, serve=False):
    """The ZODB database named by ``zodbconn.uri`` (or a DB object given by tests).

    With ``serve`` (app processes), a FileStorage is also served to the commands
    (``beffroi.ops.database``) and closed at shutdown. Raises ``DatabaseUnavailable``."""
    if settings.get("beffroi.db") is not None:
        return settings["beffroi.db"]
    from beffroi.ops.database import DatabaseUnavailable
    from beffroi.ops.database import open_database as open_uri
    from beffroi.ops.serving import at_shutdown
    uri = settings.get("zodbconn.uri")
    if not uri:
        raise DatabaseUnavailable(
            "zodbconn.uri is missing from the settings: name a database, "
            "e.g. file://%(here)s/var/Data.fs?blobstorage_dir=%(here)s/var/blobs")
    db, server = open_uri(uri, serve=serve)
    if serve:
        if server is not None:
            at_shutdown(server.close)          # runs after db.close (newest first)
        at_shutdown(db.close)
    return db


def session_secret(settings):
    secret = settings.get("beffroi.secret", "")
    if not secret or secret == "change-me":
        if asbool(settings.get("beffroi.require_secret", False)):
            raise ValueError("beffroi.secret must be set to a long random string in production")
        secret = secrets.token_hex(32)          # sessions then end with the process
    return secret


def make_config(settings, serve_database=False) -> Configurator:
    settings = dict(settings)
    settings.setdefault("pyramid.default_locale_name", "fr")
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    settings.setdefault("retry.attempts", "10")
    serialise_template_compilation()            # CPython 3.11: one AST builder at a time
    public_base(settings, "localhost")          # a bad beffroi.url_scheme/url_port fails here
    plugins = plugins_from_settings(settings)
    config = Configurator(settings=settings, root_factory=root_factory)
    config.registry.beffroi = plugins
    config.registry.beffroi_health_networks = parse_networks(settings.get("beffroi.health_details_from"))
    config.registry.beffroi_jobs = core_jobs(settings)     # run by main(); plugins may add
    db = open_database(settings, serve=serve_database)
    config.registry._zodb_databases = {"": db}
    bootstrap(db, plugins.evolve_steps)
    register_discriminators(plugins)
    sync_indexes(db)

    config.add_tween("beffroi.ops.requestlog.request_log_tween_factory", under=INGRESS)
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.include("beffroi.ops.retries")
    config.include("pyramid_chameleon")
    config.add_request_method(request_organisation, "organisation", reify=True)
    config.add_request_method(load_user, "user", reify=True)

    config.set_session_factory(session_factory(session_secret(settings), settings))
    config.set_security_policy(SecurityPolicy())
    config.set_default_csrf_options(require_csrf=True)

    config.add_translation_dirs("colander:locale/", "deform:locale/", "beffroi:locale/")
    config.set_locale_negotiator(locale_negotiator)
    config.include("beffroi.views")
    config.include("beffroi.forms")
    for skin in plugins.skins.values():
        config.add_static_view(f"-/skin/{skin.name}", skin.static, cache_max_age=3600)
    from beffroi.kit import configure_modules
    configure_modules(config, plugins)
    plugins.call("on_configure", config=config)
    add_cache_busters(config)
    return config


def main(global_config=None, **settings):
    """PasteDeploy entry point (``pserve development.ini``): an app process, which
    serves a FileStorage to the commands, runs the periodic jobs (setting ``beffroi.jobs``,
    default true) and closes the database when it stops (``beffroi.ops.serving``)."""
    from beffroi.ops.database import DatabaseUnavailable
    here = (global_config or {}).get("here", os.getcwd())
    settings.setdefault("here", here)
    try:
        config = make_config(settings, serve_database=True)
        app = config.make_wsgi_app()
    except DatabaseUnavailable as exc:       # what to do, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from beffroi.ops.precompile import precompile_from_settings
    precompile_from_settings(config.registry, settings)    # no first visit waits on Chameleon
    # a server process runs the jobs; an app made on a given database (tests, embedding)
    # runs them only when asked
    if asbool(settings.get("beffroi.jobs", settings.get("beffroi.db") is None)):
        start_jobs(app.registry)
    return app


def start_jobs(registry):
    """Run the periodic jobs of ``registry.beffroi_jobs`` (``beffroi.ops.jobs_core`` and
    those added since) in a thread of this process until shutdown."""
    import beffroi.services.mail.queue
    from beffroi.ops.jobs import Scheduler
    from beffroi.ops.serving import at_shutdown
    jobs = registry.beffroi_jobs
    stop_thread = getattr(beffroi.services.mail.queue, "stop_background", None)
    if "mail.deliver" in jobs.jobs and stop_thread is not None:
        stop_thread()              # the job replaces mail.background's own thread
    scheduler = Scheduler(registry._zodb_databases[""], registry.settings, registry.beffroi, jobs)
    at_shutdown(scheduler.stop)    # before the database closes (newest first)
    return scheduler.start()
