"""The organisation's own pages, linked in the footer of every page: terms of use, legal
notice, privacy policy and accessibility statement.

French public bodies must publish an accessibility statement (loi n° 2005-102 art. 47,
décret n° 2019-768; its content follows the RGAA's model): the conformance state
(totally, partially or not conformant), the audit and its rate, the content that is not
accessible, a way to report a problem, and the legal recourse (the Défenseur des droits).

The terms of use have a version: new participants accept the current version at
sign-up; when the organisation's admin publishes a change that needs a new agreement,
the version goes up and every participant is asked to accept it before going on
(``must_accept_terms``).
"""
from __future__ import annotations

from datetime import date

from persistent import Persistent
from persistent.mapping import PersistentMapping

from beffroi.i18n import _
from beffroi.resources.folder import now

STORE_ATTR = "_beffroi_pages"
SLUGS = ("terms", "legal", "privacy", "accessibility")
TITLES = {"terms": _("Terms of use"), "legal": _("Legal notice"),
          "privacy": _("Privacy policy"), "accessibility": _("Accessibility statement")}
#: The RGAA's three conformance states (the statement must say one of them).
CONFORMANCE = ("total", "partial", "none")
CONFORMANCE_TITLES = {"total": _("totally conformant"), "partial": _("partially conformant"),
                      "none": _("not conformant")}
MAX_BODY = 100_000


class OrgPage(Persistent):
    """One page: Markdown text, last change, and for the terms a version number."""

    def __init__(self, slug):
        self.slug = slug
        self.body = ""
        self.updated = None
        self.updated_by = None
        self.version = 0
        # accessibility statement (RGAA model)
        self.conformance = "none"
        self.audit_rate = None        # percent of RGAA criteria met, or None (no audit)
        self.audit_date = None
        self.auditor = ""
        self.tested_with = ""
        self.contact = ""

    @property
    def written(self) -> bool:
        """Shown and linked? The accessibility statement always is (a public body must
        publish one, "not conformant" until an audit says otherwise)."""
        return self.slug == "accessibility" or bool((self.body or "").strip())


def _store(organisation, create=False):
    return organisation.part(STORE_ATTR, PersistentMapping, create)


def get_page(organisation, slug, create=False) -> OrgPage | None:
    """The page ``slug`` (one of ``SLUGS``); None when never written (unless ``create``)."""
    if slug not in SLUGS:
        return None
    store = _store(organisation, create)
    page = store.get(slug) if store is not None else None
    if page is None and create:
        page = store[slug] = OrgPage(slug)
    return page


def written_pages(organisation) -> list[OrgPage]:
    """The pages that have content, in footer order (the accessibility statement is
    always listed: a public body must have one, even "not conformant")."""
    out = []
    for slug in SLUGS:
        page = get_page(organisation, slug) or (OrgPage(slug) if slug == "accessibility" else None)
        if page is not None and page.written:
            out.append(page)
    return out


def save_page(organisation, slug, body, user_id, new_version=False, **statement) -> OrgPage:
    """Save a page; ``new_version`` (terms only) asks every participant to accept again.
    ``statement`` holds the accessibility statement's fields (see ``OrgPage``)."""
    page = get_page(organisation, slug, create=True)
    page.body = body
    page.updated = now()
    page.updated_by = user_id
    if slug == "terms" and new_version:
        page.version += 1
    for key, value in statement.items():
        setattr(page, key, value)
    return page


def terms_version(organisation) -> int:
    page = get_page(organisation, "terms")
    return page.version if page is not None and page.written else 0


def has_terms(organisation) -> bool:
    page = get_page(organisation, "terms")
    return page is not None and page.written


def accept_terms(organisation, user) -> None:
    """Record that ``user`` accepts the current terms (version and time, UTC)."""
    user.accepted_terms_version = terms_version(organisation)
    user.accepted_terms_at = now()


def must_accept_terms(organisation, user) -> bool:
    """Must ``user`` accept a version of the terms published after their agreement?"""
    version = terms_version(organisation)
    return version > 0 and (getattr(user, "accepted_terms_version", 0) or 0) < version


def audit_date_text(page) -> str:
    return page.audit_date.isoformat() if isinstance(page.audit_date, date) else ""
