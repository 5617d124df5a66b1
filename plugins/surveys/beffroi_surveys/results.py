"""Results read from the counts kept at submission (``Survey.tally``), never from the
answers: a results page costs what its question has options, whatever the number of
answers. Exports of the answers themselves walk the responses (staff only)."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

from beffroi.api import pluralize
from beffroi_surveys.model import (
    CHOICE_KINDS, MATRIX_KINDS, OTHER, SPAN, TEXT_KINDS, cell_key,
)

_ = TranslationStringFactory("beffroi_surveys")
BAR_MAX = 420          # width in SVG units of the longest bar


def percent(count, total) -> float:
    return round(100.0 * count / total, 1) if total else 0.0


def bars(pairs):
    """``[(label, count)]`` → rows for a table and an SVG chart: label, count, percent
    (set by the caller), bar width scaled to the largest count, y position."""
    top = max((count for _label, count in pairs), default=0) or 1
    return [{"label": label, "count": count, "width": round(BAR_MAX * count / top),
             "y": i * 46} for i, (label, count) in enumerate(pairs)]


def percent_text(value, locale_name=None) -> str:
    """``value`` with one decimal in the reader's locale ("60,0" in French)."""
    if not locale_name:
        return f"{value:.1f}"
    from babel.numbers import format_decimal
    return format_decimal(value, format="0.0", locale=locale_name)


def question_results(survey, question, other_label="Other", locale_name=None):
    """What the results page of ``question`` shows: ``answered`` (people), and per kind
    ``bars`` (choices, ranking points), ``table`` (ranking positions, matrix cells)."""
    qid, tally = question.id, survey.tally
    answered = tally.get(cell_key(qid, 0))
    out = {"question": question, "answered": answered, "total": survey.count(),
           "bars": [], "groups": [], "positions": [], "kind": question.kind}
    if question.kind in CHOICE_KINDS:
        pairs = [(label, count) for label, count in zip(
            question.options, tally.get_many([cell_key(qid, 1 + i) for i in range(len(question.options))]))]
        if question.other:
            pairs.append((other_label, tally.get(cell_key(qid, OTHER))))
        out["bars"] = _with_percent(bars(pairs), answered, locale_name)
    elif question.kind == "ranking":
        n = len(question.options)
        rows, pairs = [], []
        for i, label in enumerate(question.options):
            counts = tally.get_many([cell_key(qid, 1 + i * SPAN + p) for p in range(n)])
            ranked = sum(counts)
            mean = round(sum((p + 1) * c for p, c in enumerate(counts)) / ranked, 2) if ranked else None
            # points: n for a first place, 1 for a last one (Borda count)
            points = sum((n - p) * c for p, c in enumerate(counts))
            rows.append({"label": label, "counts": counts, "mean": mean, "points": points})
            pairs.append((label, points))
        out["positions"] = list(range(1, n + 1))
        out["table"] = rows
        out["bars"] = bars(pairs)
    elif question.kind in MATRIX_KINDS:
        for r, row in enumerate(question.rows):
            counts = tally.get_many([cell_key(qid, 1 + r * SPAN + c)
                                     for c in range(len(question.options))])
            out["groups"].append({"row": row, "bars": _with_percent(
                bars(list(zip(question.options, counts))), answered, locale_name)})
    return out


def _with_percent(rows, total, locale_name=None):
    for row in rows:
        row["percent"] = percent(row["count"], total)
        row["percent_text"] = percent_text(row["percent"], locale_name)
    return rows


def chart_description(localizer, result_bars):
    """The text alternative of a chart: every bar's label and figures, in words."""
    parts = []
    for bar in result_bars:
        if "percent" in bar:
            parts.append(localizer.translate(_("${label}: ${count} (${percent} %)", mapping={
                "label": bar["label"], "count": bar["count"], "percent": bar["percent_text"]})))
        else:
            parts.append(pluralize(localizer, "${label}: ${n} point", "${label}: ${n} points",
                                   bar["count"], mapping={"label": bar["label"]},
                                   domain="beffroi_surveys"))
    return "; ".join(parts)


# --- exports -----------------------------------------------------------------------------------

def answer_columns(survey, localizer):
    """``[(column title, question, sub)]`` of the answers export: one column per
    question, per matrix row and per ranked option."""
    columns = []
    for question in survey.questions:
        if not question.answerable:
            continue
        head = f"{survey.number_of(question)}. {question.title}"
        if question.kind in MATRIX_KINDS:
            columns += [(f"{head} — {row}", question, r) for r, row in enumerate(question.rows)]
        elif question.kind == "ranking":
            rank = localizer.translate(_("rank"))
            columns += [(f"{head} — {option} ({rank})", question, i)
                        for i, option in enumerate(question.options)]
        else:
            columns.append((head, question, None))
    return columns


def cell_text(question, value, sub, other_label):
    """One cell of the answers export, as text ("" when not answered)."""
    if value is None:
        return ""
    kind = question.kind
    if kind in TEXT_KINDS:
        return value
    if kind in CHOICE_KINDS:
        labels = [question.options[i] for i in value.get("choices", ()) if i < len(question.options)]
        if value.get("other") is not None:
            labels.append(f"{other_label}: {value['other']}")
        return "; ".join(labels)
    if kind == "ranking":
        return str(value.index(sub) + 1) if sub in value else ""
    if kind in MATRIX_KINDS:
        cell = value.get(sub)
        if cell is None:
            return ""
        cells = cell if isinstance(cell, list) else [cell]
        return "; ".join(question.options[c] for c in cells if c < len(question.options))
    return ""


def answer_rows(survey, localizer):
    """``(columns, rows)`` of every response (no person named: a response number)."""
    other_label = localizer.translate(_("Other"))
    columns = answer_columns(survey, localizer)
    response_col, date_col = localizer.translate(_("response")), localizer.translate(_("submitted"))
    rows = []
    for number, response in enumerate(sorted(survey.responses.values(), key=lambda r: r.created), 1):
        row = {response_col: number, date_col: response.created.isoformat()}
        for title, question, sub in columns:
            if question.kind == "files":
                f = response.files.get(question.id)
                row[title] = f.filename if f is not None else ""
            else:
                row[title] = cell_text(question, response.answers.get(question.id), sub, other_label)
        rows.append(row)
    return [response_col, date_col] + [c[0] for c in columns], rows


def open_data_rows(survey, localizer):
    """Aggregated results of ``survey`` as flat rows: no free text, no person."""
    rows = []
    other_label = localizer.translate(_("Other"))
    for question in survey.questions:
        if not question.answerable:
            continue
        result = question_results(survey, question, other_label)
        base = {"survey": survey.title, "number": survey.number_of(question),
                "question": question.title, "type": question.kind,
                "answered": result["answered"], "responses": result["total"]}
        if question.kind in CHOICE_KINDS:
            for bar in result["bars"]:
                rows.append(dict(base, row="", option=bar["label"], count=bar["count"],
                                 percentage=bar["percent"]))
        elif question.kind == "ranking":
            for bar in result["bars"]:
                rows.append(dict(base, row="", option=bar["label"], count=bar["count"],
                                 percentage=""))
        elif question.kind in MATRIX_KINDS:
            for group in result["groups"]:
                for bar in group["bars"]:
                    rows.append(dict(base, row=group["row"], option=bar["label"],
                                     count=bar["count"], percentage=bar["percent"]))
        else:
            rows.append(dict(base, row="", option="", count=result["answered"],
                             percentage=percent(result["answered"], result["total"])))
    return rows


OPEN_DATA_COLUMNS = ("survey", "number", "question", "type", "row", "option", "count",
                     "percentage", "answered", "responses")
