"""Citizen views: the listing with filters and sorts, a proposal's page, supports."""
from __future__ import annotations

import random
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationStringFactory
from pyramid.response import FileIter, Response
from pyramid.traversal import resource_path_tuple

from BTrees.IIBTree import IITreeSet, difference, intersection
from markupsafe import Markup, escape

from beffroi.api import (
    ModuleContainer, author_name, authorise, content_disposition, find_listing_page,
    hidden_in_space, is_open, is_public_to, item_key, participation_keys,
    participation_label_html, require_authorisation, search_query, text_search_paths,
)
from beffroi_proposals import rules
from beffroi_proposals.index import SORTS, readable
from beffroi_proposals.models import Proposal, proposal_index
from beffroi_proposals.settings import custom_states, lines
from beffroi_proposals.states import state_label, state_class
from beffroi_proposals.supports import SupportRefused, cast_support, supports_left, withdraw_support

_ = TranslationStringFactory("beffroi_proposals")
PAGE_SIZE = 20
MAX_PAGE = 1_000_000          # any page costs page 1's price; past the end: the last
SEED_KEY = "proposals.seed"
SORT_TITLES = {"random": _("Random"), "recent": _("Most recent"),
               "supported": _("Most supported"), "commented": _("Most commented")}


def _int(value, default, low, high):
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def visitor_seed(request):
    """The seed of the random order. From the page's links (``seed=``) first, so the
    order stays the same while paging with or without cookies; then from the visitor's
    session when they already have one (the same order on every visit); else a new one.
    A visitor without a session is given none (no cookie for an anonymous visit)."""
    seed = _int(request.params.get("seed"), None, 0, (1 << 30) - 1)
    if seed is not None:
        return seed
    session = request.session
    if not session.new:
        seed = session.get(SEED_KEY)
        if not isinstance(seed, int):
            seed = session[SEED_KEY] = random.randrange(1 << 30)
        return seed
    return random.randrange(1 << 30)


def listing_filters(request, container, settings):
    """The filters of the request, cleaned to values the settings offer."""
    params = request.params
    states = [s for s, _c in rules.state_choices(settings)]
    answers = rules.answers_public(request, container, settings)
    state = params.get("state", "")
    if state not in states + ["withdrawn"] or (state != "withdrawn" and not answers):
        state = ""
    scope = params.get("scope", "")
    scope = scope if scope in lines(settings.get("scopes")) else ""
    category = params.get("category", "")
    category = category if category in lines(settings.get("categories")) else ""
    mine = params.get("mine") == "1" and request.user is not None
    order = params.get("order", "random")
    if order not in SORTS or (order == "supported" and rules.supports_mode(settings) == "hidden"):
        order = "random"
    return {"state": state, "scope": scope, "category": category, "mine": mine,
            "order": order, "q": params.get("q", "").strip()[:200],
            "page": _int(params.get("page"), 1, 1, MAX_PAGE),
            "seed": visitor_seed(request) if order == "random" else None}


def hidden_numbers(request, container):
    """Numbers of the proposals of ``container`` hidden by moderation (read from the
    organisation's moderation cases of this space; usually a handful)."""
    return [content.number for content in hidden_in_space(request.organisation,
                                                           container.space.__name__)
            if isinstance(content, Proposal) and content.__parent__ is container]


def find_page(request, container, filters, index):
    """The ``beffroi.listing.Page`` of proposal numbers the request asks for."""
    facets = []
    for name in ("state", "scope", "category"):
        if filters[name] and filters[name] != "withdrawn":
            facets.append((name, filters[name]))
    if filters["mine"]:
        facets.append(("author", request.user.id))
    within = None
    if filters["q"]:
        within = IITreeSet(search_numbers(request, container, filters["q"]))
    withdrawn = index.members(("withdrawn", True))
    listing_withdrawn = filters["state"] == "withdrawn"
    if listing_withdrawn:
        within = withdrawn if within is None else intersection(within, withdrawn)
    order = None
    if len(facets) == 1 and within is None and not listing_withdrawn:
        # one filter: its own sorted order, paged by positions (``facet_orders``)
        order = index.order(filters["order"], facet=facets[0])
    if order is not None:
        candidates = None
    else:
        candidates = index.candidates(facets, within)
        if candidates is not None and not listing_withdrawn and len(withdrawn):
            candidates = difference(candidates, withdrawn)   # the orders hold no withdrawn one
        order = index.order(filters["order"], filters["seed"] or 0)
    return find_listing_page(order, filters["page"], PAGE_SIZE, include=candidates,
                             exclude=hidden_numbers(request, container),
                             after=request.params.get("after"), before=request.params.get("before"),
                             # withdrawn proposals are in no order: sorted in memory
                             small=len(candidates) if listing_withdrawn else None)


def search_numbers(request, container, text):
    """Numbers of the proposals of ``container`` whose text matches ``text``, read from
    the catalog's paths (nothing loaded)."""
    prefix = "/".join(resource_path_tuple(container)[1:]) + "/"
    out = []
    query = search_query(text)              # accents folded, plurals stemmed (fr, en)
    if not query:
        return out
    for path in text_search_paths(request.organisation, "proposals.text", query):
        if path.startswith(prefix) and path[len(prefix):].isdigit():
            out.append(int(path[len(prefix):]))
    return out


class PageLinks:
    """Links of one listing page, built once from the base URL and the filters."""

    def __init__(self, request, container, filters):
        self.base = request.resource_url(container)
        self.params = {k: ("1" if v is True else v) for k, v in filters.items()
                       if v not in ("", False, None) and k != "page"}

    def __call__(self, **changes):
        params = dict(self.params)
        for key, value in changes.items():
            if value in ("", False, None) or (key == "page" and value == 1):
                params.pop(key, None)
            else:
                params[key] = value
        return f"{self.base}?{urlencode(params)}" if params else self.base


def cards_of(request, container, numbers, settings, index):
    """What a listing card shows, computed once here rather than in the template
    (URLs and labels for 20 cards were half of the page's time). Counts come from
    the index's tallies: a card loads its proposal and nothing else."""
    translate = request.localizer.translate
    base = request.resource_url(container)
    answers = rules.answers_public(request, container, settings)
    # translated once per page; the count is put in afterwards
    supports_label = translate(_("Supports: ${n}", mapping={"n": "\x00"})) \
        if rules.supports_mode(settings) != "hidden" else ""
    comments_label = translate(_("Comments: ${n}", mapping={"n": "\x00"}))
    official = translate(_("Official proposal"))
    labels = {}
    out = []
    # the « issu de la participation » label: one lookup per card, no linked object loaded
    labelled = participation_keys(request.organisation)
    prefix = item_key(container) + "/"
    participation = participation_label_html(request) if labelled else ""
    for number in numbers:
        p = container.get(str(number))
        if p is None:
            continue
        state = "withdrawn" if p.withdrawn else (p.state if answers else None)
        if state and state not in labels:
            labels[state] = translate(state_label(state, settings))
        out.append(Card(
            f"{base}{p.__name__}/", p.title, official if p.official else "",
            state_class(state) if state else "", labels[state] if state else "",
            supports_label.replace("\x00", str(index.supports.get(number))) if supports_label else "",
            comments_label.replace("\x00", str(index.comments.get(number))),
            participation if participation and prefix + p.__name__ in labelled else "",
            f"{base}{p.__name__}/attachment?n={p.card_image}&size=thumb"
            if p.card_image is not None else ""))
    return out


class Card(NamedTuple):
    """One card of the listing, rendered here in one step (``html``): 20 cards
    rendered by the template cost ~220 name lookups and conditions per page."""
    url: str
    title: str
    official: str
    state_class: str
    state: str
    supports: str
    comments: str
    participation: str = ""      # the label's markup (already safe) or ""
    image: str = ""              # URL of the thumbnail of its first image, or ""

    def html(self):
        """The card's markup, every value escaped (markupsafe's C ``escape``)."""
        badges = ""
        if self.official or self.state or self.participation:
            official = f'<span class="badge proposal-official">{escape(self.official)}</span> ' \
                if self.official else ""
            state = f'<span class="{escape(self.state_class)}">{escape(self.state)}</span>' \
                if self.state else ""
            participation = f" {self.participation}" if self.participation else ""
            badges = f"<p>{official}{state}{participation}</p>"
        supports = f"<span>{escape(self.supports)}</span>" if self.supports else ""
        # the image is decorative here: the card's title says what the proposal is
        image = (f'<img class="card-image" src="{escape(self.image)}" alt="" loading="lazy">'
                 if self.image else "")
        return (f'<li class="card">{image}<h2><a href="{escape(self.url)}">{escape(self.title)}</a></h2>'
                f'{badges}<p class="proposal-card-figures">{supports} '
                f'<span>{escape(self.comments)}</span></p></li>\n')


def listing(context, request):
    settings = rules.settings_of(request, context)
    filters = listing_filters(request, context, settings)
    index = readable(proposal_index(context))
    page = find_page(request, context, filters, index)
    filters["page"] = page.number
    translate = request.localizer.translate
    supports_mode = rules.supports_mode(settings)
    answers = rules.answers_public(request, context, settings)
    sorts = [s for s in SORTS if not (s == "supported" and supports_mode == "hidden")]
    url = PageLinks(request, context, filters)
    return {"page_title": context.title or _("Proposals"), 
            "cards": Markup("".join(card.html() for card in
                                    cards_of(request, context, page.items, settings, index))),
            "page": page, "filters": SimpleNamespace(**filters), "settings": settings,
            "sorts": [(s, translate(SORT_TITLES[s]), url(order=s, page=None, seed=filters["seed"]))
                      for s in sorts],
            "states": [(s, translate(state_label(s, settings)))
                       for s, _c in rules.state_choices(settings)] if answers else [],
            "scopes": lines(settings.get("scopes")), "categories": lines(settings.get("categories")),
            "links": SimpleNamespace(
                next=url(page=page.number + 1, after=page.next) if page.next else None,
                previous=url(page=page.number - 1, before=page.previous) if page.previous else None,
                first=url() if page.number > 2 else None,
                last=url(page=page.pages) if page.pages > page.number + 1 else None),
            "base_url": url.base,
            "can_create": rules.can_create(request, context, settings),
            "can_evaluate": bool(request.has_permission("proposals.evaluate", context)),
            "can_export_full": bool(request.has_permission("proposals.answer", context))}


def proposal_view(context, request):
    container = context.container
    settings = rules.settings_of(request, container)
    if not is_public_to(request, context):
        raise HTTPNotFound()
    user = request.user
    threshold = settings.get("support_threshold") or 0
    supported = user is not None and user.id in context.supporters
    left = supports_left(container, user.id, settings) if user else None
    return {"page_title": context.title, "proposal": context, 
            "settings": settings, "author": author_name(request, context.creator),
            "author_name": lambda uid: author_name(request, uid),
            "supports_mode": rules.supports_mode(settings), "threshold": threshold,
            "supported": supported,
            "support_counted": user is not None and context.supporters.get(user.id, False),
            "supports_left": left,
            "can_support": rules.can_support(request, context, settings),
            "support_authorisation": authorise(request, container, "support",
                                               came_from=request.resource_url(context)),
            "support_unavailable": rules.support_unavailable(context, supported, left),
            "can_decide_amendment": rules.can_decide_amendment(request, context),
            "has_author": rules.has_author(request, context),
            "can_edit": rules.can_edit(request, context, settings),
            "can_withdraw": rules.can_withdraw(request, context),
            "can_amend": rules.can_amend(request, context, settings),
            "is_author": rules.is_author(request, context),
            "can_answer": bool(request.has_permission("proposals.answer", context)),
            "can_evaluate": rules.can_evaluate(request, context),
            "answers_public": rules.answers_public(request, container, settings),
            "state_label": lambda s: state_label(s, settings), "state_class": state_class,
            "evaluators": evaluators_of(request, container.space),
            "amendments": sorted((a for a in context.amendments.values()
                                  if is_public_to(request, a)), key=lambda a: a.created)}


def evaluators_of(request, space):
    """(user id, name) of the participants holding the evaluator role in ``space``."""
    users = request.organisation.users
    out = []
    for uid, roles in space.roles.items():
        user = users.get(uid)
        if "evaluator" in roles and user is not None:
            out.append((uid, user.display_name))
    return sorted(out, key=lambda item: item[1].lower())


def support_view(context, request):
    """Cast (``support``) or withdraw (``unsupport``) the participant's support. Refusals
    are shown as errors; followers hear once that the proposal reached its threshold."""
    queue = ""
    try:
        message = change_support(request, context, request.view_name == "support")
    except SupportRefused as refused:
        message, queue = refused.message, "error"
        from beffroi_proposals.views_staff import publish_pending_answers
        publish_pending_answers(request, context.container)
    request.session.flash(request.localizer.translate(message), queue)
    return HTTPFound(location=request.resource_url(context, anchor="supports"))


def change_support(request, proposal, on):
    """Cast (``on``) or withdraw the support of the person of ``request`` (the support
    button and the JSON API); followers hear once that the proposal reached its
    threshold. Returns the message to show; raises ``HTTPForbidden`` when supports are
    closed in this phase and ``SupportRefused`` when the rules refuse it."""
    container = proposal.container
    settings = rules.settings_of(request, container)
    if rules.supports_mode(settings) != "open":
        raise HTTPForbidden(request.localizer.translate(_("Supports are closed in this phase.")))
    if on:
        # verifications the space's admins require to support; back to this proposal
        require_authorisation(request, container, "support",
                              came_from=request.resource_url(proposal))
        if not is_open(proposal):
            raise SupportRefused(_("This proposal no longer accepts supports."))
        reached = cast_support(container, proposal, request.user.id, settings)
        threshold = settings.get("support_threshold") or 0
        if reached and threshold > proposal.threshold_notified:
            # once per threshold: supports withdrawn and cast again do not repeat it
            proposal.threshold_notified = threshold
            from beffroi.api import publish
            publish(request, "proposals.threshold_reached", proposal)
        message = _("Your support has been recorded.")
    else:
        withdraw_support(container, proposal, request.user.id, settings)
        message = _("Your support has been withdrawn.")
    from beffroi_proposals.views_staff import publish_pending_answers
    publish_pending_answers(request, container)
    return message


def attachment_view(context, request):
    """Download an attachment: served with its checked type, never sniffed as HTML."""
    number = _int(request.params.get("n"), -1, -1, 1000)
    if not 0 <= number < len(context.attachments) or not is_public_to(request, context):
        raise HTTPNotFound()
    attachment = context.attachments[number]
    thumb = attachment.thumb if request.params.get("size") == "thumb" else None
    response = Response(content_type=attachment.content_type)
    if thumb is not None:
        response.app_iter = FileIter(thumb.open("r"))
        response.cache_control = "private, max-age=3600"    # private spaces too
    else:
        response.app_iter = FileIter(attachment.blob.open("r"))
        response.content_length = attachment.size
    response.content_disposition = content_disposition(
        attachment.filename, inline=attachment.content_type.startswith("image/"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def states_css(context, request):
    """Colours of the custom answer states (the CSP forbids inline styles)."""
    settings = rules.settings_of(request, context)
    rules_css = []
    for state, _label, colour in custom_states(settings):
        red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        text = "#000" if (red * 299 + green * 587 + blue * 114) / 1000 > 140 else "#fff"
        rules_css.append(f".proposal-state--{state} {{ background: {colour}; color: {text}; "
                         f"border-color: {colour}; }}")
    response = Response("\n".join(rules_css) + "\n", content_type="text/css")
    response.cache_control = "max-age=60"
    return response


def includeme(config):
    tpl = "beffroi_proposals:templates/"
    config.add_view(listing, context=ModuleContainer, module="proposals", permission="view",
                    request_method="GET", renderer=tpl + "listing.pt")
    config.add_view(states_css, context=ModuleContainer, module="proposals", name="states.css",
                    permission="view", request_method="GET")
    config.add_view(proposal_view, context=Proposal, permission="view", request_method="GET",
                    renderer=tpl + "proposal.pt")
    for name in ("support", "unsupport"):
        config.add_view(support_view, context=Proposal, name=name, permission="proposals.support",
                        request_method="POST")
    config.add_view(attachment_view, context=Proposal, name="attachment", permission="view",
                    request_method="GET")
