"""Notifications: events delivered to the followers of what they are about.

``publish(request, kind, target, …)`` records one event for everyone who follows the
target, its space or the actor (but not the actor, nor anyone who may not see the
target): an in-app notification, and an e-mail according to each person's choice
(``User.notification_mail``): ``none``, ``immediate``, ``daily`` or ``weekly``.
Digests are sent by ``beffroi send-digests --daily|--weekly``. Every e-mail carries a
signed unsubscribe link that works without logging in.

The request only reads (who follows, who may see) and writes **one** job into the
queue the mail already uses (``beffroi.services.notifications.queue``); the fan-out — inboxes,
digest entries, immediate e-mails — is written by the delivery worker in its own
transactions, so a request never conflicts on followers' inboxes.

Storage, per organisation, created by the first event: one inbox per participant
(a BTree of events by time-ordered key plus a ``Length`` of unread ones; the reader
writes only the inbox's "read until" mark and the Length, the worker only the BTree
and the Length, so readers never conflict with writers) and the digest queue.
Content hidden by moderation (or removed) after an event drops out of the lists and
digests.
"""
from __future__ import annotations

import secrets
import time
import uuid

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from beffroi.services.follows import model as follows
from beffroi.i18n import _, pluralize
from beffroi.infos import NotificationInfo
from beffroi.resources.folder import now
from beffroi.services.mail.unsubscribe import signed_token, token_matches

STORE_ATTR = "_beffroi_notifications"
MAIL_CHOICES = ("none", "immediate", "daily", "weekly")
MAIL_CHOICE_TITLES = {
    "none": _("No e-mail"),
    "immediate": _("An e-mail for each notification"),
    "daily": _("A daily digest"),
    "weekly": _("A weekly digest"),
}
INBOX_LIMIT = 200          # older notifications are dropped from an inbox…
INBOX_SLACK = 50           # …in batches, once it holds this many more (rare writes)

#: Kinds the core publishes itself; plugins add theirs with ``register_notifications``.
CORE_NOTIFICATIONS = (
    NotificationInfo("comments.new", _("New comment")),
)


class Event(Persistent):
    """Something that happened, as the notification lists and e-mails show it."""

    target_key = None           # the follow key of what it is about (None: older events)

    def __init__(self, key, kind, title, path, actor_id=None, actor_name="", space_title="",
                 target_key=None):
        self.key = key
        self.target_key = target_key
        self.kind = kind
        self.title = title
        self.path = path              # URL path inside the organisation ("/place/…")
        self.actor_id = actor_id
        self.actor_name = actor_name
        self.space_title = space_title
        self.created = now()


class Inbox(Persistent):
    """The in-app notifications of one participant."""

    def __init__(self):
        self.events = OOBTree()       # event key → Event
        self.unread = Length()
        self.read_until = ""          # events with a greater key are unread


class NotificationStore(Persistent):
    """The notifications of one organisation."""

    def __init__(self):
        self.secret = secrets.token_hex(32)    # signs unsubscribe links
        self.inboxes = OOBTree()               # user id → Inbox
        self.digest = OOBTree()                # (user id, event key) → Event


def get_store(organisation, create=False):
    return organisation.part(STORE_ATTR, NotificationStore, create)


def notification_kinds(plugin_set) -> dict[str, NotificationInfo]:
    """Every kind of notification: the core's and the plugins' (``kind`` → info)."""
    kinds = {info.kind: info for info in CORE_NOTIFICATIONS}
    kinds.update(getattr(plugin_set, "notifications", {}) or {})
    return kinds


def mail_choice(user) -> str:
    choice = getattr(user, "notification_mail", "daily")
    return choice if choice in MAIL_CHOICES else "daily"


def _event_key():
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def _relative_path(request, url):
    base = request.application_url
    if url.startswith(base):
        url = url[len(base):]
    return url if url.startswith("/") else "/"


def recipients_of(organisation, target, space=None, actor_id=None) -> set[str]:
    """Followers of ``target``, of ``space`` and of the actor, less the actor."""
    ids = follows.followers_of(organisation, target)
    if space is not None and space is not target:
        ids |= follows.followers_of(organisation, space)
    if actor_id:
        ids |= follows.followers_of(organisation, "@" + actor_id)
        ids.discard(actor_id)
    return ids


def deliver(organisation, event, recipients, kinds, base_url, localizer_factory):
    """Write ``event`` into the inbox of each of ``recipients`` (user ids) and, by their
    choice, queue an immediate e-mail or keep it for their digest. The delivery
    worker's part of ``publish``; ``localizer_factory(locale)`` gives a localizer."""
    store = get_store(organisation, create=True)
    for uid in recipients:
        user = organisation.users.get(uid)
        if user is None or user.blocked or user.deleted:
            continue
        _deliver_in_app(store, uid, event)
        choice = mail_choice(user)
        if choice == "immediate":
            send_immediate(organisation, user, event, kinds, base_url,
                           localizer_factory(recipient_locale(organisation, user)))
        elif choice in ("daily", "weekly"):
            store.digest[(uid, event.key)] = event


def _deliver_in_app(store, uid, event):
    inbox = store.inboxes.get(uid)
    if inbox is None:
        inbox = store.inboxes[uid] = Inbox()
    inbox.events[event.key] = event
    inbox.unread.change(1)
    if len(inbox.events) > INBOX_LIMIT + INBOX_SLACK:
        # trimmed in batches: most deliveries only add a key, which merges
        for oldest in list(inbox.events.keys()[:len(inbox.events) - INBOX_LIMIT]):
            del inbox.events[oldest]
            if oldest > inbox.read_until:    # dropped before being read: keep the count true
                inbox.unread.change(-1)


def is_still_shown(organisation, event) -> bool:
    """May ``event`` still be listed? Not when what it is about was removed or is
    hidden by moderation (itself or a parent: a hidden proposal hides its comments)."""
    key = getattr(event, "target_key", None)
    if not key or key.startswith("@"):
        return True
    from pyramid.traversal import find_resource

    from beffroi.services.moderation.model import is_hidden_in_lineage
    try:
        obj = find_resource(organisation, key)
    except (KeyError, ValueError, TypeError):
        return False
    try:
        if follows.target_key(obj) != key:
            return False
    except ValueError:
        return False
    return is_hidden_in_lineage(obj) is None


# --- reading and marking ----------------------------------------------------------------

def unread_count(organisation, user_id) -> int:
    """How many notifications ``user_id`` has not read (reads one Length)."""
    store = get_store(organisation)
    inbox = store.inboxes.get(user_id) if store is not None and user_id else None
    return max(0, inbox.unread()) if inbox is not None else 0


def inbox_events(organisation, user_id, limit=50):
    """The latest notifications of ``user_id``, newest first, as ``(event, unread)``;
    events about content since hidden or removed are left out."""
    store = get_store(organisation)
    inbox = store.inboxes.get(user_id) if store is not None else None
    if inbox is None:
        return []
    out = []
    for key in reversed(list(inbox.events.keys())[-(limit + INBOX_SLACK):]):
        event = inbox.events[key]
        if is_still_shown(organisation, event):
            out.append((event, key > inbox.read_until))
        if len(out) >= limit:
            break
    return out


def mark_all_read(organisation, user_id) -> None:
    store = get_store(organisation)
    inbox = store.inboxes.get(user_id) if store is not None else None
    if inbox is None or not inbox.unread():
        return
    if len(inbox.events):
        inbox.read_until = inbox.events.maxKey()
    inbox.unread.set(0)


# --- unsubscribe links ------------------------------------------------------------------

def unsubscribe_token(organisation, user_id) -> str:
    return signed_token(get_store(organisation, create=True).secret, "unsubscribe", user_id, 40)


def check_unsubscribe_token(organisation, user_id, token) -> bool:
    store = get_store(organisation)
    return token_matches(store.secret if store is not None else None, "unsubscribe", user_id,
                         token, 40)


def unsubscribe_url(base_url, organisation, user_id) -> str:
    return (f"{base_url}/-/unsubscribe?u={user_id}"
            f"&t={unsubscribe_token(organisation, user_id)}")


# --- e-mail -----------------------------------------------------------------------------

def translation_dirs(plugin_set=None):
    """Where the catalogs are, for mail written outside a request (``send-digests``)."""
    import importlib.resources
    import os
    dirs = [str(importlib.resources.files("beffroi") / "locale")]
    if plugin_set is not None:
        for record in plugin_set.plugins.values():
            folder = os.path.join(os.path.dirname(getattr(record.module, "__file__", "") or ""),
                                  "locale")
            if os.path.isdir(folder):
                dirs.append(folder)
    return dirs


def make_localizer_for(locale, dirs):
    from pyramid.i18n import make_localizer
    return make_localizer(locale, dirs)


def localizer_cache(plugins):
    """A function ``locale → localizer`` over the core's and the plugins' catalogs,
    making each localizer once (for workers that write to many people)."""
    dirs = translation_dirs(plugins)
    made = {}

    def localizer(locale):
        if locale not in made:
            made[locale] = make_localizer_for(locale, dirs)
        return made[locale]
    return localizer


def recipient_locale(organisation, user) -> str:
    """The language of mail to ``user``: their choice, else the organisation's."""
    return user.locale if user.locale in organisation.locales else organisation.default_locale


def _kind_title(kinds, kind, t):
    info = kinds.get(kind)
    return t(info.title) if info is not None else kind


def _event_lines(event, base_url, t):
    by = f" — {event.actor_name}" if event.actor_name else ""
    where = f" ({event.space_title})" if event.space_title else ""
    return [f"{event.title}{where}{by}", f"{base_url}{event.path}"]


def _footer(organisation, user, base_url, t):
    return ["", "-- ",
            t(_("You receive this e-mail because you follow this on ${org}.",
                mapping={"org": organisation.name})),
            t(_("Change your notification settings:")) + f" {base_url}/-/account/notifications",
            t(_("Stop all these e-mails:")) + " " + unsubscribe_url(base_url, organisation, user.id)]


def send_immediate(organisation, user, event, kinds, base_url, localizer):
    """Queue one e-mail telling ``user`` about ``event``."""
    from beffroi.services.mail.queue import queue_mail
    t = localizer.translate
    kind_title = _kind_title(kinds, event.kind, t)
    lines = [kind_title, ""] + _event_lines(event, base_url, t) + _footer(
        organisation, user, base_url, t)
    queue_mail(organisation, user.email, f"{kind_title}: {event.title}"[:200], "\n".join(lines),
               unsubscribe_url=unsubscribe_url(base_url, organisation, user.id))


def send_digests(organisation, frequency, base_url, kinds, localizer_factory) -> int:
    """Queue one digest e-mail per participant whose choice is ``frequency`` and who has
    events waiting; drop what waits for people who no longer want digests. Returns the
    number of e-mails queued. ``localizer_factory(locale)`` gives a localizer."""
    from beffroi.services.mail.queue import queue_mail
    if frequency not in ("daily", "weekly"):
        raise ValueError("frequency must be 'daily' or 'weekly'")
    store = get_store(organisation)
    if store is None or not len(store.digest):
        return 0
    waiting: dict[str, list] = {}
    for (uid, key), event in store.digest.items():
        waiting.setdefault(uid, []).append((key, event))
    sent = 0
    shown: dict[str, bool] = {}
    for uid, items in waiting.items():
        user = organisation.users.get(uid)
        choice = mail_choice(user) if user is not None else "none"
        if user is not None and not (user.blocked or user.deleted) and choice == frequency:
            events = [e for _k, e in items
                      if shown.setdefault(e.key, is_still_shown(organisation, e))]
            if events:
                _queue_digest(organisation, user, events, frequency, base_url,
                              kinds, localizer_factory, queue_mail)
                sent += 1
        elif user is not None and choice in ("daily", "weekly") and not (user.blocked or user.deleted):
            continue                  # waits for the other digest
        for key, _event in items:
            del store.digest[(uid, key)]
    return sent


def _queue_digest(organisation, user, events, frequency, base_url, kinds, localizer_factory,
                  queue_mail):
    locale = user.locale if user.locale in organisation.locales else organisation.default_locale
    localizer = localizer_factory(locale)
    t = localizer.translate
    heading = _("Your daily digest") if frequency == "daily" else _("Your weekly digest")
    lines = [t(heading) + f" — {organisation.name}", ""]
    groups: dict[str, list] = {}
    for event in sorted(events, key=lambda e: e.key):
        groups.setdefault(event.kind, []).append(event)
    for kind, group in groups.items():
        lines.append(f"{_kind_title(kinds, kind, t)} ({len(group)})")
        for event in group:
            first, link = _event_lines(event, base_url, t)
            lines += [f"  • {first}", f"    {link}"]
        lines.append("")
    lines += _footer(organisation, user, base_url, t)
    subject = pluralize(localizer, "${org}: ${n} new notification", "${org}: ${n} new notifications",
                        len(events), mapping={"org": organisation.name})
    queue_mail(organisation, user.email, subject, "\n".join(lines),
               unsubscribe_url=unsubscribe_url(base_url, organisation, user.id))
