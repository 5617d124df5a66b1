"""The OpenAPI 3.1 document of the JSON API, built once per application from the core's
operations and the modules' ``ApiInfo`` declarations.

``OPERATIONS`` lists the core's operations as data; ``module_operations`` adds, for each
module that declares ``ApiInfo``, its listing and item (and creation, support when
declared) under ``/-/api/v1/spaces/{space}/<module>``, and its items' comments. Summaries
and descriptions are gettext messages: the JSON document carries the English text, the
page ``/-/api`` shows them in the reader's language.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from beffroi.i18n import _
from beffroi.services.webapi.idempotency import KEY_PATTERN

BASE = "/-/api/v1"
VERSION = "1.0.0"
PAGE_LIMIT_MAX = 100
PAGE_LIMIT_DEFAULT = 20


@dataclass(frozen=True)
class Operation:
    """One operation: ``handler`` names a function of ``beffroi.services.webapi.views``;
    ``module`` the module it serves (None: the core)."""
    method: str
    path: str
    handler: str
    summary: str
    description: str = ""
    response: str = ""               # component schema of the 2xx body
    status: int = 200
    body: str = ""                   # component schema of the request body
    paged: bool = False
    write: bool = False              # needs a token of scope "write"
    auth: bool = False               # needs a token (any scope)
    module: str | None = None
    tag: str = "core"
    parameters: tuple = field(default=())

    @property
    def operation_id(self):
        words = [p.strip("{}") for p in self.path.removeprefix(BASE).split("/") if p]
        return self.method.lower() + "_" + "_".join(words).replace("-", "_")


SPACE = {"name": "space", "in": "path", "required": True,
         "description": "The space's slug, as in its address.",
         "schema": {"type": "string", "minLength": 1, "maxLength": 100}}
ITEM = {"name": "item", "in": "path", "required": True,
        "description": "The item's id (its name in the module).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": (
        "Any unique value you choose for this request (a UUID), as in the IETF draft "
        "httpapi-idempotency-key-header: sending the same request again with the same key "
        "within 24 hours, from the same token, answers the first response again (status, "
        "body, Location, and the header Idempotent-Replayed: true) and creates nothing. "
        "The same key with another request is a 422. Only successful answers are kept."),
    "schema": {"type": "string", "minLength": 1, "maxLength": 257,
               "pattern": KEY_PATTERN}}
PAGING = (
    {"name": "cursor", "in": "query", "required": False,
     "description": "The next_cursor of the previous page (opaque).",
     "schema": {"type": "string", "minLength": 1, "maxLength": 300}},
    {"name": "limit", "in": "query", "required": False,
     "description": "Items per page.",
     "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT_MAX,
                "default": PAGE_LIMIT_DEFAULT}},
)

OPERATIONS = (
    Operation("GET", f"{BASE}/organisation", "organisation", _("The organisation"),
              _("Name, description, languages and time zone of the organisation of this host."),
              response="Organisation"),
    Operation("GET", f"{BASE}/me", "me", _("The owner of the token"),
              _("The participant the token belongs to, and its scope."), response="Me",
              auth=True),
    Operation("GET", f"{BASE}/spaces", "spaces", _("Spaces"),
              _("The spaces you may see: public ones, and those you belong to."),
              response="Space", paged=True),
    Operation("GET", f"{BASE}/spaces/{{space}}", "space", _("One space"),
              _("A space, its modules and its current phase."), response="Space",
              parameters=(SPACE,)),
    Operation("GET", f"{BASE}/spaces/{{space}}/phases", "phases", _("Phases of a space"),
              _("The phases of a participatory process, in order."), response="PhaseList",
              parameters=(SPACE,)),
)


def module_operations(name, info) -> list[Operation]:
    """The operations of module ``name`` from its ``ApiInfo``."""
    api = info.api
    base = f"{BASE}/spaces/{{space}}/{name}"
    item = f"{base}/{{item}}"
    ops = [
        Operation("GET", base, "items", _("Items of a module"),
                  _("The items of this module in a space that you may read, in a stable order."),
                  response=f"{name}_item", paged=True, module=name, tag=name,
                  parameters=(SPACE,)),
        Operation("GET", item, "item", _("One item"), "", response=f"{name}_item", module=name,
                  tag=name, parameters=(SPACE, ITEM)),
        Operation("GET", f"{item}/comments", "comments", _("Comments of an item"),
                  _("Readable comments, oldest first; replies name the comment they answer."),
                  response="Comment", paged=True, module=name, tag=name,
                  parameters=(SPACE, ITEM)),
        Operation("POST", f"{item}/comments", "add_comment", _("Comment on an item"),
                  _("Publishes a comment (or a reply) as the token's owner, with the rules "
                    "of the site: comments open, length, three levels of replies."),
                  response="Comment", status=201, body="CommentInput", write=True,
                  module=name, tag=name, parameters=(SPACE, ITEM)),
    ]
    if api.create is not None:
        ops.append(Operation("POST", base, "create", _("Create an item"),
                             _("Creates an item as the token's owner, with the rules of the "
                               "module's form (phase, permissions, limits)."),
                             response=f"{name}_item", status=201, body=f"{name}_input",
                             write=True, module=name, tag=name, parameters=(SPACE,)))
    if api.support is not None:
        for method, summary in (("PUT", _("Support an item")),
                                ("DELETE", _("Withdraw a support"))):
            ops.append(Operation(method, f"{item}/support", "support", summary,
                                 _("With the rules of the support button: supports open in "
                                   "this phase, one per person, the limit per space."),
                                 response=f"{name}_item", write=True, module=name, tag=name,
                                 parameters=(SPACE, ITEM)))
    return ops


def all_operations(plugins) -> list[Operation]:
    ops = list(OPERATIONS)
    for name, info in sorted(plugins.modules.items()):
        if info.api is not None:
            ops.extend(module_operations(name, info))
    return ops


NULLABLE_TEXT = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Problem": {
        "type": "object", "description": "An error, as RFC 9457 problem details.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        },
    },
    "Organisation": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "description", "url", "locales", "default_locale", "time_zone"],
        "properties": {
            "name": {"type": "string"}, "description": {"type": "string"},
            "url": {"type": "string"},
            "locales": {"type": "array", "items": {"type": "string"}},
            "default_locale": {"type": "string"}, "time_zone": {"type": "string"},
        },
    },
    "Me": {
        "type": "object", "additionalProperties": False, "required": ["id", "name", "scope"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                       "scope": {"type": "string", "enum": ["read", "write"]}},
    },
    "Phase": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "title", "description", "start", "end", "current"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string"},
            "start": {"type": ["string", "null"], "format": "date"},
            "end": {"type": ["string", "null"], "format": "date"},
            "current": {"type": "boolean"},
        },
    },
    "PhaseList": {
        "type": "object", "additionalProperties": False, "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Phase"}}},
    },
    "Space": {
        "type": "object", "additionalProperties": False,
        "required": ["slug", "title", "description_html", "type", "visibility", "scope", "url",
                     "current_phase", "modules"],
        "properties": {
            "slug": {"type": "string"}, "title": {"type": "string"},
            "description_html": {"type": "string"}, "type": {"type": "string"},
            "visibility": {"type": "string", "enum": ["public", "private", "transparent"]},
            "scope": {"type": "string"}, "url": {"type": "string"},
            "current_phase": {"oneOf": [{"$ref": "#/components/schemas/Phase"}, {"type": "null"}]},
            "modules": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["name", "title", "api"],
                "properties": {"name": {"type": "string"}, "title": {"type": "string"},
                               "api": {"type": ["string", "null"]}}}},
        },
    },
    "Comment": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "reply_to", "depth", "author", "body_html", "alignment", "score",
                     "created", "edited"],
        "properties": {
            "id": {"type": "string"}, "reply_to": NULLABLE_TEXT,
            "depth": {"type": "integer", "minimum": 0},
            "author": {"type": "string"}, "body_html": {"type": "string"},
            "alignment": {"type": "integer", "enum": [-1, 0, 1]},
            "score": {"type": "integer"}, "created": DATE_TIME,
            "edited": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "CommentInput": {
        "type": "object", "additionalProperties": False, "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 20000,
                     "description": "Markdown text."},
            "alignment": {"type": "integer", "enum": [-1, 0, 1], "default": 0},
            "reply_to": {"type": ["string", "null"], "maxLength": 40,
                         "description": "The id of the comment answered."},
        },
    },
}


def _page_of(schema_name):
    return {"type": "object", "additionalProperties": False, "required": ["items", "next_cursor"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_name}"}},
                "next_cursor": {"type": ["string", "null"],
                                "description": "Pass as cursor for the next page; null on the last."}}}


RATE_HEADERS = {
    name: {"description": text, "schema": {"type": "string"}}
    for name, text in (
        ("RateLimit-Limit", "Requests allowed per window."),
        ("RateLimit-Remaining", "Requests left in this window."),
        ("RateLimit-Reset", "Seconds until the window ends."),
        ("X-RateLimit-Limit", "Requests allowed per window."),
        ("X-RateLimit-Remaining", "Requests left in this window."),
        ("X-RateLimit-Reset", "Unix time when the window ends."),
    )
}


#: status → (component name, description) of the problem answers
PROBLEMS = {
    "400": ("BadRequest", "The request does not follow this document."),
    "401": ("Unauthorized", "The token is missing, unknown on this host, expired or revoked."),
    "403": ("Forbidden", "The token's owner may not do this, or its scope is too narrow."),
    "404": ("NotFound", "Nothing here that you may read."),
    "409": ("Conflict", "The rules refuse it now (already done, limit reached)."),
    "413": ("TooLarge", "The body is too large."),
    "415": ("NotJson", "The body is not JSON."),
    "422": ("Invalid", "The data (or a cursor) breaks a rule of the site; errors lists the fields."),
    "429": ("TooManyRequests", "Too many requests: wait for the time in Retry-After."),
}
HEADER_REFS = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_HEADERS}


def _problem(status):
    return {"$ref": f"#/components/responses/{PROBLEMS[status][0]}"}


def _problem_components():
    return {name: {"description": text, "headers": HEADER_REFS, "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for name, text in PROBLEMS.values()}


def _operation(op: Operation) -> dict:
    schema = f"{op.response}Page" if op.paged else op.response
    out = {
        "operationId": op.operation_id, "summary": str(op.summary), "tags": [op.tag],
        "parameters": [copy.deepcopy(p) for p in op.parameters + (PAGING if op.paged else ())],
        "responses": {
            str(op.status): {"description": "OK" if op.status == 200 else "Created",
                             "headers": HEADER_REFS,
                             "content": {"application/json": {
                                 "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
            "400": _problem("400"), "401": _problem("401"), "403": _problem("403"),
            "404": _problem("404"), "429": _problem("429"),
        },
    }
    if op.description:
        out["description"] = str(op.description)
    if op.write or op.auth:
        out["security"] = [{"token": []}]
    else:
        out["security"] = [{}, {"token": []}]
    if op.body:
        out["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{op.body}"}}}}
        out["responses"]["413"] = _problem("413")
        out["responses"]["415"] = _problem("415")
    if op.write:
        out["responses"]["409"] = _problem("409")
    if op.write and op.method == "POST":
        out["parameters"].append(copy.deepcopy(IDEMPOTENCY_KEY))
    if op.handler == "create":
        out["responses"][str(op.status)]["headers"] = dict(HEADER_REFS, Location={
            "description": "The address of the item in the API.",
            "schema": {"type": "string"}})
    if op.write or op.body or op.paged:
        out["responses"]["422"] = _problem("422")
    return out


def build_document(plugins) -> dict:
    """The OpenAPI 3.1 document (a JSON-serialisable dict) for the installed modules."""
    schemas = copy.deepcopy(SCHEMAS)
    paths: dict = {}
    ops = all_operations(plugins)
    for name, info in sorted(plugins.modules.items()):
        if info.api is None:
            continue
        row = copy.deepcopy(info.api.schema) or {"type": "object"}
        row.setdefault("description", f"An item of the module {name}.")
        schemas[f"{name}_item"] = row
        if info.api.create_schema is not None:
            schemas[f"{name}_input"] = copy.deepcopy(info.api.create_schema)
    for op in ops:
        if op.paged and f"{op.response}Page" not in schemas:
            schemas[f"{op.response}Page"] = _page_of(op.response)
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beffroi API", "version": VERSION,
            "description": (
                "Read what is public in this organisation, and act as a participant with a "
                "personal access token (made on your account page, bound to this "
                "organisation). Errors are RFC 9457 problem details. Lists are paged by an "
                "opaque cursor. Every response says the rate limit in RateLimit-* headers. "
                "Requests that create accept an Idempotency-Key header, so that they can "
                "be sent again safely. Answers are in the organisation's language, or the "
                "one of Accept-Language among the organisation's (Content-Language)."),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "core"}] + [{"name": n} for n, i in sorted(plugins.modules.items())
                                       if i.api is not None],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _problem_components(),
            "headers": RATE_HEADERS,
            "securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "A personal access token: Authorization: Bearer bfr_…"}},
        },
    }
