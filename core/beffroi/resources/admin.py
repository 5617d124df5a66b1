"""Transient traversal objects of the administration: ``/-/admin/`` (one organisation)
and ``/-/system/`` (the whole platform).

They are made on each access and never stored, so reading never writes. Objects that
manage a space carry it as ``managed_space``: the security policy then applies that
space's roles, so a space admin administers their own space and nobody else's."""
from __future__ import annotations


class _Node:
    def __init__(self, parent, name, organisation):
        self.__parent__ = parent
        self.__name__ = name
        self.organisation = organisation


class AdminArea(_Node):
    """``/-/admin/``: organisation administration."""

    def __getitem__(self, name):
        if name == "spaces":
            return AdminSpaces(self, name, self.organisation)
        if name == "participants":
            return AdminParticipants(self, name, self.organisation)
        if name == "modules":
            return OrgModules(self, name, self.organisation)
        raise KeyError(name)


class OrgModules(_Node):
    """``/-/admin/modules/``: the organisation's defaults for each module's settings."""

    def __getitem__(self, module_name):
        return OrgModule(self, module_name, self.organisation)


class OrgModule(_Node):
    def __init__(self, parent, name, organisation):
        super().__init__(parent, name, organisation)
        self.module_name = name


class AdminSpaces(_Node):
    def __getitem__(self, slug):
        space = self.organisation.spaces[slug]
        return AdminSpace(self, slug, self.organisation, space)


class _SpaceNode(_Node):
    def __init__(self, parent, name, organisation, space):
        super().__init__(parent, name, organisation)
        self.managed_space = space


class AdminSpace(_SpaceNode):
    """Administration of one space; permissions are those of the space itself."""

    def __getitem__(self, name):
        if name == "modules":
            return AdminModules(self, name, self.organisation, self.managed_space)
        if name == "phases":
            return AdminPhases(self, name, self.organisation, self.managed_space)
        raise KeyError(name)


class AdminModules(_SpaceNode):
    def __getitem__(self, module_name):
        return AdminModule(self, module_name, self.organisation, self.managed_space)


class AdminModule(_SpaceNode):
    def __init__(self, parent, name, organisation, space):
        super().__init__(parent, name, organisation, space)
        self.module_name = name


class AdminPhases(_SpaceNode):
    """``/-/admin/spaces/<slug>/phases/``: the phases of a space."""

    def __getitem__(self, phase_id):
        phase = self.managed_space.phase(phase_id)
        if phase is None:
            raise KeyError(phase_id)
        return AdminPhase(self, phase_id, self.organisation, self.managed_space, phase)


class AdminPhase(_SpaceNode):
    def __init__(self, parent, name, organisation, space, phase):
        super().__init__(parent, name, organisation, space)
        self.phase = phase


class AdminParticipants(_Node):
    """``/-/admin/participants/``: participants of the organisation, by id."""

    def __getitem__(self, user_id):
        user = self.organisation.users[user_id]
        return AdminParticipant(self, user_id, self.organisation, user)


class AdminParticipant(_Node):
    def __init__(self, parent, name, organisation, user):
        super().__init__(parent, name, organisation)
        self.user = user


# --- system administration ----------------------------------------------------------------

class SystemNode:
    """Base of ``/-/system/`` objects: only system admins pass (see ``security.permits``)."""
    __parent__ = None
    __name__ = ""


class SystemRoot(SystemNode):
    """``/-/system/``, reached through the ``system`` route on any organisation host and
    on ``beffroi.system_host``."""

    def __init__(self, app_root):
        self.app_root = app_root

    def __getitem__(self, name):
        if name == "organisations":
            return SystemOrganisations(self, name)
        raise KeyError(name)


class SystemOrganisations(SystemNode):
    def __init__(self, parent, name):
        self.__parent__, self.__name__ = parent, name
        self.app_root = parent.app_root

    def __getitem__(self, oid):
        org = self.app_root.organisations[oid]
        return SystemOrganisation(self, oid, org)


class SystemOrganisation(SystemNode):
    def __init__(self, parent, name, organisation):
        self.__parent__, self.__name__ = parent, name
        self.app_root = parent.app_root
        self.organisation = organisation
