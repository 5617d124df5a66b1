"""Open data, organisation export, "download my data" and account deletion.

Open data follows the proposals module's rule: no personal data, authors are not named.
One row per published version (``kind`` = ``version``: its Markdown in ``wording``, its
changelog) and one per public suggestion (``kind`` = ``suggestion``: the passage, the
wording, the decision and its reason, supports and comments). Drafts, unpublished
texts and suggestions hidden by moderation are left out.
"""
from __future__ import annotations

from beffroi.api import comment_count, is_public
from beffroi_drafting.models import Annotation, Suggestion, Text


def _texts(container):
    return [t for t in container.values() if isinstance(t, Text)]


def rows(request, container):
    """The public rows of ``container`` (see the module docstring)."""
    out = []
    for text in _texts(container):
        if not is_public(text):
            continue
        for version in text.published_versions():
            out.append({
                "text": text.__name__, "text_title": text.title, "kind": "version",
                "version": version.number, "published": version.published.isoformat(),
                "section": "", "number": "", "state": "", "quote": "",
                "wording": version.source, "reason": "", "supports": "", "comments": "",
                "applied_in": "", "changelog": version.changelog,
                "url": request.resource_url(text, "version", str(version.number)),
                "created": version.created.isoformat()})
        for s in sorted(text.suggestions(), key=lambda s: s.number):
            if not is_public(s):
                continue
            out.append({
                "text": text.__name__, "text_title": text.title, "kind": "suggestion",
                "version": s.version, "published": "", "section": s.section_title or s.section_key,
                "number": s.number, "state": s.state, "quote": s.quote, "wording": s.wording,
                "reason": s.decision_reason, "supports": s.supports,
                "comments": comment_count(s), "applied_in": s.applied_in or "",
                "changelog": "", "url": request.resource_url(s),
                "created": s.created.isoformat()})
    return out


def organisation_rows(container):
    """The readable part of a whole-organisation export (authors by id, as proposals do)."""
    out = []
    for text in _texts(container):
        out.append({
            "name": text.__name__, "title": text.title, "summary": text.summary,
            "published": text.published,
            "versions": [{"number": v.number, "source": v.source, "changelog": v.changelog,
                          "published": v.published.isoformat() if v.published else None,
                          "applied": list(v.applied)} for v in text.versions.values()],
            "suggestions": [{"number": s.number, "version": s.version, "section": s.section_key,
                             "quote": s.quote, "wording": s.wording,
                             "explanation": s.explanation, "state": s.state,
                             "reason": s.decision_reason, "creator": s.creator,
                             "supports": s.supports, "applied_in": s.applied_in,
                             "created": s.created.isoformat()} for s in text.suggestions()],
            "annotations": [{"version": a.version, "section": a.section_key, "quote": a.quote,
                             "body": a.body, "creator": a.creator,
                             "created": a.created.isoformat()} for a in text.annotations()],
        })
    return out


def portable(request, container, user):
    """What ``user`` wrote in ``container`` and the suggestions they support (GDPR art. 20)."""
    annotations, suggestions, supports = [], [], []
    for text in _texts(container):
        for note in text.notes.values():
            if isinstance(note, Annotation) and note.creator == user.id:
                annotations.append({"text": text.title, "section": note.section_title,
                                    "version": note.version, "passage": note.quote,
                                    "annotation": note.body, "created": note.created.isoformat(),
                                    "url": request.resource_url(note)})
            elif isinstance(note, Suggestion):
                if note.creator == user.id:
                    suggestions.append({
                        "text": text.title, "number": note.number, "section": note.section_title,
                        "version": note.version, "passage": note.quote, "wording": note.wording,
                        "why": note.explanation, "state": note.state,
                        "reason": note.decision_reason, "created": note.created.isoformat(),
                        "url": request.resource_url(note)})
                if user.id in note.supporters:
                    supports.append({"text": text.title, "number": note.number,
                                     "url": request.resource_url(note)})
    if not (annotations or suggestions or supports):
        return None
    return {"annotations": annotations, "suggestions": suggestions, "supports": supports}


def forget(container, user_id):
    """Account deletion: what the person wrote stays (shown as by "Deleted participant");
    their suggestions still waiting for a decision are withdrawn (nobody can answer for
    them any more) and their supports of suggestions still waiting stop counting.
    Decided suggestions keep their counts: they are the record of the decision."""
    from beffroi_drafting.models import unsupport
    for text in _texts(container):
        for suggestion in text.suggestions():
            if suggestion.state != "pending":
                continue
            if suggestion.creator == user_id:
                suggestion.state = "withdrawn"
            unsupport(suggestion, user_id)
