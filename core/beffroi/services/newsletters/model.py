"""Newsletters of an organisation: consent, audiences, sending in batches through the outbox.

Consent (GDPR art. 7): a participant receives newsletters only after saying yes, at
sign-up or on their account page; ``User.newsletter_consent`` keeps the date and time
(UTC) of that yes, ``None`` means no. Withdrawing is one click in every newsletter
(RFC 8058 one-click unsubscribe) or one box on the account page.

A newsletter is written (Markdown, sanitised by the core's renderer), previewed, tested
on its author's own address, then sent: sending fixes the list of recipients (those who
agreed, within the chosen audience, at that moment) and the mail worker queues it in
batches (``queue_newsletter_batches``, called before every delivery round). A batch
writes the queued messages and the ids it covered in one transaction, so a recipient
is queued once even if a worker dies or two workers run at once (one of them then
gets a ConflictError and retries the batch later, after the other's ids are recorded).
"""
from __future__ import annotations

import logging
import secrets
import uuid

import transaction
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from ZODB.POSException import ConflictError

from beffroi.i18n import _
from beffroi.resources.folder import Content, Folder, now
from beffroi.services.mail.unsubscribe import signed_token, token_matches

log = logging.getLogger(__name__)

STORE_ATTR = "_beffroi_newsletters"
#: Messages queued per transaction by the worker.
BATCH_SIZE = 200
AUDIENCES = ("all", "followers", "participants", "verified")
AUDIENCE_TITLES = {
    "all": _("Everyone who agreed to receive newsletters"),
    "followers": _("Followers of the chosen spaces"),
    "participants": _("Participants of the chosen spaces (they wrote something there)"),
    "verified": _("Verified participants (of a territory, when given)"),
}
STATUS_TITLES = {"draft": _("Draft"), "sending": _("Being sent"), "sent": _("Sent")}
MAX_SUBJECT = 200
MAX_BODY = 50_000


class NewsletterError(ValueError):
    """A newsletter that cannot be changed or sent; ``message`` is translatable."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class Newsletter(Persistent):
    """One newsletter: a draft, then a fixed list of recipients being queued, then sent."""

    territory = ""       # "verified" audience: postal codes or districts, comma-separated

    def __init__(self, subject, body, author_id, audience="all", spaces=()):
        self.id = uuid.uuid4().hex[:12]
        self.subject = subject
        self.body = body                 # Markdown, rendered with the "body" profile
        self.author_id = author_id
        self.audience = audience
        self.spaces = tuple(spaces)
        self.created = self.modified = now()
        self.status = "draft"
        self.recipients = None           # OOTreeSet of user ids, fixed when sending starts
        self.queued = OOTreeSet()        # user ids whose message is in the outbox
        self.queued_count = Length()
        self.planned = 0
        self.sent_by = None
        self.started = None
        self.finished = None

    @property
    def progress(self) -> tuple[int, int]:
        """``(queued, planned)`` numbers of recipients."""
        return self.queued_count(), self.planned


class NewsletterStore(Persistent):
    def __init__(self):
        self.secret = secrets.token_hex(32)     # signs the unsubscribe links
        self.newsletters = OOBTree()            # id → Newsletter
        self.sending = OOTreeSet()              # ids of newsletters being queued


def get_store(organisation, create=False):
    return organisation.part(STORE_ATTR, NewsletterStore, create)


def newsletters_of(organisation) -> list[Newsletter]:
    """The organisation's newsletters, newest first."""
    store = get_store(organisation)
    if store is None:
        return []
    return sorted(store.newsletters.values(), key=lambda n: n.created, reverse=True)


def get_newsletter(organisation, newsletter_id) -> Newsletter | None:
    store = get_store(organisation)
    if store is None or not isinstance(newsletter_id, str):
        return None
    return store.newsletters.get(newsletter_id)


def _check(subject, body, audience, spaces, organisation):
    subject = (subject or "").strip()
    if not subject or len(subject) > MAX_SUBJECT or "\n" in subject or "\r" in subject:
        raise NewsletterError(_("The subject must be one line of 1 to ${max} characters.",
                                mapping={"max": MAX_SUBJECT}))
    if not (body or "").strip() or len(body) > MAX_BODY:
        raise NewsletterError(_("The text must have 1 to ${max} characters.",
                                mapping={"max": MAX_BODY}))
    if audience not in AUDIENCES:
        raise NewsletterError(_("Choose who receives the newsletter."))
    unknown = [s for s in spaces if s not in organisation.spaces]
    if unknown:
        raise NewsletterError(_("Unknown space: ${name}.", mapping={"name": unknown[0]}))
    if audience in ("followers", "participants") and not spaces:
        raise NewsletterError(_("Choose at least one space for this audience."))
    return subject


def create_newsletter(organisation, subject, body, author_id, audience="all", spaces=(),
                      territory=""):
    """A new draft. Raises ``NewsletterError`` on a bad subject, body, audience or space.
    ``territory`` (the "verified" audience): postal codes or districts, comma-separated."""
    subject = _check(subject, body, audience, spaces, organisation)
    newsletter = Newsletter(subject, body, author_id, audience,
                            spaces if audience in ("followers", "participants") else ())
    newsletter.territory = territory.strip() if audience == "verified" else ""
    get_store(organisation, create=True).newsletters[newsletter.id] = newsletter
    return newsletter


def update_newsletter(organisation, newsletter, subject, body, audience="all", spaces=(),
                      territory=""):
    """Change a draft. Raises ``NewsletterError`` once sending has started."""
    if newsletter.status != "draft":
        raise NewsletterError(_("This newsletter has been sent: it can no longer be changed."))
    newsletter.subject = _check(subject, body, audience, spaces, organisation)
    newsletter.body = body
    newsletter.audience = audience
    newsletter.spaces = tuple(spaces) if audience in ("followers", "participants") else ()
    newsletter.territory = territory.strip() if audience == "verified" else ""
    newsletter.modified = now()


def delete_newsletter(organisation, newsletter):
    if newsletter.status != "draft":
        raise NewsletterError(_("A newsletter that has been sent is kept."))
    del get_store(organisation).newsletters[newsletter.id]


# --- consent -----------------------------------------------------------------------------------

def has_consent(user) -> bool:
    return getattr(user, "newsletter_consent", None) is not None


def set_consent(user, wanted: bool) -> bool:
    """Record (with the time, UTC) or withdraw the participant's consent; returns whether
    anything changed (an unchanged answer writes nothing and keeps the first date)."""
    if wanted and not has_consent(user):
        user.newsletter_consent = now()
        return True
    if not wanted and has_consent(user):
        user.newsletter_consent = None
        return True
    return False


# --- audiences ---------------------------------------------------------------------------------

def _can_receive(user) -> bool:
    return (has_consent(user) and user.confirmed and not user.deleted and not user.blocked
            and bool(user.email))


def space_participants(space) -> set[str]:
    """Ids of the people who wrote something (content or comments) in ``space``'s modules."""
    from beffroi.services.statistics.model import contents_within
    return {item.creator for container in space.modules.values()
            for item in contents_within(container) if item.creator}


def verified_ids(organisation, territory="") -> set[str]:
    """Ids of the participants holding a granted verification whose metadata (postal
    code or district) is one of ``territory`` (comma-separated; empty: any)."""
    from beffroi.services.verification.model import store_of
    wanted = {t.strip().lower() for t in (territory or "").split(",") if t.strip()}
    store = store_of(organisation)
    found = set()
    for (user_id, _method), record in (store.records.items() if store is not None else ()):
        if not record.is_granted:
            continue
        metadata = getattr(record, "metadata", None) or {}
        places = {str(metadata.get(k, "")).strip().lower() for k in ("postal_code", "district")}
        if not wanted or wanted & places:
            found.add(user_id)
    return found


def audience_ids(organisation, audience, spaces=(), territory="") -> list[str]:
    """Sorted ids of the participants a newsletter for ``audience`` reaches now: those
    who agreed to receive newsletters, have a confirmed address and are neither blocked
    nor deleted, and — for "followers" and "participants" — follow or wrote in one of
    ``spaces`` (slugs), for "verified" hold a verification (of ``territory``: postal
    codes or districts, comma-separated)."""
    users = organisation.users
    if audience == "all":
        candidates = None
    elif audience == "verified":
        candidates = verified_ids(organisation, territory)
    else:
        candidates = set()
        for slug in spaces:
            space = organisation.spaces.get(slug)
            if space is None:
                continue
            if audience == "followers":
                from beffroi.services.follows.model import followers_of
                candidates |= followers_of(organisation, space)
            else:
                candidates |= space_participants(space)
    if candidates is None:
        chosen = (u for u in users.values() if _can_receive(u))
    else:
        chosen = (users.get(uid) for uid in candidates)
        chosen = (u for u in chosen if u is not None and _can_receive(u))
    return sorted(u.id for u in chosen)


def start_sending(organisation, newsletter, user_id) -> int:
    """Fix the recipients and hand the newsletter to the mail worker; returns how many.

    Raises ``NewsletterError`` when it was already sent or nobody would receive it."""
    if newsletter.status != "draft":
        raise NewsletterError(_("This newsletter is already sent or being sent."))
    ids = audience_ids(organisation, newsletter.audience, newsletter.spaces, newsletter.territory)
    if not ids:
        raise NewsletterError(_("Nobody would receive this newsletter: nobody in this audience "
                                "agreed to receive newsletters."))
    newsletter.recipients = OOTreeSet(ids)
    newsletter.planned = len(ids)
    newsletter.status = "sending"
    newsletter.sent_by = user_id
    newsletter.started = now()
    get_store(organisation).sending.insert(newsletter.id)
    return len(ids)


# --- unsubscribe links -------------------------------------------------------------------------

def unsubscribe_token(organisation, user_id) -> str:
    """HMAC-SHA256 of the user id with the organisation's newsletter secret (hex)."""
    return signed_token(get_store(organisation, create=True).secret, "newsletter", user_id)


def check_unsubscribe_token(organisation, user_id, token) -> bool:
    store = get_store(organisation)
    return token_matches(store.secret if store is not None else None, "newsletter", user_id,
                         token)


def unsubscribe_url(base_url, organisation, user_id) -> str:
    return (f"{base_url}/-/newsletter-unsubscribe?u={user_id}"
            f"&t={unsubscribe_token(organisation, user_id)}")


# --- the message -------------------------------------------------------------------------------

def render_body(newsletter) -> str:
    """The newsletter's HTML, sanitised (Markdown, "body" profile)."""
    from beffroi.sanitise import render_markdown
    return render_markdown(newsletter.body, "body")


def message_parts(organisation, newsletter, base_url, user_id, translate):
    """``(subject, text, html, unsubscribe_url)`` of the message to ``user_id`` (``None``
    for the author's test, whose link points at their account page)."""
    from markupsafe import escape
    if user_id is None:
        link = f"{base_url}/-/account/newsletter"
    else:
        link = unsubscribe_url(base_url, organisation, user_id)
    why = translate(_("You receive this newsletter from ${org} because you agreed to it.",
                      mapping={"org": organisation.name}))
    stop = translate(_("Stop receiving newsletters:"))
    text = f"{newsletter.body}\n\n-- \n{why}\n{stop} {link}\n"
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(newsletter.subject)}'
            f"</title></head><body>{render_body(newsletter)}<hr><p>{escape(why)}<br>"
            f'<a href="{escape(link)}">{escape(stop)}</a></p></body></html>')
    return newsletter.subject, text, html, (link if user_id else None)


def queue_test(organisation, newsletter, base_url, user, translate):
    """Queue the newsletter to ``user`` (its author) marked as a test; records nothing."""
    from beffroi.services.mail.queue import queue_mail
    subject, text, html, _link = message_parts(organisation, newsletter, base_url, None, translate)
    prefix = translate(_("[Test]"))
    return queue_mail(organisation, user.email, f"{prefix} {subject}", text, html)


def queue_batch(organisation, newsletter, base_url, localizer, size=BATCH_SIZE) -> int:
    """Queue the next ``size`` messages of a newsletter being sent (inside the caller's
    transaction); returns how many. Marks the newsletter sent when none are left."""
    from beffroi.services.mail.queue import queue_mail
    done = 0
    users = organisation.users
    start = newsletter.queued.maxKey() if len(newsletter.queued) else None
    keys = newsletter.recipients.keys(min=start, excludemin=start is not None)
    for user_id in keys:
        if done >= size:
            break
        newsletter.queued.insert(user_id)
        newsletter.queued_count.change(1)
        done += 1
        user = users.get(user_id)
        if user is None or not _can_receive(user):     # withdrew or left since
            continue
        translate = localizer(user.locale or organisation.default_locale).translate
        subject, text, html, link = message_parts(organisation, newsletter, base_url, user_id,
                                                  translate)
        queue_mail(organisation, user.email, subject, text, html, unsubscribe_url=link)
    if newsletter.queued_count() >= newsletter.planned or done < size:
        newsletter.status = "sent"
        newsletter.finished = now()
        store = get_store(organisation)
        if newsletter.id in store.sending:
            store.sending.remove(newsletter.id)
    return done


def queue_newsletter_batches(db, settings, plugins, size=BATCH_SIZE, out=None) -> int:
    """Queue every pending batch of every organisation's newsletters being sent, one
    transaction per batch; returns how many messages were queued. Called by the mail
    worker before each delivery round (``beffroi send-mail``, the ``mail.deliver`` job)."""
    from beffroi.resources.root import get_app_root
    from beffroi.services.notifications.model import localizer_cache
    from beffroi.urls import public_base
    localizer = localizer_cache(plugins) if plugins is not None else None
    if localizer is None:
        from pyramid.i18n import Localizer
        localizer = lambda locale: Localizer(locale, None)   # noqa: E731 (no catalogs)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    total = 0
    try:
        with tm:
            orgs = [oid for oid, org in get_app_root(conn).organisations.items()
                    if getattr(org, STORE_ATTR, None) is not None
                    and len(getattr(org, STORE_ATTR).sending)]
        for oid in orgs:
            while True:
                try:
                    with tm:
                        org = get_app_root(conn).organisations.get(oid)
                        store = get_store(org)
                        if store is None or not len(store.sending):
                            break
                        newsletter = store.newsletters.get(store.sending.minKey())
                        if newsletter is None or newsletter.status != "sending":
                            store.sending.remove(store.sending.minKey())
                            continue
                        count = queue_batch(org, newsletter, public_base(settings, org.host),
                                            localizer, size)
                except ConflictError:
                    log.debug("newsletter batch of %s conflicted; retried next round", oid)
                    break
                total += count
                if out and count:
                    out(f"newsletter {newsletter.id}: {count} message(s) queued")
    finally:
        conn.close()
    return total
