"""Proposals, their amendments, attachments and private notes."""
from __future__ import annotations

import re
from types import MappingProxyType

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.api import Content, index_content, now, render_markdown, sanitise_html
from beffroi_proposals.index import ProposalIndex

TAG_RE = re.compile(r"<[^>]+>")
#: The answer states every space has; custom ones come from the settings.
BASE_STATES = ("evaluating", "accepted", "rejected")


def render_body(source, body_format):
    """Sanitised HTML of a body typed as a Markdown subset or as HTML."""
    if body_format == "markdown":
        # raw HTML inside Markdown is escaped, then the result is sanitised anyway
        return render_markdown(source, profile="body")
    return sanitise_html(source)


def plain_text(html):
    return TAG_RE.sub(" ", html or "").strip()


class Note(Persistent):
    """A private note of an evaluator or admin on a proposal."""

    def __init__(self, author, text):
        self.author = author
        self.text = text
        self.created = now()


class Attachment(Persistent):
    """A checked file (PDF or image) kept in a ZODB blob; an image also keeps a small copy
    (``thumb``, at most 480 pixels) for the listing's cards."""
    thumb = None                 # attachments made before thumbnails have none

    def __init__(self, filename, content_type, blob, size, thumb=None):
        self.filename = filename
        self.content_type = content_type
        self.blob = blob
        self.size = size
        self.thumb = thumb


class Amendment(Content):
    """A changed version of a proposal, suggested by another participant.

    Participant text like any other: it is reached at ``<proposal>/<id>/`` so that it
    can be reported and hidden by moderators (``beffroi.services.moderation.model``). Older databases
    stored amendments without ``__parent__``: evolve step
    ``proposals.0002_amendment_location`` gives them one."""
    modified = None

    def __init__(self, amendment_id, author, title, body_source, body_html):
        # Content's creator is this class's ``author``; no call to Content.__init__
        self.id = amendment_id
        self.author = author
        self.title = title
        self.body_source = body_source
        self.body_html = body_html
        self.state = "pending"          # pending, accepted, rejected, promoted
        self.created = now()
        self.decided = None
        self.promoted_to = None         # name of the proposal it became

    @property
    def creator(self):
        return self.author


class Proposal(Content):
    """A participant's (or the organisation's, when official) proposal."""
    #: The core comments service lists and accepts comments on this type.
    commentable = True
    official = False
    withdrawn = False
    state = None                    # None until answered; then a BASE_STATES or custom state
    answer_html = ""
    cost = None
    answered = None
    scope = ""
    category = ""
    address = ""
    evaluators = ()                 # user ids of the evaluators assigned to it
    # Sub-objects are created by the first write that needs them, so that 100,000
    # proposals without supports, attachments or notes stay two records each.
    supporters = MappingProxyType({})   # then an OOBTree: user id → True when it counts
    attachments = ()
    amendments = MappingProxyType({})
    notes = ()
    threshold_notified = 0          # the support threshold followers were told it reached
    card_image = None               # index of the attachment whose thumbnail the card shows
    answer_notice_pending = False   # answered while answers were unpublished: tell on publication

    def __init__(self, number, title, body_source, body_html, creator=None):
        super().__init__(creator)
        self.number = number
        self.title = title
        self.body_source = body_source
        self.body_html = body_html
        self._supports = Length()

    def supporters_for_write(self):
        if not isinstance(self.supporters, OOBTree):
            self.supporters = OOBTree()
        return self.supporters

    def add_attachment(self, attachment):
        if not isinstance(self.attachments, PersistentList):
            self.attachments = PersistentList()
        self.attachments.append(attachment)
        if self.card_image is None and attachment.thumb is not None:
            self.card_image = len(self.attachments) - 1

    def add_amendment(self, amendment):
        if not isinstance(self.amendments, OOBTree):
            self.amendments = OOBTree()
        amendment.__parent__, amendment.__name__ = self, amendment.id
        self.amendments[amendment.id] = amendment

    # Traversal reaches amendments (``<proposal>/<id>/report``); any other name is a view.
    def __getitem__(self, name):
        return self.amendments[name]

    def get(self, name, default=None):
        return self.amendments.get(name, default)

    def add_note(self, note):
        if not isinstance(self.notes, PersistentList):
            self.notes = PersistentList()
        self.notes.append(note)

    @property
    def supports(self):
        """Supports that count (see the setting "minimum supports to count")."""
        return self._supports()

    @property
    def container(self):
        return self.__parent__

    def comments_open(self, request):
        """Comments are closed on withdrawn proposals."""
        return not self.withdrawn

    def comments_changed(self, count):
        """Keep the container's "most commented" order (called by the comments service)."""
        ensure_index(self.container).set_comment_count(self.number, count)

    def editable_until(self, minutes):
        from datetime import timedelta
        return self.created + timedelta(minutes=minutes)


def proposal_index(container):
    """The container's ``ProposalIndex``, or an empty one for a container never written."""
    index = getattr(container, "proposal_index", None)
    return index if index is not None else ProposalIndex()


def ensure_index(container):
    """Create the index on enable or on the first write (never on a read)."""
    if getattr(container, "proposal_index", None) is None:
        container.proposal_index = ProposalIndex()
    return container.proposal_index


def proposal_text(obj):
    """What the full-text index reads: the search terms of the title and the body
    without tags (accents folded, French and English stems: ``beffroi.api.search_words``;
    queries go through ``search_query``)."""
    if not isinstance(obj, Proposal):
        return None
    from beffroi.api import search_words
    return search_words(f"{obj.title} {plain_text(obj.body_html)}")


def search_doc(obj):
    """What the organisation search (``/-/search``) indexes of a proposal."""
    if not isinstance(obj, Proposal):
        return None
    from beffroi.api import SearchDoc
    return SearchDoc(obj.title, plain_text(obj.body_html))


def facets_of(proposal):
    out = [("author", proposal.creator)] if proposal.creator else []
    for name in ("scope", "category", "state"):
        value = getattr(proposal, name)
        if value:
            out.append((name, value))
    if proposal.official:
        out.append(("official", True))
    return out


def add_proposal(container, title, body_source, body_format, creator, scope="",
                 category="", address="", official=False, catalog=True, body_html=None):
    """Create a numbered proposal in ``container`` and index it. ``body_html``, when
    given, is the body already rendered and sanitised (bulk imports render once)."""
    index = ensure_index(container)
    number = index.next_number()
    if body_html is None:
        body_html = render_body(body_source, body_format)
    proposal = Proposal(number, title, body_source, body_html, creator)
    proposal.scope, proposal.category, proposal.address = scope, category, address
    proposal.official = official
    container.add(str(number), proposal)
    index.add(number, facets_of(proposal))
    if catalog:
        index_content(proposal)
    return proposal


def update_proposal(proposal, title, body_source, body_format, scope=None, category=None,
                    address=None):
    index = ensure_index(proposal.container)
    proposal.title = title
    proposal.body_source = body_source
    proposal.body_html = render_body(body_source, body_format)
    if scope is not None:
        index.move_facet("scope", proposal.scope, scope, proposal.number)
        proposal.scope = scope
    if category is not None:
        index.move_facet("category", proposal.category, category, proposal.number)
        proposal.category = category
    if address is not None:
        proposal.address = address
    proposal.touch()
    index_content(proposal)


def set_state(proposal, state, answer_html, cost):
    """Record the answer; the caller tells followers (see ``views_staff.notify_answer``)."""
    index = ensure_index(proposal.container)
    index.move_facet("state", proposal.state, state, proposal.number)
    proposal.state = state
    proposal.answer_html = answer_html
    proposal.cost = cost
    proposal.answered = now()


def withdraw(proposal):
    ensure_index(proposal.container).set_facet(("withdrawn", True), proposal.number, True)
    proposal.withdrawn = True
    proposal.touch()
    index_content(proposal)           # the organisation search leaves withdrawn ones out
