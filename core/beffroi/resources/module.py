"""The container a module's items live in, one per (space, module)."""
from __future__ import annotations

from persistent.mapping import PersistentMapping

from beffroi.resources.folder import Folder


class ModuleContainer(Folder):
    """Core class (not the plugin's), so a space survives its plugin being uninstalled:
    the container stays and shows as "module unavailable"."""

    def __init__(self, module_name, title=""):
        super().__init__()
        self.module_name = module_name
        self.title = title
        self.enabled = True
        self.settings = PersistentMapping()
        self.phase_settings = PersistentMapping()   # phase id → {setting: value}

    @property
    def space(self):
        return self.__parent__
