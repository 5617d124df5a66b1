"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every refusal of the API is one ``ApiError``: a status, a short ``title`` that names
the kind of problem (the same for every occurrence), a ``detail`` for this one, and
for 422 the ``errors`` list ``[{"field": name, "message": text}]``. Module functions
(``ApiInfo.create`` / ``support``) raise it too; ``api_validate`` builds the 422 from
a colander schema.
"""
from __future__ import annotations

import json

import colander
from pyramid.response import Response

from beffroi.i18n import _

#: status → (type URI fragment, title)
KINDS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid", "Invalid data"),
    429: ("too-many-requests", "Too many requests"),
    500: ("server-error", "Server error"),
}

PROBLEM_TYPE = "application/problem+json"


class ApiError(Exception):
    """A refusal of the JSON API: ``status`` (an HTTP status of ``KINDS``), ``detail``
    (text, or a translation string translated for the reader), optional ``errors``
    (``[{"field", "message"}]`` for 422) and ``headers`` (``WWW-Authenticate``,
    ``Retry-After``…). Rendered as RFC 9457 problem details by the API's view."""

    def __init__(self, status, detail="", errors=None, headers=None):
        super().__init__(f"{status} {detail}")
        self.status, self.detail = status, detail
        self.errors, self.headers = errors, headers or {}


def problem_response(request, error: ApiError) -> Response:
    """The ``application/problem+json`` response of ``error`` (RFC 9457 §3)."""
    kind, title = KINDS.get(error.status, KINDS[400] if error.status < 500 else KINDS[500])
    translate = request.localizer.translate
    body = {"type": f"{request.application_url}/-/api#problem-{kind}", "title": title,
            "status": error.status, "detail": translate(error.detail) if error.detail else title}
    if error.errors:
        body["errors"] = [{"field": e["field"], "message": translate(e["message"])}
                          for e in error.errors]
    response = Response(json.dumps(body, ensure_ascii=False), status=error.status,
                        content_type=PROBLEM_TYPE, charset="utf-8")
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def validate(request, schema, data) -> dict:
    """``data`` (a JSON object) through the colander ``schema`` with the rules every
    form field obeys (``beffroi.forms.apply_field_rules``: no control characters);
    returns the appstruct or raises ``ApiError(422)`` listing each field's message,
    translated for the reader."""
    from beffroi.forms import apply_field_rules
    bound = apply_field_rules(schema.clone().bind(request=request))
    if not isinstance(data, dict):
        raise ApiError(422, _("The body must be a JSON object."))
    cstruct = {}
    for node in bound.children:
        if node.name in data:
            value = data[node.name]
            if isinstance(node.typ, colander.Boolean):
                value = "true" if value is True else "false" if value is False else value
            elif value is None:
                value = colander.null
            cstruct[node.name] = value
    try:
        return bound.deserialize(cstruct)
    except colander.Invalid as invalid:
        errors = [{"field": path.rpartition(".")[2] or "body", "message": message}
                  for path, message in invalid.asdict(translate=request.localizer.translate).items()]
        raise ApiError(422, _("Some fields are invalid."), errors=errors) from None
