"""Transient traversal objects of the administration under ``/-/admin/``.

They are made on each access and never stored, so reading never writes."""
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
        raise KeyError(name)


class AdminSpaces(_Node):
    def __getitem__(self, slug):
        space = self.organisation.spaces[slug]
        return AdminSpace(self, slug, self.organisation, space)


class AdminSpace(_Node):
    """Administration of one space; permissions are those of the space itself."""

    def __init__(self, parent, name, organisation, space):
        super().__init__(parent, name, organisation)
        self.managed_space = space

    def __getitem__(self, name):
        if name == "modules":
            return AdminModules(self, name, self.organisation, self.managed_space)
        raise KeyError(name)


class AdminModules(_Node):
    def __init__(self, parent, name, organisation, space):
        super().__init__(parent, name, organisation)
        self.managed_space = space

    def __getitem__(self, module_name):
        return AdminModule(self, module_name, self.organisation, self.managed_space)


class AdminModule(_Node):
    def __init__(self, parent, name, organisation, space):
        super().__init__(parent, name, organisation)
        self.managed_space = space
        self.module_name = name
