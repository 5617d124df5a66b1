"""Reading a filled questionnaire: what was posted → answers, or messages per question.

Field names of the form (``q<id>`` is the question's own field):

- short and long answers: ``q<id>`` (text);
- single and multiple choice: ``q<id>`` (option index, several for multiple) and
  ``other`` for "other", with its text in ``q<id>-other``;
- ranking: ``q<id>-r<option>`` = the rank (1, 2 …) given to that option;
- matrices: ``q<id>-m<row>`` = the column index (several for a multiple matrix);
- files: ``q<id>`` (a file); a file already sent with a form that had mistakes is
  kept for its person (``Survey.pending``) and ``q<id>-keep`` says to keep it.

Answer shapes stored in ``Response.answers`` (question id → value): text for short
and long answers; ``{"choices": [indices], "other": text or None}`` for choices; the
option indices in rank order for a ranking; ``{row: column}`` or ``{row: [columns]}``
for matrices. Files go to ``Response.files`` (question id → ``FileAnswer``).
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi.api import UploadError, check_image, clean_image, has_control_characters, read_upload
from beffroi_surveys.model import (
    CHOICE_KINDS, LONG_MAX, MATRIX_KINDS, SHORT_MAX, FileAnswer,
)

_ = TranslationStringFactory("beffroi_surveys")
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


class Filled:
    """What the person typed, to show the form again (``params``: a webob MultiDict,
    or ``{}`` for an empty form)."""

    def __init__(self, params=None):
        self.params = params if params is not None else {}

    def value(self, name):
        return self.params.get(name, "") if self.params else ""

    def values(self, name):
        if not self.params:
            return []
        return self.params.getall(name) if hasattr(self.params, "getall") else \
            [self.params.get(name)] if name in self.params else []

    def checked(self, name, value):
        return "checked" if str(value) in self.values(name) else None

    def selected(self, name, value):
        return "selected" if self.value(name) == str(value) else None


def is_shown(question, answers) -> bool:
    """Is ``question`` asked, given the ``answers`` to earlier questions?"""
    if not question.condition:
        return True
    qid, option = question.condition
    value = answers.get(qid)
    return isinstance(value, dict) and option in value.get("choices", ())


def _index(raw, size):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value < size else None


def _text(question, raw, limit):
    text = (raw or "").strip()
    if has_control_characters(text):
        return None, _("Remove the control characters from your answer.")
    if len(text) > limit:
        return None, _("Keep to ${max} characters (you wrote ${count}).",
                       mapping={"max": limit, "count": len(text)})
    return text, None


def _choices(question, params):
    name = f"q{question.id}"
    raw = params.getall(name) if hasattr(params, "getall") else []
    if question.kind == "single":
        raw = raw[:1] if len(raw) <= 1 else raw
        if len(raw) > 1:
            return None, _("Choose one option only.")
    choices, other = [], None
    for item in raw:
        if item == "other" and question.other:
            other = ""
            continue
        index = _index(item, len(question.options))
        if index is None:
            return None, _("Choose among the options shown.")
        if index not in choices:
            choices.append(index)
    if other is not None:
        other, error = _text(question, params.get(f"{name}-other"), SHORT_MAX)
        if error:
            return None, error
        if not other:
            return None, _("Say what your other answer is.")
    count = len(choices) + (other is not None)
    if question.kind == "multiple" and question.max_choices and count > question.max_choices:
        return None, _("Options you may choose at most: ${max} (you chose ${count}).",
                       mapping={"max": question.max_choices, "count": count})
    if not count:
        return None, None
    return {"choices": sorted(choices), "other": other}, None


def _ranking(question, params):
    ranks = {}
    for i in range(len(question.options)):
        raw = (params.get(f"q{question.id}-r{i}") or "").strip()
        if not raw:
            continue
        rank = _index(raw, len(question.options) + 1)
        if not rank:
            return None, _("Give ranks between 1 and ${max}.", mapping={"max": len(question.options)})
        ranks[i] = rank
    if not ranks:
        return None, None
    if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
        return None, _("Give each rank once, from 1 and without gaps.")
    if question.mandatory and len(ranks) != len(question.options):
        return None, _("Rank every option.")
    return [option for option, _rank in sorted(ranks.items(), key=lambda item: item[1])], None


def _matrix(question, params):
    out = {}
    for row in range(len(question.rows)):
        name = f"q{question.id}-m{row}"
        raw = params.getall(name) if hasattr(params, "getall") else []
        if not raw:
            continue
        columns = [_index(item, len(question.options)) for item in raw]
        if None in columns:
            return None, _("Choose among the options shown.")
        if question.kind == "matrix_single":
            if len(columns) > 1:
                return None, _("Choose one option per row.")
            out[row] = columns[0]
        else:
            columns = sorted(set(columns))
            if question.max_choices and len(columns) > question.max_choices:
                return None, _("Options you may choose per row at most: ${max}.",
                               mapping={"max": question.max_choices})
            out[row] = columns
    if out and question.mandatory and len(out) != len(question.rows):
        return None, _("Answer every row.")
    return (out or None), None


def read_file(upload, max_bytes):
    """A ``FileAnswer`` from an uploaded file: PDF documents and PNG, JPEG or WebP
    images (checked by their content, images re-encoded without their metadata).
    Raises ``UploadError``."""
    from ZODB.blob import Blob
    data = read_upload(upload.file, max_bytes)
    if data.startswith(b"%PDF-"):
        content_type = "application/pdf"
    else:
        try:
            check_image(data, IMAGE_TYPES)
        except UploadError:
            raise UploadError(_("Only PDF documents and PNG, JPEG or WebP images are accepted.")) \
                from None
        data, content_type = clean_image(data, max_side=None, allowed=IMAGE_TYPES)
    name = (upload.filename or "file").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isalnum() or c in "._- ")[:100].strip(" .") or "file"
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    return FileAnswer(name, content_type, blob, len(data))


def validate(survey, params, user_id, max_bytes):
    """``(answers, files, errors)`` from the posted ``params`` (a webob MultiDict).

    ``errors`` maps a question id (or ``"consent"``) to a message; when it is not empty
    nothing is recorded, but files that were accepted wait in ``survey.pending`` for
    the next try. Questions whose condition is not met are ignored and not required."""
    answers, files, errors = {}, {}, {}
    for question in survey.questions:
        if not question.answerable or not is_shown(question, answers):
            continue
        qid, kind, value, error = question.id, question.kind, None, None
        if kind in ("short", "long"):
            value, error = _text(question, params.get(f"q{qid}"),
                                 SHORT_MAX if kind == "short" else LONG_MAX)
            value = value or None
        elif kind in CHOICE_KINDS:
            value, error = _choices(question, params)
        elif kind == "ranking":
            value, error = _ranking(question, params)
        elif kind in MATRIX_KINDS:
            value, error = _matrix(question, params)
        elif kind == "files":
            upload = params.get(f"q{qid}")
            pending = survey.pending_file(user_id, qid)
            if getattr(upload, "filename", None):
                try:
                    files[qid] = read_file(upload, max_bytes)
                    survey.keep_pending(user_id, qid, files[qid])
                except UploadError as exc:
                    error = exc.message
            elif pending is not None and params.get(f"q{qid}-keep") == "1":
                files[qid] = pending
            if qid not in files and not error and question.mandatory:
                error = _("This question needs an answer.")
            continue_with = error
            if continue_with:
                errors[qid] = continue_with
            continue
        if error is None and value is None and question.mandatory:
            error = _("This question needs an answer.")
        if error is not None:
            errors[qid] = error
        elif value is not None:
            answers[qid] = value
    if survey.consent and params.get("consent") != "1":
        errors["consent"] = _("Accept the terms above to send your answers.")
    return answers, files, errors
