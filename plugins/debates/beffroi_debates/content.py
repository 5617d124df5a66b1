"""The Debate content type: a question put to participants, who answer with comments
in favour, against or neutral, until it closes with conclusions."""
from __future__ import annotations

from datetime import date

from beffroi.api import Content, index_content, sanitise_html, slugify

TITLE_MAX = 150
TEXT_MAX = 10_000


class Debate(Content):
    """A debate. ``start`` and ``end`` are optional dates (inclusive, in the
    organisation's time zone); ``closed`` is when it was closed, with ``conclusions``."""

    commentable = True            # the core's comments, with their alignment, are the arguments
    instructions = ""
    start = None
    end = None
    closed = None
    closed_by = None
    conclusions = ""
    official = False

    def __init__(self, title, description, instructions="", start=None, end=None,
                 creator=None, official=False):
        super().__init__(creator)
        self.title = title
        self.description = sanitise_html(description)
        self.instructions = sanitise_html(instructions)
        self.start, self.end = start, end
        self.official = official

    def update(self, title, description, instructions="", start=None, end=None):
        self.title = title
        self.description = sanitise_html(description)
        self.instructions = sanitise_html(instructions)
        self.start, self.end = start, end
        self.touch()

    def state(self, today: date) -> str:
        """``"closed"``, ``"upcoming"`` (before ``start``), ``"finished"`` (after ``end``)
        or ``"open"``."""
        if self.closed is not None:
            return "closed"
        if self.start is not None and today < self.start:
            return "upcoming"
        if self.end is not None and today > self.end:
            return "finished"
        return "open"

    def comments_open(self, request) -> bool:
        """Arguments are taken while the debate is open and the phase takes them."""
        from beffroi.api import module_settings
        if not module_settings(request, self.__parent__).get("comments_open", True):
            return False
        return self.state(today_in(request.organisation)) == "open"


def today_in(organisation) -> date:
    """Today's date in the organisation's time zone (UTC when it has none or a bad one)."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        zone = ZoneInfo(getattr(organisation, "timezone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    return datetime.now(zone).date()


def debate_text(obj):
    """What the full-text index ``debates.text`` reads (None leaves the object out)."""
    if not isinstance(obj, Debate):
        return None
    import re
    return re.sub(r"<[^>]+>", " ", f"{obj.title} {obj.description} {obj.conclusions}")


def add_debate(container, title, description, instructions="", start=None, end=None,
               creator=None, official=False):
    """Create a debate in ``container`` under a name made from its title, and index it."""
    debate = Debate(title, description, instructions, start, end, creator, official)
    container.add(container.unique_name(slugify(title) or "debate"), debate)
    index_content(debate)
    return debate


def close_debate(debate, conclusions, user_id):
    """Close ``debate`` with ``conclusions`` (HTML, sanitised); arguments stop."""
    from beffroi.api import now
    debate.closed = now()
    debate.closed_by = user_id
    debate.conclusions = sanitise_html(conclusions)
    index_content(debate)
