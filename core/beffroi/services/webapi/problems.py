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

#: status → (type URI fragment, title). The fragment is for programs and never
#: translated; the title is translated for the reader (``api_locale``).
KINDS = {
    400: ("bad-request", _("Bad request")),
    401: ("unauthorized", _("Authentication required")),
    403: ("forbidden", _("Forbidden")),
    404: ("not-found", _("Not found")),
    405: ("method-not-allowed", _("Method not allowed")),
    409: ("conflict", _("Conflict")),
    415: ("unsupported-media-type", _("Unsupported media type")),
    422: ("invalid", _("Invalid data")),
    429: ("too-many-requests", _("Too many requests")),
    500: ("server-error", _("Server error")),
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


def api_locale(request, user=None) -> str:
    """The language of the API's answers: the best of ``Accept-Language`` among the
    organisation's languages, else the token owner's (``user``), else the
    organisation's default. The locale cookie of the site is not read: the API ignores
    cookies."""
    org = request.organisation
    ranges = getattr(request.accept_language, "parsed", None) or ()   # None: no or bad header
    for language, quality in sorted(ranges, key=lambda pair: -pair[1]):
        primary = language.split("-", 1)[0].lower()
        if quality > 0 and primary in org.locales:
            return primary
    if user is not None and getattr(user, "locale", None) in org.locales:
        return user.locale
    return org.default_locale


def use_api_locale(request, user=None) -> str:
    """Make ``request.localizer`` speak ``api_locale(request, user)``; return it."""
    locale = api_locale(request, user)
    request.locale_name = locale               # both are reified: set or forget them
    request.__dict__.pop("localizer", None)
    return locale


def problem_response(request, error: ApiError) -> Response:
    """The ``application/problem+json`` response of ``error`` (RFC 9457 §3): ``type``
    and ``status`` for programs, ``title`` and ``detail`` in the reader's language
    (``Content-Language`` says which)."""
    kind, title = KINDS.get(error.status, KINDS[400] if error.status < 500 else KINDS[500])
    translate = request.localizer.translate
    title = translate(title)
    body = {"type": f"{request.application_url}/-/api#problem-{kind}", "title": title,
            "status": error.status, "detail": translate(error.detail) if error.detail else title}
    if error.errors:
        body["errors"] = [{"field": e["field"], "message": translate(e["message"])}
                          for e in error.errors]
    response = Response(json.dumps(body, ensure_ascii=False), status=error.status,
                        content_type=PROBLEM_TYPE, charset="utf-8")
    response.headers["Content-Language"] = request.localizer.locale_name
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


def schema_error(sub) -> tuple[str, object]:
    """``(field, message)`` of one JSON Schema error (``jsonschema.ValidationError``, as
    openapi-core gives them), the message translatable: the library's own text is in
    English whatever the reader's language."""
    path = [str(p) for p in getattr(sub, "path", ())]
    field = ".".join(path) or "body"
    kind, value = getattr(sub, "validator", None), getattr(sub, "validator_value", None)
    instance = getattr(sub, "instance", None)
    if kind == "required":
        missing = [name for name in value or () if not isinstance(instance, dict)
                   or name not in instance]
        return ".".join(path + missing[:1]) or "body", _("This field is required.")
    if kind == "additionalProperties":
        extra = sorted(set(instance or ()) - set(getattr(sub, "schema", {}).get("properties", {}))) \
            if isinstance(instance, dict) else []
        return ".".join(path + extra[:1]) or "body", _("This field is not part of the schema.")
    if kind == "type":
        types = ", ".join(value) if isinstance(value, (list, tuple)) else str(value)
        return field, _("The value should be of type ${type}.", mapping={"type": types})
    if kind == "minLength":
        return field, _("Too short: the minimum length is ${count}.", mapping={"count": value})
    if kind == "maxLength":
        return field, _("Too long: the maximum length is ${count}.", mapping={"count": value})
    if kind == "minimum":
        return field, _("The smallest value allowed is ${value}.", mapping={"value": value})
    if kind == "maximum":
        return field, _("The largest value allowed is ${value}.", mapping={"value": value})
    if kind == "enum":
        return field, _("One of: ${values}.",
                        mapping={"values": ", ".join(json.dumps(v) for v in value or ())})
    if kind == "format":
        return field, _("This is not a valid ${format}.", mapping={"format": value})
    return field, _("This value does not follow the schema of this operation.")
