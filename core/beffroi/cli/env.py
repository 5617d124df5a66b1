"""What every command needs: its mistakes (``CommandError``) and its environment
(``Env``: settings, plugins and the database on demand). Kept apart from the parser so
command modules import it without importing the whole command line."""
from __future__ import annotations

import os


class CommandError(Exception):
    """A mistake the person at the terminal can fix; printed without traceback."""


class Env:
    """What a command needs: settings, plugins, and the database on demand."""

    def __init__(self, config_path, out=print):
        self.config_path = config_path
        self.out = out
        self._settings = None
        self._plugins = None
        self._db = None

    @property
    def settings(self):
        if self._settings is None:
            if not os.path.exists(self.config_path):
                raise CommandError(f"configuration file {self.config_path!r} not found; "
                                   f"give one with -c (for example -c development.ini)")
            from pyramid.paster import get_appsettings, setup_logging
            setup_logging(self.config_path)
            self._settings = dict(get_appsettings(self.config_path))
        return self._settings

    @property
    def plugins(self):
        if self._plugins is None:
            from beffroi.app import plugins_from_settings
            settings = self.settings if os.path.exists(self.config_path) else {}
            self._plugins = plugins_from_settings(settings)
        return self._plugins

    @property
    def db(self):
        if self._db is None:
            from beffroi.app import open_database
            from beffroi.catalog import register_discriminators
            from beffroi.resources.root import bootstrap
            self._db = open_database(self.settings)
            bootstrap(self._db, self.plugins.evolve_steps)
            register_discriminators(self.plugins)
        return self._db

    def app_root(self):
        """The application root inside one transaction, committed on success."""
        from beffroi.resources.root import app_root_of
        return app_root_of(self.db)

    def close(self):
        if self._db is not None:
            self._db.close()
