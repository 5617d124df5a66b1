"""The Meeting content type, its agenda, in-person contributions and the container's index.

Times: ``start`` and ``end`` are aware datetimes in UTC. They are entered and shown in
the organisation's time zone (``organisation.timezone``, an IANA name read with
``zoneinfo``); ``local_zone`` and ``to_utc`` are the two conversions.

Key layout of a container (``MeetingIndex`` at ``container.meeting_index``, made when
the module is enabled or the first meeting is added, never on a read):

- ``numbering``: the meetings' numbers (their names in URLs: ``/<space>/meetings/3/``);
- ``by_start``: ``LLTreeSet`` of ``listing_key(start in minutes, number)`` (the kit's
  listing orders upcoming meetings by it);
- ``latest_first``: the same with rank ``RANK_TOP - start`` (past meetings, latest first);
- ``starts``: ``IIBTree`` number → start in minutes (ranks, read without loading meetings);
- ``by_end``: ``LLTreeSet`` of ``listing_key(end in minutes, number)`` (which meetings
  are upcoming now: a range read, nothing loaded);
- ``numbers``: ``IITreeSet`` of every number;
- ``by_kind``: ``OOBTree`` kind (``in_person``, ``online``, ``hybrid``) → ``IITreeSet``.

Registrations live on each meeting (see ``beffroi_meetings.registrations``).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from BTrees.IIBTree import IIBTree, IITreeSet
from BTrees.LLBTree import LLTreeSet
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from beffroi.api import Content, Numbering, index_content, listing_key, now, render_markdown

TITLE_MAX = 150
TEXT_MAX = 20_000
ADDRESS_MAX = 300
KINDS = ("in_person", "online", "hybrid")
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
#: Ranks of the "past" order count down from here (minutes since 2000 stay far below).
RANK_TOP = (1 << 31) - 1


def local_zone(organisation):
    """The organisation's time zone (``ZoneInfo``); UTC when it has none or a bad one."""
    try:
        return ZoneInfo(getattr(organisation, "timezone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class NonexistentTime(ValueError):
    """A local time skipped by a clock change (e.g. 02:30 on the last Sunday of March
    in Europe/Paris)."""


def to_utc(day: date, at: time, zone) -> datetime:
    """The UTC instant of wall-clock ``day`` ``at`` in ``zone``. An ambiguous time
    (the hour repeated in autumn) is read as the first one. Raises ``NonexistentTime``
    for a time the clock skips."""
    local = datetime.combine(day, at).replace(tzinfo=zone)
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentTime(f"{day} {at} does not exist in {zone}")
    return utc


def minutes_of(moment: datetime) -> int:
    """Whole minutes from 2000-01-01 UTC to ``moment`` (≥ 0): a listing rank."""
    return max(0, int((moment - EPOCH).total_seconds() // 60))


AGENDA_LINE = re.compile(r"^\s*(\d{1,3})\s*(?:min\w*|mn|')?\s*[-–:|.]?\s*(.+?)\s*$")


class AgendaError(ValueError):
    """A line of an agenda that does not start with a duration; ``line`` is its number."""

    def __init__(self, line: int, text: str):
        super().__init__(f"line {line}: {text!r}")
        self.line, self.text = line, text


def parse_agenda(text: str) -> list[tuple[int, str]]:
    """``[(minutes, title)]`` from one item per line, each starting with its duration
    in minutes (``"20 Welcome"``, ``"45 min – Workshops"``); blank lines are skipped.
    Raises ``AgendaError`` naming the first line that does not fit (no duration, a
    duration of 0 or over 600 minutes, a title over 200 characters)."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = AGENDA_LINE.match(line)
        if not match or not 0 < int(match.group(1)) <= 600 or len(match.group(2)) > 200:
            raise AgendaError(number, line.strip())
        out.append((int(match.group(1)), match.group(2)))
    return out


def agenda_text(items) -> str:
    """The agenda as the form shows it (the inverse of ``parse_agenda``)."""
    return "\n".join(f"{minutes} {title}" for minutes, title in items)


class Contribution(Persistent):
    """What a participant said or proposed at a meeting, entered by staff on their
    behalf: ``text`` (Markdown source) and ``html`` (sanitised), an optional
    ``participant`` name, who collected it (``collected_by`` user id and
    ``collector_name`` at that time) and on which ``collected_on`` date."""
    __parent__ = None
    __name__ = None

    def __init__(self, text, participant, collected_by, collector_name, collected_on):
        self.text = text
        self.html = render_markdown(text)
        self.participant = participant
        self.collected_by = collected_by
        self.collector_name = collector_name
        self.collected_on = collected_on
        self.created = now()


class Meeting(Content):
    """A meeting in person, online or hybrid.

    ``kind`` is one of ``KINDS``; ``address``/``location_hints`` for in-person and
    hybrid meetings, ``online_url`` for online and hybrid ones; ``start``/``end`` aware
    UTC datetimes; ``agenda`` a tuple of ``(minutes, title)``. ``cancelled`` and
    ``closed`` are the moments it was cancelled or closed (None while not).
    Registrations (``registrations_enabled``, ``capacity``, ``terms``) are kept by
    ``beffroi_meetings.registrations``. After the meeting: ``minutes_html``,
    ``attendees_count``, ``attendees_list``."""

    commentable = True
    kind = "in_person"
    address = ""
    location_hints = ""
    online_url = ""
    agenda = ()
    cancelled = None
    cancel_reason = ""
    closed = None
    minutes_source = ""
    minutes_html = ""
    attendees_count = None
    attendees_list = ""
    registrations_enabled = False
    capacity = 0
    terms = ""
    number = 0

    def __init__(self, number, title, description, kind, start, end, address="",
                 location_hints="", online_url="", agenda=(), creator=None):
        super().__init__(creator)
        self.number = number
        self.contributions = OOBTree()       # (created iso, random) → Contribution
        self.proposal_links = OOTreeSet()    # "<container>/<proposal name>" in this space
        self.update(title, description, kind, start, end, address, location_hints,
                    online_url, agenda)

    def update(self, title, description, kind, start, end, address="", location_hints="",
               online_url="", agenda=()):
        self.title = title
        self.description_source = description
        self.description = render_markdown(description)
        self.kind = kind
        self.start, self.end = start, end
        self.address = address if kind != "online" else ""
        self.location_hints = location_hints if kind != "online" else ""
        self.online_url = online_url if kind != "in_person" else ""
        self.agenda = tuple(agenda)
        self.touch()

    def __getitem__(self, name):
        """Only a registration, by its name (``registration-<user id>-<token>``): what
        notifications about it point to. Nothing else is below a meeting."""
        if name.startswith("registration-"):
            user_id = name[len("registration-"):].rpartition("-")[0]
            tree = getattr(self, "registrations", None)
            registration = tree.get(user_id) if tree is not None else None
            if registration is not None and registration.__name__ == name:
                return registration
        raise KeyError(name)

    @property
    def in_person(self) -> bool:
        return self.kind in ("in_person", "hybrid")

    @property
    def online(self) -> bool:
        return self.kind in ("online", "hybrid")

    def state(self, moment: datetime | None = None) -> str:
        """``"cancelled"``, ``"closed"`` (minutes published), ``"upcoming"``,
        ``"ongoing"`` or ``"past"`` at ``moment`` (default: now)."""
        moment = moment or now()
        if self.cancelled is not None:
            return "cancelled"
        if self.closed is not None:
            return "closed"
        if moment < self.start:
            return "upcoming"
        return "ongoing" if moment < self.end else "past"

    def agenda_times(self, zone):
        """``[(local start, local end, title)]`` of the agenda, from the meeting's start."""
        at = self.start.astimezone(zone)
        out = []
        for minutes, title in self.agenda:
            end = at + timedelta(minutes=minutes)
            out.append((at, end, title))
            at = end
        return out

    def comments_open(self, request) -> bool:
        """Comments are taken unless the meeting is cancelled or the phase closes them."""
        from beffroi.api import module_settings
        if self.cancelled is not None:
            return False
        return bool(module_settings(request, self.__parent__).get("comments_open", True))


class MeetingIndex(Persistent):
    """The container's numbers and orders (see the module docstring)."""

    def __init__(self):
        self.numbering = Numbering()
        self.by_start = LLTreeSet()
        self.by_end = LLTreeSet()
        self.latest_first = LLTreeSet()
        self.starts = IIBTree()
        self.numbers = IITreeSet()
        self.by_kind = OOBTree()          # kind → IITreeSet of numbers (the listing's filter)

    def place(self, meeting, old_start=None, old_end=None, old_kind=None):
        number = meeting.number
        if old_kind is not None and old_kind in self.by_kind:
            self.by_kind[old_kind].remove(number)
        numbers = self.by_kind.get(meeting.kind)
        if numbers is None:
            numbers = self.by_kind[meeting.kind] = IITreeSet()
        numbers.add(number)
        if old_start is not None:
            self.by_start.remove(listing_key(minutes_of(old_start), number))
            self.latest_first.remove(listing_key(RANK_TOP - minutes_of(old_start), number))
            self.by_end.remove(listing_key(minutes_of(old_end), number))
        start = minutes_of(meeting.start)
        self.by_start.add(listing_key(start, number))
        self.latest_first.add(listing_key(RANK_TOP - start, number))
        self.by_end.add(listing_key(minutes_of(meeting.end), number))
        self.starts[number] = start
        self.numbers.add(number)

    def upcoming_numbers(self, moment: datetime) -> IITreeSet:
        """Numbers of the meetings not ended at ``moment`` (a range read of ``by_end``)."""
        low = listing_key(minutes_of(moment), 0)
        return IITreeSet(key & 0xFFFFFFFF for key in self.by_end.keys(min=low))


def ensure_index(container) -> MeetingIndex:
    """The container's ``MeetingIndex``, made on first use by a write."""
    index = getattr(container, "meeting_index", None)
    if index is None:
        index = container.meeting_index = MeetingIndex()
    return index


def meeting_text(obj):
    """What the full-text index ``meetings.text`` reads (None leaves the object out)."""
    if not isinstance(obj, Meeting):
        return None
    return re.sub(r"<[^>]+>", " ", f"{obj.title} {obj.description} {obj.address} "
                                    f"{obj.minutes_html}")


def add_meeting(container, title, description, kind, start, end, creator=None, **fields):
    """Create a meeting in ``container`` (named by its number), place it in the
    listing orders and index it; returns it."""
    index = ensure_index(container)
    number = index.numbering.allocate()
    meeting = Meeting(number, title, description, kind, start, end, creator=creator, **fields)
    container.add(str(number), meeting)
    index.place(meeting)
    index_content(meeting)
    return meeting


def update_meeting(meeting, **fields) -> set[str]:
    """Change ``meeting``'s fields (those of ``Meeting.update``); returns what changed
    among ``{"time", "place"}``, so followers can be told."""
    old_start, old_end = meeting.start, meeting.end
    old_place = (meeting.kind, meeting.address, meeting.online_url)
    meeting.update(**fields)
    changed = set()
    if (meeting.start, meeting.end) != (old_start, old_end):
        changed.add("time")
    if (meeting.kind, meeting.address, meeting.online_url) != old_place:
        changed.add("place")
    if changed:
        ensure_index(meeting.__parent__).place(meeting, old_start, old_end, old_place[0])
    index_content(meeting)
    return changed


def add_contribution(meeting, text, participant, collected_by, collector_name, collected_on):
    """Record a contribution collected in person at ``meeting``; returns it."""
    import secrets
    item = Contribution(text, participant, collected_by, collector_name, collected_on)
    key = f"{item.created.isoformat()}-{secrets.token_hex(4)}"
    item.__parent__, item.__name__ = meeting, key
    meeting.contributions[key] = item
    return item


def meetings_of(container):
    """Every meeting of ``container``, in start order."""
    return sorted((m for m in container.values() if isinstance(m, Meeting)),
                  key=lambda m: (m.start, m.number))
