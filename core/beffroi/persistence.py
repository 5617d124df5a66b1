"""The ZODB database class of Beffroi: it reads databases and organisation exports made
before a persistent class moved.

A pickle names its class by module and name. When a class moves to another module
(the core regrouped by feature in 2026-11, for instance), its old module goes in
``RENAMED_MODULES`` for good: ``Database.classFactory`` reads it, so a database, a
backup or an organisation export made before the move keeps loading, and objects are
written back under the new name as they change. A plugin that moves one of its
persistent classes does the same with an evolve step (or ``zodbupdate``).
"""
from __future__ import annotations

import contextlib
import importlib
import sys

from ZODB import DB

#: old dotted module → new dotted module, for every module whose classes moved
RENAMED_MODULES: dict[str, str] = {
    # the core regrouped by feature (API 2.0)
    "beffroi.a11y": "beffroi.devkit.a11y",
    "beffroi.accounts_core": "beffroi.accounts.users",
    "beffroi.actionlog": "beffroi.services.actionlog.model",
    "beffroi.backup": "beffroi.ops.backup",
    "beffroi.checkplugin": "beffroi.devkit.checkplugin",
    "beffroi.cli_mail": "beffroi.cli.mail",
    "beffroi.cli_more": "beffroi.cli.more",
    "beffroi.cli_notify": "beffroi.cli.notify",
    "beffroi.cli_plugins": "beffroi.cli.plugins",
    "beffroi.cli_portability": "beffroi.cli.portability",
    "beffroi.cli_system": "beffroi.cli.system",
    "beffroi.cli_upkeep": "beffroi.cli.upkeep",
    "beffroi.comments": "beffroi.services.comments.model",
    "beffroi.database": "beffroi.ops.database",
    "beffroi.demo": "beffroi.devkit.demo",
    "beffroi.devmail": "beffroi.devkit.devmail",
    "beffroi.follows": "beffroi.services.follows.model",
    "beffroi.health": "beffroi.ops.health",
    "beffroi.i18n_tools": "beffroi.devkit.i18n_tools",
    "beffroi.jobs": "beffroi.ops.jobs",
    "beffroi.jobs_core": "beffroi.ops.jobs_core",
    "beffroi.mail": "beffroi.services.mail.queue",
    "beffroi.moderation": "beffroi.services.moderation.model",
    "beffroi.notification_queue": "beffroi.services.notifications.queue",
    "beffroi.notifications": "beffroi.services.notifications.model",
    "beffroi.nu_checker": "beffroi.devkit.nu_checker",
    "beffroi.organisations": "beffroi.system.organisations",
    "beffroi.passwords": "beffroi.accounts.passwords",
    "beffroi.portability": "beffroi.system.portability",
    "beffroi.precompile": "beffroi.ops.precompile",
    "beffroi.requestlog": "beffroi.ops.requestlog",
    "beffroi.retries": "beffroi.ops.retries",
    "beffroi.scaffold": "beffroi.devkit.scaffold",
    "beffroi.serving": "beffroi.ops.serving",
    "beffroi.session_cookie": "beffroi.accounts.session_cookie",
    "beffroi.sessions": "beffroi.accounts.sessions",
    "beffroi.testing": "beffroi.devkit.testing",
    "beffroi.testing_mail": "beffroi.devkit.testing_mail",
    "beffroi.throttle": "beffroi.accounts.throttle",
    "beffroi.tokens": "beffroi.accounts.tokens",
    "beffroi.views.account": "beffroi.accounts.views",
    "beffroi.views.account_data": "beffroi.accounts.views_data",
    "beffroi.views.account_email": "beffroi.accounts.views_email",
    "beffroi.views.account_forms": "beffroi.accounts.forms",
    "beffroi.views.account_mailer": "beffroi.services.mail.startup",
    "beffroi.views.admin_forms": "beffroi.admin.forms",
    "beffroi.views.admin_log": "beffroi.services.actionlog.views",
    "beffroi.views.admin_modules": "beffroi.admin.views_modules",
    "beffroi.views.admin_org_modules": "beffroi.admin.views_org_modules",
    "beffroi.views.admin_participants": "beffroi.admin.views_participants",
    "beffroi.views.admin_phases": "beffroi.admin.views_phases",
    "beffroi.views.admin_settings": "beffroi.admin.views_settings",
    "beffroi.views.admin_space_roles": "beffroi.admin.views_space_roles",
    "beffroi.views.admin_spaces": "beffroi.admin.views_spaces",
    "beffroi.views.auth": "beffroi.accounts.views_login",
    "beffroi.views.comments": "beffroi.services.comments.views",
    "beffroi.views.follows": "beffroi.services.follows.views",
    "beffroi.views.headers": "beffroi.tweens",
    "beffroi.views.moderation_views": "beffroi.services.moderation.views",
    "beffroi.views.notifications": "beffroi.services.notifications.views",
    "beffroi.views.password": "beffroi.accounts.views_password",
    "beffroi.views.register": "beffroi.accounts.views_register",
    "beffroi.views.system": "beffroi.system.views",
}


class Database(DB):
    """A ``ZODB.DB`` whose class factory follows ``RENAMED_MODULES``."""

    def classFactory(self, connection, modulename, globalname):
        return super().classFactory(connection, RENAMED_MODULES.get(modulename, modulename),
                                    globalname)


@contextlib.contextmanager
def old_module_names():
    """While inside, the old names of ``RENAMED_MODULES`` import as their new modules.

    ZODB's ``Connection.importFile`` unpickles with plain imports (no class factory):
    wrapped in this, an organisation export made before a class moved imports, and its
    objects are written under the new names."""
    added = []
    for old, new in RENAMED_MODULES.items():
        if old in sys.modules:
            continue
        try:
            sys.modules[old] = importlib.import_module(new)
        except ImportError:      # a module since removed holds no class to read
            continue
        added.append(old)
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)
