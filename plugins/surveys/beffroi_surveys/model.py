"""Surveys, their questions and the answers, with counts kept at submission.

Key layout and concurrency contract (one ``Survey`` object per questionnaire):

- ``survey.answered``: OOBTree person id → submission time, the "has answered" mark.
  Submitting inserts the person's key: two concurrent submissions by the same person
  insert the same key, conflict at commit, and the retried one finds the mark and is
  refused, so one answer per participant holds. Different people insert different
  keys, which BTrees merge.
- ``survey.responses``: OOBTree response key → ``Response``. The key is the person's
  id, or — in an anonymous survey — a random key with no link to the person (only the
  mark above says that they answered).
- ``survey.tally``: a ``beffroi.api.Tally`` (conflict-free) of counts per question
  and cell, ``cell_key(question id, cell)``: cell 0 counts the people who answered
  the question, ``1 + i`` option ``i`` of a choice question, ``OTHER`` its "other",
  ``1 + row * 64 + column`` a matrix cell, ``1 + option * 64 + position`` a ranking.
  Results read these counts and never walk the answers.
- ``survey.texts``: OOBTree (question id, part, response key) → text of the free-text
  answers ("" part) and "other" texts (``"other"``), listed by a range query;
  ``survey.hidden_texts`` holds the keys a moderator hid.
"""
from __future__ import annotations

import secrets

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from beffroi.api import Content, Tally, now

KINDS = ("short", "long", "single", "multiple", "ranking", "matrix_single", "matrix_multiple",
         "files", "title")
CHOICE_KINDS = ("single", "multiple")
MATRIX_KINDS = ("matrix_single", "matrix_multiple")
WITH_OPTIONS = CHOICE_KINDS + ("ranking",) + MATRIX_KINDS
TEXT_KINDS = ("short", "long")
CELLS = 4096
OTHER = 4000
SPAN = 64                  # rows, columns and ranking options each stay below this
MAX_OPTIONS = 50
SHORT_MAX = 300
LONG_MAX = 5000


def cell_key(question_id: int, cell: int) -> int:
    """The tally number of ``cell`` of question ``question_id`` (see the module docstring)."""
    return question_id * CELLS + cell


class Question(Persistent):
    """One question. ``options`` are the choices (or a matrix's columns), ``rows`` a
    matrix's rows; ``condition`` is ``(question id, option index)`` or None: the question
    is asked only when that earlier choice question was answered with that option."""

    description = ""
    mandatory = False
    options = ()
    rows = ()
    max_choices = 0
    other = False
    condition = None

    def __init__(self, qid, kind, title, **fields):
        self.id = qid
        self.kind = kind
        self.title = title
        self.update(**fields)

    def update(self, **fields):
        for name, value in fields.items():
            if name not in ("description", "mandatory", "options", "rows", "max_choices",
                            "other", "condition", "title"):
                raise TypeError(f"unknown question field {name!r}")
            setattr(self, name, tuple(value) if name in ("options", "rows", "condition")
                    and value is not None else value)

    @property
    def answerable(self) -> bool:
        return self.kind != "title"

    def as_data(self) -> dict:
        """Plain data of the question (for templates and exports)."""
        return {"id": self.id, "kind": self.kind, "title": self.title,
                "description": self.description, "mandatory": self.mandatory,
                "options": list(self.options), "rows": list(self.rows),
                "max_choices": self.max_choices, "other": self.other,
                "condition": list(self.condition) if self.condition else None}


class FileAnswer(Persistent):
    """A file given as an answer, kept in a ZODB blob."""

    def __init__(self, filename, content_type, blob, size):
        self.filename, self.content_type, self.blob, self.size = filename, content_type, blob, size


class Response(Persistent):
    """One participant's answers: question id → value (see ``answers.py`` for shapes).
    ``user_id`` is None in an anonymous survey."""

    def __init__(self, key, user_id, answers, files=None):
        self.key = key
        self.user_id = user_id
        self.answers = dict(answers)
        self.files = dict(files or {})
        self.created = now()


class AlreadyAnswered(Exception):
    """The person has already answered this survey."""


class Survey(Content):
    """A questionnaire in a surveys container."""

    description = ""
    consent = ""
    anonymous = False
    published = True

    def __init__(self, title, description="", consent="", anonymous=False, creator=None):
        super().__init__(creator)
        self.title = title
        self.description = description
        self.consent = consent
        self.anonymous = anonymous
        self.questions = PersistentList()
        self.next_id = 1
        self.answered = OOBTree()
        self.responses = OOBTree()
        self.count = Length()
        self.tally = Tally()
        self.texts = OOBTree()
        self.hidden_texts = OOTreeSet()
        self.file_index = OOBTree()       # (question id, response key) → FileAnswer

    # --- questions ---------------------------------------------------------------------

    def question(self, qid):
        return next((q for q in self.questions if q.id == qid), None)

    def add_question(self, kind, title, **fields) -> Question:
        if kind not in KINDS:
            raise ValueError(f"unknown question kind {kind!r}")
        question = Question(self.next_id, kind, title, **fields)
        self.next_id += 1
        self.questions.append(question)
        return question

    def remove_question(self, qid):
        self.questions[:] = [q for q in self.questions if q.id != qid]
        for q in self.questions:           # a condition on a removed question goes too
            if q.condition and q.condition[0] == qid:
                q.condition = None

    def move_question(self, qid, step):
        order = list(self.questions)
        index = next(i for i, q in enumerate(order) if q.id == qid)
        target = index + step
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
            self.questions[:] = order

    def number_of(self, question) -> int:
        """The number shown before an answerable question (1, 2 …; titles have none)."""
        n = 0
        for q in self.questions:
            if q.answerable:
                n += 1
            if q is question:
                return n
        return 0

    @property
    def locked(self) -> bool:
        """Questions no longer change once someone has answered (counts would lie)."""
        return self.count() > 0

    # --- answers -----------------------------------------------------------------------

    file_index = None
    pending = None         # (person id, question id) → FileAnswer sent with a form that had mistakes

    def pending_file(self, user_id, qid):
        return self.pending.get((user_id, qid)) if self.pending is not None else None

    def keep_pending(self, user_id, qid, file_answer):
        if self.pending is None:
            self.pending = OOBTree()
        self.pending[(user_id, qid)] = file_answer

    def drop_pending(self, user_id):
        if self.pending is not None:
            for key in list(self.pending.keys(min=(user_id, 0), max=(user_id, 1 << 62))):
                del self.pending[key]

    def has_answered(self, user_id) -> bool:
        return user_id is not None and user_id in self.answered

    def submit(self, user_id, answers, files=None) -> Response:
        """Record the answers of ``user_id`` (validated by ``answers.validate``) and
        update the counts. Raises ``AlreadyAnswered`` on a second submission."""
        if user_id in self.answered:
            raise AlreadyAnswered()
        self.answered[user_id] = now()
        key = "a-" + secrets.token_hex(8) if self.anonymous else user_id
        response = Response(key, None if self.anonymous else user_id, answers, files)
        self.responses[key] = response
        self.count.change(1)
        self.drop_pending(user_id)
        for qid, value in answers.items():
            question = self.question(qid)
            if question is not None:
                self._count(question, value, key, +1)
        for qid, file_answer in (files or {}).items():
            question = self.question(qid)
            if question is not None and qid not in answers:
                self.tally.change(cell_key(qid, 0), 1)
                self.file_index[(qid, key)] = file_answer
        return response

    def _count(self, question, value, key, delta):
        qid, tally = question.id, self.tally
        tally.change(cell_key(qid, 0), delta)
        kind = question.kind
        if kind in TEXT_KINDS:
            if delta > 0:
                self.texts[(qid, "", key)] = value
            else:
                self.texts.pop((qid, "", key), None)
        elif kind in CHOICE_KINDS:
            for i in value.get("choices", ()):
                tally.change(cell_key(qid, 1 + i), delta)
            if value.get("other") is not None:
                tally.change(cell_key(qid, OTHER), delta)
                if delta > 0:
                    self.texts[(qid, "other", key)] = value["other"]
                else:
                    self.texts.pop((qid, "other", key), None)
        elif kind == "ranking":
            for position, option in enumerate(value):
                tally.change(cell_key(qid, 1 + option * SPAN + position), delta)
        elif kind in MATRIX_KINDS:
            for row, columns in value.items():
                for column in (columns if isinstance(columns, list) else [columns]):
                    tally.change(cell_key(qid, 1 + row * SPAN + column), delta)

    def text_count(self, question) -> int:
        """How many free texts ``question`` has (its answers, or its "other" texts)."""
        if question.kind in TEXT_KINDS:
            return self.tally.get(cell_key(question.id, 0))
        if question.kind in CHOICE_KINDS and question.other:
            return self.tally.get(cell_key(question.id, OTHER))
        return 0

    def texts_page(self, qid, start, size, include_hidden=True):
        """``size`` free texts of question ``qid`` from the ``start``-th, read from the
        BTree range without loading the others: ``(text key, part, text, hidden)``."""
        from itertools import islice
        items = self.texts.items(min=(qid, "", ""), max=(qid, "\uffff", "\uffff"))
        if not include_hidden:
            items = ((k, v) for k, v in items if k not in self.hidden_texts)
        return [(k, k[1], v, k in self.hidden_texts) for k, v in islice(items, start, start + size)]

    def files_of(self, qid, limit=500):
        """``(response key, FileAnswer)`` of question ``qid``, at most ``limit``."""
        from itertools import islice
        items = self.file_index.items(min=(qid, ""), max=(qid, "\uffff"))
        return [(key[1], f) for key, f in islice(items, limit)]

    def texts_of(self, qid, include_hidden=True):
        """``(text key, part, text, hidden)`` of question ``qid``'s free texts."""
        out = []
        for key, text in self.texts.items(min=(qid, "", ""), max=(qid, "\uffff", "\uffff")):
            hidden = key in self.hidden_texts
            if include_hidden or not hidden:
                out.append((key, key[1], text, hidden))
        return out


def add_survey(container, title, description="", consent="", anonymous=False, creator=None):
    """Create an empty survey in ``container`` under a name made from its title."""
    from beffroi.api import slugify
    survey = Survey(title, description, consent, anonymous, creator)
    container.add(container.unique_name(slugify(title) or "survey"), survey)
    from beffroi.api import index_content
    index_content(survey)
    return survey


def surveys_of(container):
    """The surveys of a container, newest first."""
    found = [s for s in container.values() if isinstance(s, Survey)]
    return sorted(found, key=lambda s: s.created, reverse=True)
