"""The compatibility promise (``beffroi_api``) and the fixtures plugin authors get."""
import types

import pytest

from beffroi import PLUGIN_API_VERSION, ModuleInfo, hookimpl
from beffroi.plugins import PluginError, load_plugins


def plugin_module(name, api=None):
    module = types.ModuleType(name)
    if api is not None:
        module.beffroi_api = api

    @hookimpl
    def register_modules():
        return [ModuleInfo(name=name, title=name.title())]
    module.register_modules = register_modules
    return module


def test_the_api_version_is_two_point_something():
    assert PLUGIN_API_VERSION.split(".")[0] == "2"


@pytest.mark.parametrize("api", [">=2.0,<3", ">=1.0", "~=2.0", None])
def test_a_plugin_accepting_this_api_loads(api):
    plugins = load_plugins(extra=[("compatible", plugin_module("compatible", api))],
                           load_entrypoints=False)
    assert "compatible" in plugins.modules


def test_a_plugin_needing_another_major_version_is_refused_naming_both_versions():
    with pytest.raises(PluginError) as info:
        load_plugins(extra=[("future", plugin_module("future", ">=3.0,<4"))],
                     load_entrypoints=False)
    message = str(info.value)
    assert "'future'" in message and ">=3.0,<4" in message and PLUGIN_API_VERSION in message
    assert "upgrade" in message


def test_a_range_that_is_not_a_version_range_is_refused():
    with pytest.raises(PluginError, match="not a version range"):
        load_plugins(extra=[("sloppy", plugin_module("sloppy", "version one"))],
                     load_entrypoints=False)


def test_the_app_does_not_start_with_an_incompatible_plugin(beffroi_db):
    from beffroi.app import make_config
    with pytest.raises(PluginError, match="'old'"):
        make_config({"beffroi.db": beffroi_db,
                     "beffroi.extra_plugins": [("old", plugin_module("old", "<1.0"))]})


def test_every_installed_plugin_declares_a_compatible_api():
    plugins = load_plugins()
    for name, record in plugins.plugins.items():
        assert getattr(record.module, "beffroi_api", None), f"{name} declares no beffroi_api"


# -- the beffroi.devkit.testing fixtures ------------------------------------------------------

@pytest.mark.beffroi_modules("pages")
def test_beffroi_space_makes_a_published_space_with_the_module(beffroi_space, beffroi_browser):
    space = beffroi_space(title="La place")
    other = beffroi_space()
    assert space.slug != other.slug
    page = beffroi_browser.get(space.module_url())
    assert page.status_int == 200
    assert "La place" in page.text


def test_beffroi_space_names_a_module_that_is_not_installed(beffroi_space):
    with pytest.raises(ValueError, match="not installed"):
        beffroi_space("no_such_module")


def test_login_as_a_space_role_gives_that_role_in_that_space_only(platform, beffroi_space):
    first, second = beffroi_space("pages"), beffroi_space("pages")
    browser = platform.browser()
    email = platform.login_as(browser, role="admin", space=first.slug)
    assert email.endswith("@example.org")
    assert browser.get(first.module_url() + "add").status_int == 200
    assert browser.get(second.module_url() + "add", status=403).status_int == 403


def test_login_as_organisation_roles_and_plain_participants(platform, beffroi_space):
    space = beffroi_space("pages")
    admin = platform.browser()
    platform.login_as(admin, role="admin")
    assert admin.get(space.module_url() + "add").status_int == 200
    participant = platform.browser()
    platform.login_as(participant, role="participant")
    assert participant.get(space.module_url() + "add", status=403).status_int == 403
    with pytest.raises(ValueError, match="space role"):
        platform.login_as(platform.browser(), role="moderator")
    with pytest.raises(ValueError, match="not a space role"):
        platform.login_as(platform.browser(), role="user_manager", space=space.slug)


@pytest.mark.beffroi_db("memory")
def test_an_in_memory_database_on_request(beffroi_db, platform, beffroi_org):
    from ZODB.MappingStorage import MappingStorage
    from ZODB.blob import BlobStorage
    # records in memory, blobs (banners, attachments) in a temporary folder
    assert isinstance(beffroi_db.storage, BlobStorage)
    assert isinstance(beffroi_db.storage._BlobStorage__storage, MappingStorage)
    assert platform.browser().get("/").status_int == 200


def test_the_beffroi_plugins_marker_loads_a_module_that_is_not_installed(request):
    module = plugin_module("marked", ">=2.0,<3")
    request.node.add_marker(pytest.mark.beffroi_plugins(module))
    platform = request.getfixturevalue("platform")
    assert "marked" in platform.plugins.modules
