"""The participatory process: a space that goes through ordered phases."""
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
    )]

