"""The whole plugin API of Beffroi, in one flat file.

A plugin is a module with functions marked ``@hookimpl`` whose names are the ones
below, registered under the entry-point group ``beffroi``. Every hook sits in one
family:

- ``register_*`` returns declarations (frozen dataclasses from ``beffroi.infos``);
- ``extra_*`` adds to a page;
- ``on_*`` reacts to an event (``on_configure`` is the one place a plugin touches
  the Pyramid Configurator).

What a participation module does for its own items (open data, organisation export,
personal-data download, account-deletion clean-up, demo content) is declared on its
``ModuleInfo``; the core loops over the spaces and calls it (see ``beffroi.kit``).

Hooks declared with ``@space_hookspec`` are space-scoped: they take a ``space``
argument and the host (``PluginSet.call``) reaches only the plugins whose module is
enabled in that space, or that provide no module at all. Callers cannot forget it.

API 2.0 (changes from 1.x, see docs/plugins.md): ``configure`` → ``on_configure``,
``space_navigation`` → ``extra_space_navigation``, ``content_blocks`` →
``extra_home_blocks``; the hooks ``export_organisation``, ``data_portable`` and
``demo_content`` became ``ModuleInfo`` fields (``data_portable`` of what lies outside
a module: ``extra_portable_data``); ``ModuleInfo.export`` became
``ModuleInfo.open_data``.
"""
import pluggy

#: Version of this API. A plugin declares the range it supports with a module
#: attribute ``beffroi_api = ">=2.0,<3"``; an incompatible plugin is refused.
PLUGIN_API_VERSION = "2.0"

hookspec = pluggy.HookspecMarker("beffroi")
hookimpl = pluggy.HookimplMarker("beffroi")

#: Names of the space-scoped hooks (filled by ``space_hookspec``).
SPACE_SCOPED: set = set()

#: The families a hook name must start with.
FAMILIES = ("register_", "extra_", "on_")


def space_hookspec(func):
    """Declare a space-scoped hook: it must take ``space``; the host reaches only the
    plugins enabled in that space."""
    SPACE_SCOPED.add(func.__name__)
    return hookspec(func)


@hookspec
def register_modules():
    """Return a list of ``ModuleInfo``: the participation modules this plugin provides."""


@hookspec
def register_space_types():
    """Return a list of ``SpaceTypeInfo``: kinds of space (process, assembly, …)."""


@hookspec
def register_skins():
    """Return a list of ``SkinInfo``: layouts and static files an organisation can pick."""


@hookspec
def register_permissions():
    """Return a list of ``PermissionInfo`` not tied to a module (namespaced ``plugin.verb``)."""


@hookspec
def register_notifications():
    """Return a list of ``NotificationInfo``: kinds of notification this plugin publishes."""


@hookspec
def register_evolve_steps():
    """Return a list of ``EvolveStep``: named, ordered schema migrations of this plugin."""


@hookspec
def register_verification_methods():
    """Return a list of ``VerificationMethodInfo``: ways a participant proves who they are
    (census, postal letter, identity document, OpenID Connect …), each granting an
    authorisation with optional metadata in one organisation."""


@hookspec
def register_commands(subparsers):
    """Add sub-commands to the ``beffroi`` command line (an ``argparse`` subparsers object)."""


@hookspec
def on_configure(config):
    """Add views and templates to the Pyramid ``config``; the only place a plugin touches it.

    Translation directories (``<package>/locale``) and the static folder
    (``<package>/static``, served at ``/-/static/<module>/``) of a module's package are
    added by the core."""


@space_hookspec
def extra_space_navigation(request, space):
    """Return a list of ``NavItem`` shown in the navigation of ``space`` (space-scoped)."""


@hookspec
def extra_template_vars(request):
    """Return a dict of extra variables available to every page template."""


@hookspec
def extra_home_blocks(request, organisation):
    """Return a list of HTML snippets (``markupsafe``-safe strings) shown on the organisation home page."""


@space_hookspec
def extra_space_blocks(request, space):
    """Return a list of HTML snippets (``markupsafe``-safe strings) shown on the page of
    ``space``, below its description (space-scoped)."""


@hookspec
def extra_portable_data(request, user):
    """Return ``{file stem: JSON-serialisable data}`` of what ``user`` has in this plugin
    outside its modules' containers (e.g. a verification), added to "download my data"
    as ``plugins/<file stem>.json``; per-container data goes in ``ModuleInfo.portable_data``."""


@hookspec
def on_account_deleted(request, user):
    """React to the deletion of ``user`` (anonymise what the plugin keeps about them outside
    its modules' containers; per-container clean-up goes in ``ModuleInfo.on_account_deleted``)."""
