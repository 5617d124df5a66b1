"""The whole plugin API of Beffroi, in one flat file.

A plugin is a module with functions marked ``@hookimpl`` whose names are the ones
below, registered under the entry-point group ``beffroi``. Hooks named
``register_*`` return declarations (frozen dataclasses from ``beffroi.infos``),
``extra_*`` add to a page, ``on_*`` react to an event. A plugin touches the
Pyramid Configurator only in ``configure``. Space-scoped hooks (those taking a
``space``) reach only the plugins whose module is enabled in that space.
"""
import pluggy

#: Version of this API. A plugin declares the range it supports with a module
#: attribute ``beffroi_api = ">=1.0,<2"``; an incompatible plugin is refused.
PLUGIN_API_VERSION = "1.0"

hookspec = pluggy.HookspecMarker("beffroi")
hookimpl = pluggy.HookimplMarker("beffroi")


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
def register_commands(subparsers):
    """Add sub-commands to the ``beffroi`` command line (an ``argparse`` subparsers object)."""


@hookspec
def configure(config):
    """Add views, templates and static files to the Pyramid ``config``; the only place a plugin touches it."""


@hookspec
def space_navigation(request, space):
    """Return a list of ``NavItem`` shown in the navigation of ``space``."""


@hookspec
def extra_template_vars(request):
    """Return a dict of extra variables available to every page template."""


@hookspec
def content_blocks(request, organisation):
    """Return a list of HTML snippets (``markupsafe``-safe strings) shown on the organisation home page."""


@hookspec
def export_organisation(organisation):
    """Return a JSON-serialisable dict of this plugin's data for a whole-organisation export."""


@hookspec
def on_account_deleted(request, user):
    """React to the deletion of ``user`` (anonymise what the plugin keeps about them)."""


@hookspec
def data_portable(request, user):
    """Return a JSON-serialisable dict of everything this plugin holds that ``user`` wrote."""


@hookspec
def demo_content(container):
    """Fill ``container`` (a module enabled in a demo space) with sample items, if it is yours."""
