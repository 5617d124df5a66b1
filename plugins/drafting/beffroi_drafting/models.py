"""Texts in numbered versions, and what participants do with them.

Layout, in a drafting ``ModuleContainer``:

- ``Text`` (a ``Content`` under a name made from its title) holds
  ``versions`` (``IOBTree`` number → ``Version``): versions 1 … n published, at most
  one draft numbered n + 1 after them. A published version never changes (its
  methods raise ``VersionFrozen``); the draft is edited by admins and receives the
  suggestions they accept.
- ``Text.notes`` (``OOBTree``) holds the ``Suggestion`` objects (names ``s1``, ``s2`` …
  from a conflict-free ``Numbering``) and the ``Annotation`` objects (names ``a`` + ten
  random digits), reached by traversal at ``<text>/<name>/`` so that the core's
  moderation (report, hide) and comments work on them.

Concurrency: supports are per-person entries of ``Suggestion.supporters`` (``OOBTree``)
with a ``BTrees.Length`` count. Different people add different keys and merge; the
same person twice inserts the same key, the second commit conflicts, is retried by
``pyramid_retry`` and then finds the first support ("You already support …").

Origins: when an accepted suggestion is applied to the draft, the range of the
section's Markdown its wording now covers is recorded as an ``Origin`` (start, end,
suggestion name, wording). The next draft starts from the published version with its
origins; an admin's own edit keeps each origin whose wording is still found.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.api import Content, Numbering, index_content, now, render_markdown
from beffroi_drafting.sections import (
    Section, clean, join_sections, locate, normalise_quote, plain_text, replace_passage,
    split_sections,
)

STATES = ("pending", "accepted", "rejected", "withdrawn")


class DraftingError(ValueError):
    """A change the text refuses; ``message`` (a translation string) says why and
    ``field`` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message, self.field = message, field


class OwnSuggestion(DraftingError):
    """Its author asked to support their own suggestion: supports measure what others
    think of it."""


class VersionFrozen(DraftingError):
    """A published version was asked to change."""


@dataclass(frozen=True)
class Origin:
    """A passage of a section that came from a suggestion: ``start``/``end`` index the
    section's Markdown body, ``suggestion`` is the suggestion's name, ``passage`` the
    wording (to find it again after an admin's edit)."""
    start: int
    end: int
    suggestion: str
    passage: str


class Version(Persistent):
    """One version of a text: its sections, where passages came from, its changelog."""

    published = None          # when it was published; None while it is the draft
    published_by = None

    def __init__(self, number, source, origins=None, changelog="", sections=None):
        self.number = number
        self.sections = tuple(sections) if sections is not None else tuple(split_sections(source))
        self.origins = dict(origins or {})        # section key → tuple of Origin
        self.changelog = changelog                # Markdown written by the admin
        self.applied = ()                         # names of the suggestions applied
        self.created = self.modified = now()

    @property
    def is_draft(self) -> bool:
        return self.published is None

    @property
    def source(self) -> str:
        return join_sections(self.sections)

    def section(self, key):
        """The ``Section`` of ``key``, or None."""
        return next((s for s in self.sections if s.key == key), None)

    def origins_of(self, key):
        return self.origins.get(key, ())

    def _check_draft(self):
        if not self.is_draft:
            raise VersionFrozen("version %d is published and cannot change" % self.number)

    def edit(self, source, changelog):
        """Replace the draft's Markdown and changelog; origins whose wording is still in
        the same section are kept (found again), the others dropped."""
        self._check_draft()
        sections = tuple(split_sections(source))
        kept = {}
        for section in sections:
            found, cursor = [], 0
            for origin in sorted(self.origins.get(section.key, ()), key=lambda o: o.start):
                at = section.body.find(origin.passage, cursor) if origin.passage else -1
                if at < 0:
                    at = section.body.find(origin.passage) if origin.passage else -1
                if at >= 0 and all(at >= o.end or at + len(origin.passage) <= o.start
                                   for o in found):
                    found.append(Origin(at, at + len(origin.passage), origin.suggestion,
                                        origin.passage))
                    cursor = at + len(origin.passage)
            if found:
                kept[section.key] = tuple(sorted(found, key=lambda o: o.start))
        self.sections, self.origins, self.changelog = sections, kept, changelog
        self.modified = now()

    def apply(self, suggestion):
        """Put the wording of ``suggestion`` into this draft and record its origin.
        Raises ``DraftingError`` when its section or its quoted passage is no longer
        in the draft."""
        from beffroi_drafting.i18n import _
        self._check_draft()
        sections = list(self.sections)
        index = next((i for i, s in enumerate(sections) if s.key == suggestion.section_key), None)
        if index is None:
            raise DraftingError(_("The section “${section}” is no longer in the draft: edit the "
                                  "draft by hand, or reject the suggestion.",
                                  mapping={"section": suggestion.section_title}))
        section = sections[index]
        wording = suggestion.wording.strip()
        if suggestion.quote:
            replaced = replace_passage(section.body, suggestion.quote, wording)
            if replaced is None:
                raise DraftingError(_("The quoted passage is no longer in this section of the "
                                      "draft: edit the draft by hand, or reject the suggestion."))
            body, start, end = replaced
            removed = locate(section.body, suggestion.quote)
            delta = len(body) - len(section.body)
            origins = []
            for o in self.origins.get(section.key, ()):
                if o.end <= removed[0]:
                    origins.append(o)
                elif o.start >= removed[1]:
                    origins.append(Origin(o.start + delta, o.end + delta, o.suggestion, o.passage))
            origins.append(Origin(start, end, suggestion.__name__, wording))
        else:
            body = wording
            origins = [Origin(0, len(wording), suggestion.__name__, wording)]
        sections[index] = Section(section.key, section.title, section.level, body)
        self.sections = tuple(sections)
        origins_map = dict(self.origins)
        origins_map[section.key] = tuple(sorted(origins, key=lambda o: o.start))
        self.origins = origins_map
        self.applied = self.applied + (suggestion.__name__,)
        self.modified = now()

    def publish(self, changelog, user_id):
        self._check_draft()
        self.changelog = changelog
        self.published = now()
        self.published_by = user_id


class Text(Content):
    """A text participants help draft, in numbered versions (see the module docstring)."""

    published = False          # no version published yet: only the space's admins see it
    published_number = 0

    def __init__(self, title, summary, source, creator=None):
        super().__init__(creator)
        self.title = title
        self.summary = summary
        self.versions = IOBTree()
        self.versions[1] = Version(1, source)
        self.notes = OOBTree()
        self.numbering = Numbering()

    # traversal reaches suggestions and annotations; any other name is a view
    def __getitem__(self, name):
        return self.notes[name]

    def get(self, name, default=None):
        return self.notes.get(name, default)

    @property
    def current(self):
        """The latest published ``Version``, or None."""
        return self.versions.get(self.published_number) if self.published_number else None

    @property
    def draft(self):
        """The draft ``Version`` (numbered after the last published one), or None."""
        return self.versions.get(self.published_number + 1)

    def published_versions(self):
        return [self.versions[n] for n in range(1, self.published_number + 1)]

    def ensure_draft(self):
        """The draft, made from the latest published version (with its origins) if none."""
        draft = self.draft
        if draft is None:
            current = self.current
            draft = Version(self.published_number + 1, "", current.origins if current else None,
                            sections=current.sections if current else ())
            self.versions[draft.number] = draft
        return draft

    def suggestions(self):
        return [n for n in self.notes.values() if isinstance(n, Suggestion)]

    def annotations(self):
        return [n for n in self.notes.values() if isinstance(n, Annotation)]


class Suggestion(Content):
    """A participant's wording for a section, or for a passage of it (``quote``)."""

    commentable = True
    state = "pending"
    decision_reason = ""
    decided = None
    decided_by = None
    applied_in = None          # number of the version its wording went into

    def __init__(self, number, version, section, quote, wording, explanation, creator):
        super().__init__(creator)
        self.number = number
        self.version = version
        self.section_key, self.section_title = section.key, section.title
        self.quote = quote
        self.wording = wording
        self.wording_html = render_markdown(wording, profile="body")
        self.explanation = explanation
        self.supporters = OOBTree()          # user id → True
        self._supports = Length()

    @property
    def title(self):
        return f"#{self.number} · {self.section_title or self.section_key}"

    @property
    def text(self):
        return self.__parent__

    @property
    def supports(self) -> int:
        return self._supports()

    @property
    def withdrawn(self):
        return self.state == "withdrawn"

    def comments_open(self, request):
        return self.state != "withdrawn"


class Annotation(Content):
    """A participant's note on a passage (``quote``) of a section."""

    def __init__(self, version, section, quote, body, creator):
        super().__init__(creator)
        self.version = version
        self.section_key, self.section_title = section.key, section.title
        self.quote = quote
        self.body = body
        self.html = render_markdown(body)

    @property
    def title(self):
        return f"« {self.quote[:60]} »"


# --- writing ----------------------------------------------------------------------------------

def add_text(container, title, summary, source, creator=None):
    """A new ``Text`` in ``container`` whose draft version 1 holds ``source`` (Markdown)."""
    from beffroi.api import slugify
    text = Text(title, clean(summary), clean(source), creator)
    container.add(container.unique_name(slugify(title) or "text"), text)
    index_content(text)
    return text


def publish_draft(text, changelog, user_id):
    """Publish the draft as the text's next version; return it. Raises ``DraftingError``
    when there is no draft or it has no section."""
    from beffroi_drafting.i18n import _
    draft = text.draft
    if draft is None:
        raise DraftingError(_("There is no draft to publish."))
    if not draft.sections:
        raise DraftingError(_("The draft is empty: write the text first."), field="source")
    draft.publish(clean(changelog), user_id)
    text.published_number = draft.number
    text.published = True
    text.touch()
    index_content(text)
    return draft


def _section_of(version, key):
    from beffroi_drafting.i18n import _
    section = version.section(key) if version is not None else None
    if section is None:
        raise DraftingError(_("Choose a section of the text."), field="section")
    return section


def check_quote(version, key, quote, required):
    """The ``Section`` of ``key`` in ``version`` once ``quote`` is checked: it must show
    in that section (see ``sections.locate``). Raises ``DraftingError``."""
    from beffroi_drafting.i18n import _
    section = _section_of(version, key)
    quote = clean(quote)
    if not quote:
        if required:
            raise DraftingError(_("Copy the passage from the section into this field."),
                                field="quote")
        return section
    if not normalise_quote(quote):
        raise DraftingError(_("The passage has no words."), field="quote")
    if locate(section.body, quote) is None:
        raise DraftingError(_("This passage is not in the section “${section}”: copy it exactly "
                              "as it reads in the text, or choose another section.",
                              mapping={"section": section.title or section.key}), field="quote")
    return section


def add_annotation(text, key, quote, body, user_id):
    version = text.current
    section = check_quote(version, key, quote, required=True)
    annotation = Annotation(version.number, section, clean(quote), clean(body), user_id)
    name = _free_name(text, "a")
    annotation.__parent__, annotation.__name__ = text, name
    text.notes[name] = annotation
    return annotation


def add_suggestion(text, key, quote, wording, explanation, user_id):
    version = text.current
    section = check_quote(version, key, quote, required=False)
    number = text.numbering.allocate()
    suggestion = Suggestion(number, version.number, section, clean(quote), clean(wording),
                            clean(explanation), user_id)
    name = f"s{number}"
    suggestion.__parent__, suggestion.__name__ = text, name
    text.notes[name] = suggestion
    return suggestion


def _free_name(text, prefix):
    while True:
        name = f"{prefix}{10 ** 9 + secrets.randbelow(9 * 10 ** 9)}"
        if name not in text.notes:
            return name


def support(suggestion, user_id) -> bool:
    """Record ``user_id``'s support; False when they already support it. Raises
    ``OwnSuggestion`` when ``user_id`` wrote the suggestion."""
    from beffroi_drafting.i18n import _
    if user_id == suggestion.creator:
        raise OwnSuggestion(_("You cannot support your own suggestion."))
    if user_id in suggestion.supporters:
        return False
    suggestion.supporters[user_id] = True
    suggestion._supports.change(1)
    return True


def unsupport(suggestion, user_id) -> bool:
    if user_id not in suggestion.supporters:
        return False
    del suggestion.supporters[user_id]
    suggestion._supports.change(-1)
    return True


def decide(suggestion, accept, reason, user_id):
    """Accept (the wording goes into the draft of the next version) or reject
    ``suggestion`` with a public ``reason``. Raises ``DraftingError`` when it was
    decided already or cannot be applied to the draft."""
    from beffroi_drafting.i18n import _
    if suggestion.state != "pending":
        raise DraftingError(_("This suggestion has already been decided."))
    if accept:
        draft = suggestion.text.ensure_draft()
        draft.apply(suggestion)
        suggestion.applied_in = draft.number
    suggestion.state = "accepted" if accept else "rejected"
    suggestion.decision_reason = clean(reason)
    suggestion.decided = now()
    suggestion.decided_by = user_id


def text_index(obj):
    """What the full-text index ``drafting.text`` reads: the title and the latest text."""
    if not isinstance(obj, Text):
        return None
    version = obj.current or obj.draft
    return f"{obj.title} {obj.summary} {plain_text(version.source) if version else ''}"
