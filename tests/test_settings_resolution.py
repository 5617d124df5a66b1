"""Module settings resolve schema default → organisation → space → phase."""
import colander

from beffroi import ModuleInfo
from beffroi.modulesettings import resolve_settings
from beffroi.resources import ModuleContainer, Organisation, Phase, Space


class Settings(colander.MappingSchema):
    limit = colander.SchemaNode(colander.Int(), default=10)
    title = colander.SchemaNode(colander.String(), default="Idées")


class PhaseSettings(colander.MappingSchema):
    creation_open = colander.SchemaNode(colander.Boolean(), default=False)


INFO = ModuleInfo("ideas", "Ideas", settings_schema=Settings, phase_settings_schema=PhaseSettings)


def setup():
    org = Organisation("Commune", "test.localhost")
    space = Space("Place", "participatory_process")
    org.spaces.add("place", space)
    one, two = space.add_phase(Phase("Dépôt")), space.add_phase(Phase("Vote"))
    container = ModuleContainer("ideas")
    space.modules.add("ideas", container)
    return org, space, container, one, two


def test_schema_defaults_apply_when_nothing_is_set():
    org, space, container, one, two = setup()
    assert resolve_settings(INFO, org, container) == {"limit": 10, "title": "Idées",
                                                      "creation_open": False}


def test_each_layer_overrides_the_previous_one():
    org, space, container, one, two = setup()
    org.module_settings["ideas"] = {"limit": 5, "title": "Propositions"}
    container.settings["limit"] = 3
    container.phase_settings[one.id] = {"creation_open": True}
    values = resolve_settings(INFO, org, container)
    assert values == {"limit": 3, "title": "Propositions", "creation_open": True}
    space.activate_phase(two.id)
    assert resolve_settings(INFO, org, container)["creation_open"] is False
    assert resolve_settings(INFO, org, container, phase_id=one.id)["creation_open"] is True
