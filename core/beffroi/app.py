"""The WSGI application: settings → plugins → Pyramid configuration."""
from __future__ import annotations

import os
import secrets

from pyramid.config import Configurator
from pyramid.settings import asbool, aslist

from beffroi.catalog import register_discriminators
from beffroi.evolve import sync_indexes
from beffroi.i18n import locale_negotiator
from beffroi.plugins import PluginSet, load_plugins
from beffroi.resources.root import bootstrap
from beffroi.security import SecurityPolicy, load_user
from beffroi.session_cookie import session_factory
from beffroi.tenancy import request_organisation, root_factory
from beffroi.urls import public_base
from beffroi.views.headers import add_cache_busters


def plugins_from_settings(settings) -> PluginSet:
    return load_plugins(
        extra=settings.get("beffroi.extra_plugins", ()),
        load_entrypoints=asbool(settings.get("beffroi.load_entrypoints", True)),
        exclude=aslist(settings.get("beffroi.plugins.exclude", "")),
    )


def open_database(settings):
    """The ZODB database named by ``zodbconn.uri`` (or a DB object given by tests)."""
    if settings.get("beffroi.db") is not None:
        return settings["beffroi.db"]
    from zodburi import resolve_uri
    from beffroi.persistence import Database as DB
    uri = settings.get("zodbconn.uri")
    if not uri:
        raise ValueError("zodbconn.uri is missing from the settings: name a database, "
                         "e.g. file://%(here)s/var/Data.fs?blobstorage_dir=%(here)s/var/blobs")
    storage_factory, dbkw = resolve_uri(uri)
    return DB(storage_factory(), **dbkw)


def session_secret(settings):
    secret = settings.get("beffroi.secret", "")
    if not secret or secret == "change-me":
        if asbool(settings.get("beffroi.require_secret", False)):
            raise ValueError("beffroi.secret must be set to a long random string in production")
        secret = secrets.token_hex(32)          # sessions then end with the process
    return secret


def make_config(settings) -> Configurator:
    settings = dict(settings)
    settings.setdefault("pyramid.default_locale_name", "fr")
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    settings.setdefault("retry.attempts", "10")
    public_base(settings, "localhost")          # a bad beffroi.url_scheme/url_port fails here
    plugins = plugins_from_settings(settings)
    config = Configurator(settings=settings, root_factory=root_factory)
    config.registry.beffroi = plugins
    db = open_database(settings)
    config.registry._zodb_databases = {"": db}
    bootstrap(db, plugins.evolve_steps)
    register_discriminators(plugins)
    sync_indexes(db)

    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.include("beffroi.retries")
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
    """PasteDeploy entry point (``pserve development.ini``)."""
    here = (global_config or {}).get("here", os.getcwd())
    settings.setdefault("here", here)
    config = make_config(settings)
    app = config.make_wsgi_app()
    from beffroi.precompile import precompile_from_settings
    precompile_from_settings(config.registry, settings)    # no first visit waits on Chameleon
    return app
