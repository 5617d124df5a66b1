"""Comments on any content type that opts in with ``commentable = True``.

A commentable class may also define ``comments_open(self, request) -> bool`` (closed
comments stay readable) and ``comment_max_length`` (else the organisation's
``comment_max_length``, else 1,000 characters).

Comments are ``Content`` objects kept in a ``CommentFolder`` stored as the attribute
``comments`` of the commented object, created by the first comment (never by a read).
Their URL is ``<content>/comments/<id>/``, so views registered for ``Content`` (such as
moderation's ``report``) work on them too. Threads go three levels deep; a deleted
comment keeps its place (and its replies) and shows "Comment deleted".

Concurrency: a comment's name is a random 12-digit number (``417093528816``), so two
people commenting on one item at once add different keys to its folder and merge
without a conflict (the old ``len + 1`` names made them collide; names growing with
time would all land at the end of the same BTree bucket and conflict whenever it
splits). Threads are ordered by creation time. The count of readable comments (neither deleted nor hidden
by moderation: what a visitor can read, and what every count shows) is a
``BTrees.Length``, also conflict-free.
"""
from __future__ import annotations

import secrets

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree

from beffroi.i18n import _
from beffroi.resources.folder import Content, Folder, now
from beffroi.sanitise import render_markdown

FOLDER_ATTR = "comments"
MAX_DEPTH = 3                      # a comment, a reply, a reply to the reply
DEFAULT_MAX_LENGTH = 1000
ALIGNMENTS = {1: _("In favour"), 0: _("Neutral"), -1: _("Against")}

class CommentError(ValueError):
    """A comment that cannot be accepted; ``field`` names the form field at fault."""

    def __init__(self, message, field="body", mapping=None):
        super().__init__(message)
        self.message, self.field, self.mapping = message, field, mapping


class Comment(Content):
    """One comment: Markdown source, its sanitised HTML, alignment and votes."""
    edited = None          # when the author last changed it
    deleted = False

    def __init__(self, body, creator, alignment=0, reply_to=None, depth=0):
        super().__init__(creator)
        self.body = body
        self.html = render_markdown(body)
        self.alignment = alignment
        self.reply_to = reply_to          # name of the parent comment, or None
        self.depth = depth                # 0 for a top-level comment
        self.up = Length()
        self.down = Length()
        self.votes = OOBTree()            # user id → +1 or -1: one vote per participant

    @property
    def commented(self):
        """The object this comment belongs to."""
        return self.__parent__.__parent__

    @property
    def title(self):
        return (self.body or "")[:60]

    def edit(self, body, alignment):
        self.body = body
        self.html = render_markdown(body)
        self.alignment = alignment
        self.edited = now()
        self.touch()
        _search(self)

    def delete(self):
        """Blank the text but keep the comment, so its replies keep their place."""
        self.body = ""
        self.html = ""
        self.deleted = True
        self.touch()

    def moderation_changed(self, was_hidden: bool) -> None:
        """Called by moderation after hiding or restoring this comment."""
        visibility_changed(self, not self.deleted and not was_hidden)

    def score(self) -> int:
        return self.up() - self.down()

    def vote_of(self, user_id):
        return self.votes.get(user_id, 0) if user_id else 0

    def vote(self, user_id, value: int) -> int:
        """Record ``user_id``'s vote (+1, -1); the same vote again withdraws it.
        Returns the participant's vote after the change."""
        if value not in (1, -1):
            raise CommentError(_("Unknown vote."), field="vote")
        previous = self.votes.get(user_id, 0)
        if previous == value:
            del self.votes[user_id]
            (self.up if value == 1 else self.down).change(-1)
            return 0
        if previous:
            (self.up if previous == 1 else self.down).change(-1)
        self.votes[user_id] = value
        (self.up if value == 1 else self.down).change(1)
        return value


class CommentFolder(Folder):
    """The comments of one object, under random 12-digit names (older databases
    also hold ``1``, ``2`` …: every name is an integer)."""

    #: Readable comments (not deleted, not hidden); None in folders made before it
    #: existed, until their next change counts them.
    readable = None

    def __init__(self):
        super().__init__()
        self.live = Length()        # comments not deleted (kept for older code)
        self.readable = Length()    # neither deleted nor hidden: what every count shows

    def next_name(self) -> str:
        # distinct across requests without reading a counter: no conflict on the names;
        # spread over the tree so that concurrent inserts rarely share a bucket
        while True:
            name = str(10 ** 11 + secrets.randbelow(9 * 10 ** 11))
            if name not in self:
                return name

    def count_readable(self) -> int:
        """Count the readable comments by reading each one (older folders)."""
        return sum(1 for comment in self.values() if is_readable(comment))

    def readable_counter(self) -> Length:
        """The ``readable`` Length, made from a count the first time it is written."""
        if self.readable is None:
            self.readable = Length(self.count_readable())
        return self.readable


def is_readable(comment) -> bool:
    """Can a visitor read ``comment``? Not when deleted or hidden by moderation."""
    from beffroi.services.moderation.model import is_hidden
    return not comment.deleted and not is_hidden(comment)


def is_commentable(obj) -> bool:
    return bool(getattr(obj, "commentable", False))


def comment_folder(content):
    """The comment folder of ``content``, or None before its first comment."""
    return getattr(content, FOLDER_ATTR, None) if is_commentable(content) else None


def comment_count(content) -> int:
    """How many comments of ``content`` a visitor can read (deleted ones and those
    hidden by moderation excluded): the count of item pages, listings, the "most
    commented" order and exports. Reads one Length (older folders: counts them)."""
    folder = comment_folder(content)
    if folder is None:
        return 0
    if folder.readable is None:
        return folder.count_readable()
    return folder.readable()


def comment_summary(content) -> dict:
    """What the readable comments of ``content`` say: ``{"in_favour": n, "neutral": n,
    "against": n, "participants": n}`` (participants: distinct authors). Reads every
    comment: for a debate's page, not for listings (use ``comment_count`` there)."""
    summary = {"in_favour": 0, "neutral": 0, "against": 0, "participants": 0}
    folder = comment_folder(content)
    if folder is None:
        return summary
    authors = set()
    for comment in folder.values():
        if not is_readable(comment):
            continue
        key = "in_favour" if comment.alignment > 0 else "against" if comment.alignment < 0 \
            else "neutral"
        summary[key] += 1
        authors.add(comment.creator)
    summary["participants"] = len(authors)
    return summary


def comments_open(content, request) -> bool:
    """May comments be added now? The content decides with ``comments_open(request)``."""
    check = getattr(content, "comments_open", None)
    return bool(check(request)) if callable(check) else True


def max_length(content, organisation) -> int:
    """The longest comment accepted on ``content``."""
    value = getattr(content, "comment_max_length", None) \
        or getattr(organisation, "comment_max_length", None) or DEFAULT_MAX_LENGTH
    return int(value)


def get_comment(content, name):
    folder = comment_folder(content)
    return folder.get(name) if folder is not None and isinstance(name, str) else None


def parse_alignment(value) -> int:
    try:
        alignment = int(value)
    except (TypeError, ValueError):
        raise CommentError(_("Choose in favour, neutral or against."), field="alignment") from None
    if alignment not in ALIGNMENTS:
        raise CommentError(_("Choose in favour, neutral or against."), field="alignment")
    return alignment


#: Characters that show nothing: a comment made only of them (and spaces) is empty.
INVISIBLE = " \t\n\u00a0\u200b\u200c\u200d\u2060\ufeff"


def check_body(body: str, limit: int) -> str:
    from beffroi.forms import CONTROL_CHARACTERS_MESSAGE, has_control_characters
    body = (body or "").replace("\r\n", "\n").strip()
    if has_control_characters(body):            # the API and forms alike (NUL, BEL, …)
        raise CommentError(CONTROL_CHARACTERS_MESSAGE)
    if not body.strip(INVISIBLE):
        raise CommentError(_("Write your comment."))
    if len(body) > limit:
        raise CommentError(
            _("Your comment is ${length} characters long; the limit is ${limit}."),
            mapping={"length": len(body), "limit": limit})
    if not render_markdown(body).strip():
        raise CommentError(_("Your comment has no text once formatting is removed."))
    return body


def add_comment(content, organisation, user_id, body, alignment=0, reply_to=None) -> Comment:
    """Validate and store a comment on ``content`` (raises ``CommentError``)."""
    if not is_commentable(content):
        raise CommentError(_("This cannot be commented."))
    body = check_body(body, max_length(content, organisation))
    alignment = parse_alignment(alignment)
    depth = 0
    folder = comment_folder(content)
    if reply_to:
        parent = folder.get(reply_to) if folder is not None else None
        if parent is None or not is_readable(parent):
            raise CommentError(_("The comment you answer no longer exists."), field="reply_to")
        if parent.depth + 1 >= MAX_DEPTH:
            raise CommentError(_("Replies go three levels deep at most."), field="reply_to")
        depth = parent.depth + 1
    if folder is None:
        folder = CommentFolder()
        setattr(content, FOLDER_ATTR, folder)
        # the folder's parent is the commented object: lineage (space, security) works
        folder.__parent__, folder.__name__ = content, FOLDER_ATTR
    counter = folder.readable_counter()
    comment = Comment(body, user_id, alignment, reply_to or None, depth)
    folder.add(folder.next_name(), comment)
    folder.live.change(1)
    counter.change(1)
    _tell(content)
    _search(comment)
    return comment


def delete_comment(comment):
    """Delete a comment's text (kept as a placeholder for its replies)."""
    if comment.deleted:
        return
    folder = comment.__parent__
    counter = folder.readable_counter()
    was_readable = is_readable(comment)
    comment.delete()
    folder.live.change(-1)
    if was_readable:
        counter.change(-1)
    _tell(folder.__parent__)
    _search(comment)


def visibility_changed(comment, was_readable: bool) -> None:
    """Keep the count true after moderation hid or restored ``comment``; the
    moderation service calls it with the readability before its change."""
    folder = comment.__parent__
    if folder.readable is None:
        folder.readable_counter()    # counts the comments as they are now
        _tell(folder.__parent__)
        return
    now_readable = is_readable(comment)
    if now_readable != was_readable:
        folder.readable.change(1 if now_readable else -1)
        _tell(folder.__parent__)


def _search(comment):
    """Let the organisation search (re)index ``comment`` after the commit."""
    from beffroi.services.search import changes
    changes.changed(comment)


def _tell(content):
    """Let the commented object keep its own orderings (e.g. "most commented") up to
    date: it may define ``comments_changed(count)``, called in the same transaction."""
    callback = getattr(content, "comments_changed", None)
    if callback is not None:
        callback(comment_count(content))


def thread(content):
    """The comments of ``content`` as a list of ``(comment, replies)`` trees, oldest first."""
    folder = comment_folder(content)
    if folder is None:
        return []
    children = {}
    for name, comment in folder.items():
        children.setdefault(comment.reply_to, []).append(comment)

    def build(parent_name):
        items = sorted(children.get(parent_name, ()), key=lambda c: (c.created, int(c.__name__)))
        return [(c, build(c.__name__)) for c in items]
    return build(None)
