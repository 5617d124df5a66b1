"""Participatory processes (spaces going through dated phases) and process groups (a
landing page for several processes, their parent space)."""
from pyramid.i18n import TranslationStringFactory

from beffroi import SpaceTypeInfo, hookimpl

beffroi_api = ">=2.0,<3"
_ = TranslationStringFactory("beffroi_processes")


@hookimpl
def register_space_types():
    return [SpaceTypeInfo(
        name="participatory_process",
        title=_("Participatory process"),
        description=_("A process with phases: information, proposals, deliberation, vote, results."),
        has_phases=True,
        default_phases=(_("Information"), _("Proposals"), _("Results")),
    ), SpaceTypeInfo(
        name="process_group",
        title=_("Process group"),
        description=_("A landing page for several processes (one per commune of a "
                      "metropolitan process, for instance): set it as their parent space."),
        has_phases=False,
    )]

