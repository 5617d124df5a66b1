"""A space (participatory process, assembly, …): phases, roles, modules."""
from __future__ import annotations

import uuid

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.resources.folder import Folder, now

VISIBILITIES = ("public", "private", "transparent")


class Phase(Persistent):
    """One step of a process; exactly one is active at a time."""

    def __init__(self, title, start=None, end=None, description=""):
        self.id = uuid.uuid4().hex[:12]
        self.title = title
        self.start = start
        self.end = end
        self.description = description


class Space(Persistent):
    __parent__ = None
    __name__ = None

    def __init__(self, title, space_type, description="", visibility="public", parent=None,
                 scope=""):
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}")
        self.title = title
        self.space_type = space_type
        self.description = description      # sanitised HTML
        self.visibility = visibility
        self.parent = parent                # slug of the parent space or None
        self.scope = scope                  # territory (a commune of a metropolis …)
        self.published = False
        self.phases = PersistentList()
        self.active_phase_id = None
        self.roles = OOBTree()              # user id → tuple of space roles
        self.modules = Folder(owner=self)
        self.created = now()

    @property
    def slug(self):
        return self.__name__

    def __getitem__(self, name):
        return self.modules[name]

    def get(self, name, default=None):
        return self.modules.get(name, default)

    def add_phase(self, phase):
        self.phases.append(phase)
        if self.active_phase_id is None:
            self.active_phase_id = phase.id
        return phase

    def phase(self, phase_id):
        return next((p for p in self.phases if p.id == phase_id), None)

    @property
    def active_phase(self):
        return self.phase(self.active_phase_id)

    def activate_phase(self, phase_id):
        if self.phase(phase_id) is None:
            raise KeyError(phase_id)
        self.active_phase_id = phase_id

    def move_phase(self, phase_id, delta):
        ids = [p.id for p in self.phases]
        i = ids.index(phase_id)
        j = max(0, min(len(ids) - 1, i + delta))
        if i != j:
            phase = self.phases.pop(i)
            self.phases.insert(j, phase)

    def space_roles(self, user_id):
        return self.roles.get(user_id, ())

    def set_space_roles(self, user_id, roles):
        roles = tuple(sorted(set(roles)))
        if roles:
            self.roles[user_id] = roles
        else:
            self.roles.pop(user_id, None)
