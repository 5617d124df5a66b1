"""Reading views: the texts of a space, a text (latest or any published version), the
differences between two versions, a suggestion, an annotation."""
from __future__ import annotations

import re
from types import SimpleNamespace

from markupsafe import Markup
from pyramid.httpexceptions import HTTPFound, HTTPNotFound

from beffroi.api import (
    ModuleContainer, author_name, comment_count, is_public, is_public_to, render_markdown,
)
from beffroi_drafting import rules
from beffroi_drafting.diff import compare_sections, word_diff
from beffroi_drafting.i18n import _
from beffroi_drafting.models import Annotation, Suggestion, Text
from beffroi_drafting.render import section_html

TPL = "beffroi_drafting:templates/"
INNER_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
STATE_TITLES = {"pending": _("Waiting for a decision"), "accepted": _("Accepted"),
                "rejected": _("Rejected"), "withdrawn": _("Withdrawn")}


def visible_texts(request, container):
    """The texts the person may read: published ones, and drafts for the space's admins."""
    manage = rules.can_manage(request, container)
    texts = [t for t in container.values() if isinstance(t, Text)
             and (is_public_to(request, t) or manage)]
    return sorted(texts, key=lambda t: t.created)


def readable(request, text):
    """404 unless the person may read ``text`` (never published: its admins only)."""
    if not is_public_to(request, text) and not rules.can_manage(request, text):
        raise HTTPNotFound()


def listing(context, request):
    texts = visible_texts(request, context)
    counts = {}
    for text in texts:
        public = [n for n in text.suggestions() if is_public(n)]
        counts[text.__name__] = (len(public), sum(1 for n in public if n.state == "accepted"),
                                 sum(1 for n in text.annotations() if is_public(n)))
    return {"page_title": context.title or _("Collaborative drafting"),
            "texts": texts, "counts": counts,
            "settings": rules.settings_of(request, context),
            "can_manage": rules.can_manage(request, context)}


def demote_headings(html):
    """Headings typed inside a section's body (underlined with === …) must not compete
    with the page's outline: shown as strong paragraphs."""
    return Markup(INNER_HEADING.sub(r'<p class="drafting-subheading"><strong>\2</strong></p>',
                                    str(html)))


def _notes_by_section(request, text):
    annotations, suggestions = {}, {}
    for note in text.notes.values():
        if not is_public_to(request, note):
            continue
        if isinstance(note, Annotation):
            annotations.setdefault(note.section_key, []).append(note)
        elif isinstance(note, Suggestion):
            suggestions.setdefault(note.section_key, []).append(note)
    for items in annotations.values():
        items.sort(key=lambda n: n.created)
    for items in suggestions.values():
        items.sort(key=lambda n: n.number)
    return annotations, suggestions


def version_page(request, text, version, latest):
    t = request.localizer.translate
    annotations, suggestions = _notes_by_section(request, text)
    sections = [SimpleNamespace(
        key=s.key, title=s.title, display=s.title or t(_("Preamble")), html=demote_headings(section_html(request, text, version, s)),
        annotations=annotations.get(s.key, []), suggestions=suggestions.get(s.key, []),
        marked=bool(version.origins_of(s.key))) for s in version.sections]
    applied = [text.get(name) for name in version.applied]
    manage = rules.can_manage(request, text)
    waiting = sorted((n for n in text.suggestions() if n.state == "pending"
                      and is_public_to(request, n)), key=lambda n: n.number) if manage else []
    return {"waiting": waiting, "page_title": text.title, "text": text, "version": version, "latest": latest,
            "sections": sections,
            "marked": any(s.marked for s in sections),
            "changelog_html": Markup(render_markdown(version.changelog, profile="body")),
            "applied": [s for s in applied if s is not None and is_public_to(request, s)],
            "versions": text.published_versions(),
            "draft": text.draft if rules.can_manage(request, text) else None,
            "can_manage": rules.can_manage(request, text),
            "can_annotate": latest and rules.can_annotate(request, text),
            "can_suggest": latest and rules.can_suggest(request, text),
            "author": lambda uid: author_name(request, uid),
            "state_title": STATE_TITLES, "comment_count": comment_count,
            "module_title": module_title(request, text.__parent__),
            "selected_label": t(_("Selected passage:"))}


def module_title(request, container):
    """The title of the module in its space (its own, else "Collaborative drafting")."""
    return container.title or request.localizer.translate(_("Collaborative drafting"))


def text_view(context, request):
    """The latest published version; admins of a text never published see its draft."""
    readable(request, context)
    version = context.current
    if version is None:
        return HTTPFound(location=request.resource_url(context, "draft"))
    return version_page(request, context, version, latest=True)


def old_version_view(context, request):
    """``<text>/version/<n>``: a published version as it was."""
    readable(request, context)
    try:
        number = int(request.subpath[0]) if len(request.subpath) == 1 else -1
    except ValueError:
        number = -1
    version = context.versions.get(number) if 0 < number <= context.published_number else None
    if version is None:
        raise HTTPNotFound()
    if number == context.published_number:
        return HTTPFound(location=request.resource_url(context))
    return version_page(request, context, version, latest=False)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def compare_view(context, request):
    """``<text>/compare?from=1&to=2``: what changed between two versions, section by
    section, word by word. Admins may compare with the draft too."""
    readable(request, context)
    t = request.localizer.translate
    numbers = [v.number for v in context.published_versions()]
    draft = context.draft if rules.can_manage(request, context) else None
    if draft is not None:
        numbers.append(draft.number)
    newest = context.published_number or (draft.number if draft else 0)
    asked_from, asked_to = request.params.get("from"), request.params.get("to")
    first, second = _number(asked_from), _number(asked_to)
    if first is None and second is None:
        first, second = max(newest - 1, 1), newest
    error = None
    if first not in numbers or second not in numbers:
        error = _("Choose two versions of this text.")
    elif first == second:
        error = _("Choose two different versions.")
    diffs, old, new = [], None, None
    if error is None:
        old, new = context.versions[min(first, second)], context.versions[max(first, second)]
        diffs = compare_sections(old.sections, new.sections, t(_("added:")), t(_("removed:")))
    return {"page_title": _("Compare versions"), "text": context, "numbers": numbers,
            "first": first, "second": second, "error": error, "old": old, "new": new,
            "preamble": _("Preamble"), "diffs": diffs, "changed": [d for d in diffs if d.status != "same"],
            "draft_number": draft.number if draft else None,
            "added": sum(d.added for d in diffs), "removed": sum(d.removed for d in diffs)}


def suggestion_view(context, request):
    if not is_public_to(request, context):
        raise HTTPNotFound()
    t = request.localizer.translate
    text = context.text
    version = text.versions.get(context.version)
    section = version.section(context.section_key) if version else None
    before = context.quote or (section.body if section else "")
    diff, _plus, _minus = word_diff(before, context.wording, t(_("added:")), t(_("removed:")))
    user = request.user
    return {"page_title": _("Suggestion #${number}", mapping={"number": context.number}),
            "suggestion": context, "text": text, "diff": diff,
            "author": author_name(request, context.creator),
            "decider": author_name(request, context.decided_by) if context.decided_by else "",
            "state_title": STATE_TITLES[context.state],
            "supported": user is not None and user.id in context.supporters,
            "can_withdraw": rules.can_withdraw(request, context),
            "can_support": rules.can_support(request, context),
            "can_unsupport": rules.supports_allowed(request, context),
            "is_author": rules.is_author(request, context),
            "supports_open": rules.supports_open(request, text.__parent__),
            "can_decide": rules.can_decide(request, context),
            "explanation_html": Markup(render_markdown(context.explanation)),
            "module_title": module_title(request, text.__parent__)}


def annotation_view(context, request):
    """An annotation's own URL (where reports go) shows it on its text's page."""
    return HTTPFound(location=request.resource_url(context.__parent__,
                                                   anchor=f"annotation-{context.__name__}"))


def includeme(config):
    config.add_view(listing, context=ModuleContainer, module="drafting", permission="view",
                    request_method="GET", renderer=TPL + "listing.pt")
    config.add_view(text_view, context=Text, permission="view", request_method="GET",
                    renderer=TPL + "text.pt")
    config.add_view(old_version_view, context=Text, name="version", permission="view",
                    request_method="GET", renderer=TPL + "text.pt")
    config.add_view(compare_view, context=Text, name="compare", permission="view",
                    request_method="GET", renderer=TPL + "compare.pt")
    config.add_view(suggestion_view, context=Suggestion, permission="view",
                    request_method="GET", renderer=TPL + "suggestion.pt")
    config.add_view(annotation_view, context=Annotation, permission="view",
                    request_method="GET")
