"""Typed declarations that plugins return from ``register_*`` hooks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
NAMESPACED_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_.]*$")

#: Roles a space knows, from most to least powerful.
SPACE_ROLES = ("admin", "moderator", "evaluator", "collaborator", "member")


@dataclass(frozen=True)
class PermissionInfo:
    """A permission, namespaced by its plugin (``pages.edit``), and who holds it by default.

    ``roles`` are space roles (see ``SPACE_ROLES``); ``"authenticated"`` and
    ``"everyone"`` grant it to any logged-in participant or to anybody.
    """
    name: str
    title: str
    roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class IndexInfo:
    """A catalog index a module needs. ``kind`` is ``field``, ``keyword`` or ``text``;
    ``discriminator`` takes a content object and returns the value to index (or
    ``None`` to leave the object out)."""
    name: str
    kind: str
    discriminator: Callable[[Any], Any]


@dataclass(frozen=True)
class EvolveStep:
    """A named migration, run once per database in one transaction.

    ``name`` is namespaced (``pages.0001_add_summary``); steps run in name order
    within a plugin. ``run`` takes the application root."""
    name: str
    run: Callable[[Any], None]
    description: str = ""


@dataclass(frozen=True)
class ApiInfo:
    """What a module serves in the JSON API (``/-/api/v1/``, ``beffroi.services.webapi``).

    - ``row(request, item)`` → a JSON object (dict of JSON values) for one item, or
      ``None`` for an object that is not an item of the listing. The core has already
      checked that the item is public (``beffroi.visibility.is_public``) and that the
      person of ``request`` may view it; the row holds no personal data beyond what the
      item's page shows. ``"id"`` (text) is the item's name in its container.
    - ``schema``: the JSON Schema (2020-12, as OpenAPI 3.1 takes it) of a row; responses
      are checked against it in the tests, and it is published in the document.
    - ``items(request, container)`` → the container's items in a stable order (default:
      ``container.values()``, name order): the cursor of the listing walks it.
    - ``create(request, container, data)`` → the new item, from the JSON body ``data``
      already checked against ``create_schema``; the same function as the module's add
      form (rules, limits, notifications). Raise ``beffroi.api.ApiError`` to refuse
      (``api_validate`` turns a colander schema's errors into a 422).
    - ``support(request, item, on)``: cast (``on``) or withdraw the participant's
      support, with the rules of the module's button; raise ``ApiError`` to refuse.
    """
    row: Callable[[Any, Any], dict | None]
    schema: dict = field(default_factory=dict, compare=False, hash=False)
    items: Callable[[Any, Any], Iterable] | None = None
    create: Callable[[Any, Any, dict], Any] | None = None
    create_schema: dict | None = field(default=None, compare=False, hash=False)
    support: Callable[[Any, Any, bool], Any] | None = None


@dataclass(frozen=True)
class SearchDoc:
    """What the organisation search (``/-/search``) indexes of one item, returned by
    ``ModuleInfo.search(item)``.

    ``title`` and ``text`` are plain text (strip HTML first: ``beffroi.api.plain_text``);
    title words weigh three times as much as text words in the ranking. ``date`` (a
    timezone-aware ``datetime``; default: the item's ``created``) orders "newest first"
    and the date filter. ``label`` (a translation string, e.g. ``_("Amendment")``) is
    shown with the result; default: the module's title."""
    title: str
    text: str = ""
    date: Any = None
    label: Any = None


@dataclass(frozen=True)
class FieldDoc:
    """What one open-data column means, for the README of the organisation's archive.

    ``type``: one of ``integer``, ``decimal``, ``text``, ``boolean``, ``date-time``
    (ISO 8601 with offset), ``date``, ``url``, ``list``; ``meaning``: a sentence (a
    translation string); ``unit``: e.g. ``_("euros")``, ``_("supports")`` or ``""``."""
    type: str
    meaning: Any
    unit: Any = ""


@dataclass(frozen=True)
class TemplateInfo:
    """How a module's content becomes a template another space (of any organisation of
    the platform) can start from — plain data, never participant data.

    - ``to_template(container)`` → JSON-serialisable data (dicts, lists, text, numbers,
      booleans, None) describing what the space's team built in ``container`` (questions,
      an outline …): no answer, vote, comment, author or person id.
    - ``from_template(container, data)`` → the resource made in ``container`` from
      ``data`` (the page shown next). Data may come from another organisation or an
      older version of the module: check its shape and raise ``ValueError`` (its first
      argument a message for the admin) rather than store something half-made.
    - ``item_to_template(item)`` (optional) → the same kind of data for one item of the
      container (a single questionnaire), for a "save as template" button on that item.
    """
    to_template: Callable[[Any], Any]
    from_template: Callable[[Any, Any], Any]
    item_to_template: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ModuleInfo:
    """A participation module an admin can enable in a space.

    The callables below are what the module does for its own items; the core loops
    over the organisations and spaces and calls each with one container (a
    ``ModuleContainer`` of this module), so a module never writes that loop:

    - ``open_data(request, container)`` → iterable of flat dicts (str/int/float/bool/None
      values): the public rows served at ``<space>/<module>/export.csv`` and
      ``export.json``; only what an anonymous visitor may read, no personal data.
    - ``organisation_export(container)`` → JSON-serialisable value for the readable part
      of a whole-organisation export (``open-data.json`` of ``beffroi org export``).
    - ``portable_data(request, container, user)`` → JSON-serialisable value of what
      ``user`` wrote there, for "download my data" (GDPR art. 20); empty → left out.
    - ``on_account_deleted(request, container, user)``: anonymise what the container
      keeps about ``user``.
    - ``demo_content(container)``: fill an empty container with sample items.
    """
    name: str
    title: str
    description: str = ""
    icon: str = "📄"
    permissions: tuple[PermissionInfo, ...] = ()
    #: A callable returning a colander schema for module-wide settings.
    settings_schema: Callable[[], Any] | None = None
    #: A callable returning a colander schema for settings that change per phase.
    phase_settings_schema: Callable[[], Any] | None = None
    indexes: tuple[IndexInfo, ...] = ()
    evolve_steps: tuple[EvolveStep, ...] = ()
    on_enable: Callable[[Any, Any], None] | None = None
    on_disable: Callable[[Any, Any], None] | None = None
    #: Called with (request, container) after the settings that apply to the container
    #: may have changed: its space or phase settings saved, the organisation's defaults
    #: saved, another phase made current (e.g. to send what waited for publication).
    on_settings_changed: Callable[[Any, Any], None] | None = None
    open_data: Callable[[Any, Any], Iterable[dict]] | None = None
    #: Column order of ``export.csv`` (default: the keys of the first row).
    open_data_columns: tuple[str, ...] = ()
    organisation_export: Callable[[Any], Any] | None = None
    portable_data: Callable[[Any, Any, Any], Any] | None = None
    on_account_deleted: Callable[[Any, Any, Any], None] | None = None
    demo_content: Callable[[Any], None] | None = None
    #: Space types the module fits (``("assembly",)``); empty: every type.
    space_types: tuple[str, ...] = ()
    #: What the organisation search indexes of an item: a callable ``item`` →
    #: ``SearchDoc`` (or ``None`` to leave that object out), or a tuple of attribute
    #: names, the first read as the title and the others as text (HTML tags removed),
    #: e.g. ``search=("title", "description")``. Items are the objects passed to
    #: ``index_content`` and, for ``beffroi reindex``, the container's values (and the
    #: values of those that are folders). Whether a visitor may see an item is read
    #: from its state (``beffroi.visibility``); the module need not filter.
    search: Any = None
    #: What each open-data column means: ``{column: FieldDoc(type, meaning, unit)}``,
    #: written into the README of the organisation's open-data archive; a column of
    #: ``open_data`` rows missing here fails the open-data tests.
    open_data_fields: dict = field(default_factory=dict, compare=False, hash=False)
    #: Participation that is not a content object (supports, votes, answers,
    #: registrations): ``statistics(container)`` → iterable of ``Participation``, counted
    #: by the organisation's statistics beside the module's content objects (which the
    #: core counts by itself: every public ``Content`` with a ``creator``, comments included).
    statistics: Callable[[Any], Iterable[Any]] | None = None
    #: What a participant can do in the container now, from its (phase) settings:
    #: ``open_calls(request, container)`` → labels (translatable) such as "Submit a
    #: proposal", shown on the organisation's home page in the "open calls" block.
    open_calls: Callable[[Any, Any], Iterable[Any]] | None = None
    #: Actions an admin may subject to a verification (``("create", "support")``), each
    #: checked by the module with ``beffroi.api.authorise(request, container, action)``;
    #: words from ``ACTIONS`` or the module's own (lowercase, ``NAME_RE``).
    actions: tuple[str, ...] = ()
    #: ``TemplateInfo``: the module's content can be saved as a template shared across
    #: the platform (``beffroi.services.templates``); None: no template.
    template: "TemplateInfo | None" = None
    #: What the JSON API serves of the module's items (``ApiInfo``); None: nothing.
    api: ApiInfo | None = None

    def fits(self, space_type: str) -> bool:
        """May the module be enabled in a space of ``space_type``?"""
        return not self.space_types or space_type in self.space_types


@dataclass(frozen=True)
class Participation:
    """One act of participation for the statistics: ``kind`` (a short code such as
    ``"support"`` or ``"vote"``), ``person`` (a user id, or "" when anonymous), ``when``
    (an aware ``datetime``) and ``territory`` (a free label, "" when none)."""
    kind: str
    person: str
    when: Any
    territory: str = ""


@dataclass(frozen=True)
class SpaceTypeInfo:
    """A kind of space: participatory process, assembly, …"""
    name: str
    title: str
    description: str = ""
    has_phases: bool = True
    #: Default phases created with a new space: tuple of titles.
    default_phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkinInfo:
    """A look: ``layout`` is the asset spec of a Chameleon template defining the
    macro ``page``; ``static`` is the asset spec of its static folder."""
    name: str
    title: str
    layout: str
    static: str


@dataclass(frozen=True)
class NotificationInfo:
    """A kind of notification a plugin publishes (``proposals.answered``) and its title,
    listed in each participant's notification settings."""
    kind: str
    title: str


@dataclass(frozen=True)
class NavItem:
    """An entry in a navigation menu."""
    title: str
    url: str
    current: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)


#: Actions most modules offer, with their titles (``ModuleInfo.actions``); a module may
#: declare others (their title is the word itself unless the module translates it).
ACTIONS = ("create", "support", "vote", "sign", "register", "answer", "comment")


@dataclass(frozen=True)
class VerificationMethodInfo:
    """A way for a participant to prove who they are (``register_verification_methods``).

    - ``name``: unique, ``NAME_RE`` (``census``, ``postal_letter``);
    - ``start_path``: where a participant starts it on the organisation's site
      (``/-/account/verify-census``); the core appends ``?came_from=<path>``, and the
      method's pages send the participant back there once verified
      (``beffroi.api.verification_done``);
    - ``admin_path``: its staff page, if any (``/-/admin/verifications-census``);
    - ``metadata``: the keys it may grant (``postal_code``, ``district``, ``birth_date``,
      ``age_bracket``), which action conditions can test;
    - ``renewable``: a participant whose authorisation was revoked may start again.
    """
    name: str
    title: str
    start_path: str
    description: str = ""
    admin_path: str = ""
    metadata: tuple[str, ...] = ()
    renewable: bool = True
