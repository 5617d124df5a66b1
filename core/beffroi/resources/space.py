"""A space (participatory process, assembly, …): phases, roles, modules."""
from __future__ import annotations

import uuid

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.resources.folder import Folder, now

VISIBILITIES = ("public", "private", "transparent")


class Phase(Persistent):
    """One step of a process; exactly one is current at a time. ``start`` and ``end``
    are dates (inclusive, in the organisation's time zone) or None; a call to action
    (``cta_text`` linking to ``cta_url``, a path inside the organisation or an https
    URL) says what to do during the phase."""
    cta_text = ""
    cta_url = ""

    def __init__(self, title, start=None, end=None, description="", cta_text="", cta_url=""):
        self.id = uuid.uuid4().hex[:12]
        self.title = title
        self.start = start
        self.end = end
        self.description = description
        self.cta_text = cta_text
        self.cta_url = cta_url

    def contains(self, day) -> bool:
        """Do the phase's dates contain ``day``? (False when it has no dates.)"""
        if self.start is None and self.end is None:
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


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
        self.manual_phase_id = None
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

    #: an admin's choice that wins over the dates (None: the dates decide)
    pinned_phase_id = None
    #: promoted on the organisation's home page
    promoted = False
    #: the banner (``beffroi.pictures``): shown on the space's page and its cards
    banner = None
    banner_thumb = None
    banner_type = None
    banner_alt = ""
    banner_version = 0

    def add_phase(self, phase):
        self.phases.append(phase)
        if self.manual_phase_id is None:
            self.manual_phase_id = phase.id
        return phase

    def phase(self, phase_id):
        return next((p for p in self.phases if p.id == phase_id), None)

    @property
    def manual_phase_id(self):
        # spaces stored before phases followed their dates kept it as active_phase_id
        return self.__dict__.get("manual_phase_id", self.__dict__.get("active_phase_id"))

    @manual_phase_id.setter
    def manual_phase_id(self, value):
        self.__dict__["manual_phase_id"] = value
        self._p_changed = True

    def current_phase(self, today):
        """The phase in force on ``today`` (a ``date``): the pinned one; else the one whose
        dates contain today; else, when phases have dates, the last one (in order) started
        before today, or the first phase before any started; else the one an admin chose.
        None when the space has no phase."""
        if not self.phases:
            return None
        pinned = self.phase(self.pinned_phase_id)
        if pinned is not None:
            return pinned
        for phase in self.phases:
            if phase.contains(today):
                return phase
        dated = [p for p in self.phases if p.start is not None or p.end is not None]
        if dated:
            started = [p for p in dated if p.start is not None and p.start <= today]
            return started[-1] if started else self.phases[0]
        return self.phase(self.manual_phase_id) or self.phases[0]

    def today(self):
        """Today's date in the time zone of the space's organisation."""
        from datetime import datetime, timezone
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        name = getattr(self.__parent__, "timezone", None) or "UTC"
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            zone = timezone.utc
        return datetime.now(zone).date()

    @property
    def active_phase(self):
        return self.current_phase(self.today())

    @property
    def active_phase_id(self):
        phase = self.active_phase
        return phase.id if phase is not None else None

    @property
    def phase_pinned(self) -> bool:
        return self.phase(self.pinned_phase_id) is not None

    def activate_phase(self, phase_id):
        """Pin ``phase_id`` as the current phase, whatever the dates say (KeyError when
        the space has no such phase)."""
        if self.phase(phase_id) is None:
            raise KeyError(phase_id)
        self.pinned_phase_id = phase_id
        self.manual_phase_id = phase_id

    def follow_dates(self):
        """Unpin: the dates decide the current phase again."""
        self.pinned_phase_id = None

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
