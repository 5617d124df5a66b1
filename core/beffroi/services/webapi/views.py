"""``/-/api``: the document page, ``/-/api/openapi.json`` and the operations of ``/-/api/v1/``.

One Pyramid view (``SiteTools`` + name ``api``: the path after it is the subpath)
receives every API request and does, in order: who is asking (a bearer token of this
organisation, or nobody: the session cookie is never read here, so no API request
acts with a browser's cookie and CSRF has nothing to protect), the rate limit, the
operation (404, 405 with ``Allow``), the scope (401, 403), the request against the
document (openapi-core: 400, 415, 422), then the operation's handler below. Every
answer carries the rate-limit headers and ``Cache-Control: no-store``; refusals are
problem details (``problems``), and a refused write leaves the transaction doomed.
"""
from __future__ import annotations

import json
import logging
import re
import threading

from pyramid.view import view_config

from beffroi.i18n import _

from beffroi.resources.organisation import SiteTools
from beffroi.services.webapi import handlers, idempotency
from beffroi.services.webapi.problems import (
    ApiError, problem_response, schema_error, use_api_locale)
from beffroi.services.webapi.ratelimit import limiter_from_settings
from beffroi.services.verification.authorisations import AuthorisationRequired

log = logging.getLogger(__name__)

#: Largest JSON body accepted (bytes).
MAX_BODY = 256 * 1024


class ApiRuntime:
    """What the API builds once per application: the document, its validator, the
    routes and the rate limiter (``registry.beffroi_webapi``)."""

    def __init__(self, registry):
        from openapi_core import Config, OpenAPI

        from beffroi.services.webapi.document import all_operations, build_document
        self.document = build_document(registry.beffroi)
        self.openapi = OpenAPI.from_dict(self.document, config=Config(
            extra_media_type_deserializers={"application/problem+json": json.loads}))
        self.routes = [(_compile(op.path), op) for op in all_operations(registry.beffroi)]
        self.limiter = limiter_from_settings(registry.settings)
        self.validate_responses = registry.settings.get(
            "beffroi.api.validate_responses", "false").lower() in ("1", "true", "yes", "on")

    def match(self, path):
        """``(operations by method, path parameters)`` for ``path``; ``({}, {})``."""
        found, params = {}, {}
        for pattern, op in self.routes:
            m = pattern.fullmatch(path)
            if m:
                found[op.method] = op
                params = m.groupdict()
        return found, params


def _compile(path):
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(path).replace(r"\{", "{")
                             .replace(r"\}", "}")))


_RUNTIME_LOCK = threading.Lock()


def runtime(request) -> ApiRuntime:
    """The ``ApiRuntime`` of the application, made by its first API request (one per
    application: the rate limiter's counts live there)."""
    registry = request.registry
    found = getattr(registry, "beffroi_webapi", None)
    if found is None:
        with _RUNTIME_LOCK:
            found = getattr(registry, "beffroi_webapi", None)
            if found is None:
                found = registry.beffroi_webapi = ApiRuntime(registry)
    return found


@view_config(context=SiteTools, name="api", request_method=("GET", "HEAD"),
             renderer="beffroi:templates/api/index.pt", require_csrf=False)
def document_page(context, request):
    """``/-/api``: the document for people; ``/-/api/openapi.json``: for programs."""
    from pyramid.httpexceptions import HTTPNotFound
    if request.subpath == ("openapi.json",):
        response = request.response
        response.content_type = "application/json"
        response.charset = "utf-8"
        response.text = json.dumps(runtime(request).document, ensure_ascii=False, indent=1)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.cache_control = "no-cache"
        return response
    if request.subpath and request.subpath[0] == "v1":
        return api_view(context, request)
    if request.subpath:
        raise HTTPNotFound()
    from beffroi.services.webapi.page import page_values
    return page_values(request, runtime(request))


@view_config(context=SiteTools, name="api", require_csrf=False)
def api_view(context, request):
    """Every request under ``/-/api/v1/``."""
    api = runtime(request)
    use_api_locale(request)
    if not request.subpath or request.subpath[0] != "v1":
        return _finish(request, api, problem_response(request, ApiError(404)), None)
    address = ("address", request.client_addr or "")
    try:
        user, token = _identify(request)
    except ApiError as error:
        # guesses of tokens count against the address: they are limited like the rest
        quota = api.limiter.hit(address)
        if quota.allowed:
            return _finish(request, api, problem_response(request, error), quota)
        user = token = None
    else:
        quota = api.limiter.hit(("token", token.key) if token is not None else address)
        if user is not None:
            use_api_locale(request, user)        # the owner's language, unless asked otherwise
    if not quota.allowed:
        error = ApiError(429, _("Too many requests in this window: wait for the number of "
                                "seconds in Retry-After."),
                         headers={"Retry-After": str(quota.reset)})
        return _finish(request, api, problem_response(request, error), quota)
    try:
        op, params = _operation(request, api)
        if (op.write or op.auth) and user is None:
            raise ApiError(401, _("This operation needs a personal access token."),
                           headers={"WWW-Authenticate": 'Bearer realm="beffroi"'})
        if op.write and not token.allows("write"):
            raise ApiError(403, _("This token is read-only: make a token with the write scope."),
                           headers={"WWW-Authenticate": 'Bearer realm="beffroi", '
                                                        'error="insufficient_scope", scope="write"'})
        if op.write:
            from beffroi.services.orgpages.model import must_accept_terms
            if must_accept_terms(request.organisation, user):
                raise ApiError(403, _("The terms of use have changed: accept them on the site "
                                      "(/-/terms-accept) before writing through the API."))
        key = idempotency.key_of(request) if op.method == "POST" and op.write else None
        replayed = idempotency.replay(request, token, key) if key is not None else None
        if replayed is not None:
            return _finish(request, api, replayed, quota)
        query, body = _validated(request, api, op)
        status, data = getattr(handlers, op.handler)(request, op, params, query, body)
        response = request.response
        response.status_int = status
        response.content_type = "application/json"
        response.charset = "utf-8"
        response.text = json.dumps(data, ensure_ascii=False, default=_iso)
        if status == 201 and op.handler == "create" and "id" in data:
            response.headers["Location"] = f"{request.application_url}{request.path_info}/" \
                                           f"{data['id']}"
        if key is not None:
            idempotency.remember(request, token, key, response)
    except ApiError as error:
        request.tm.doom()              # a refused write leaves nothing behind
        response = problem_response(request, error)
    except AuthorisationRequired as refused:     # a verification the space requires
        request.tm.doom()
        response = problem_response(request, ApiError(403, refused.authorisation.reason))
    return _finish(request, api, response, quota)


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _identify(request):
    """``(user, token)`` from ``Authorization: Bearer …`` (``(None, None)`` without one);
    raises 401 for a token this organisation does not know."""
    from beffroi.services.webapi.tokens import authenticate
    header = request.headers.get("Authorization", "")
    request.user = None                      # the session cookie grants nothing here
    if not header:
        return None, None
    scheme, _sep, secret = header.partition(" ")
    user, token = (None, None)
    if scheme.lower() == "bearer":
        user, token = authenticate(request.organisation, secret.strip())
    if user is None:
        raise ApiError(401, _("The token is unknown on this host, expired or revoked."),
                       headers={"WWW-Authenticate": 'Bearer realm="beffroi", error="invalid_token"'})
    request.user = user
    request.api_token = token
    return user, token


def _operation(request, api):
    found, params = api.match(request.path_info)
    if not found:
        raise ApiError(404, _("No operation at this address: see /-/api."))
    method = "GET" if request.method == "HEAD" else request.method
    if method not in found:
        allowed = ", ".join(sorted(found))
        raise ApiError(405, _("This address accepts ${methods}.", mapping={"methods": allowed}),
                       headers={"Allow": allowed})
    return found[method], params


def _validated(request, api, op):
    """The query parameters and JSON body of ``request``, checked against the document."""
    from openapi_core.templating.paths.exceptions import PathError
    from openapi_core.validation.request.exceptions import (
        ParameterValidationError, RequestBodyValidationError)
    body = None
    if op.body:
        if request.content_length and request.content_length > MAX_BODY:
            raise ApiError(413, _("The body is larger than ${size} bytes.", mapping={"size": MAX_BODY}))
        if request.content_type != "application/json":
            raise ApiError(415, _("Send the body as application/json."))
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError):    # nesting too deep too
            raise ApiError(400, _("The body is not valid JSON.")) from None
    result = api.openapi.unmarshal_request(_OpenApiRequest(request))
    if result.errors:
        error = result.errors[0]
        if isinstance(error, PathError):
            raise ApiError(404)
        fields = _schema_fields(error)
        if isinstance(error, ParameterValidationError):
            errors = [{"field": error.name, "message": m} for _f, m in fields] or \
                [{"field": error.name, "message": _("This value is not valid here.")}]
            raise ApiError(400, _("The parameter ${name} is not valid.",
                                  mapping={"name": error.name}), errors=errors)
        if isinstance(error, RequestBodyValidationError) and op.body and body is not None:
            errors = [{"field": f, "message": m} for f, m in fields] or \
                [{"field": "body", "message": _("This value does not follow the schema of "
                                                "this operation.")}]
            raise ApiError(422, _("The body does not follow the schema of this operation."),
                           errors=errors)
        log.info("API request refused by the document: %s", _error_text(error))
        raise ApiError(400, _("The request does not follow the description of the API "
                              "(see /-/api)."))
    query = dict(result.parameters.query or {})
    return query, body


def _causes(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _schema_fields(error):
    """``(field, translatable message)`` of each JSON Schema error under ``error``."""
    for cause in _causes(error):
        subs = getattr(cause, "schema_errors", None)
        if subs:
            return [schema_error(sub) for sub in subs]
    return []


def _error_text(error):
    """The library's own (English) account of ``error``, for the log."""
    for cause in _causes(error):
        subs = getattr(cause, "schema_errors", None)
        if subs:
            return f"{error}: {[getattr(s, 'message', str(s)) for s in subs]}"[:500]
    return str(error)[:500]


class _OpenApiRequest:
    """The request as openapi-core reads it (``openapi_core.protocols.Request``)."""

    def __init__(self, request):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict
        self.host_url = request.host_url
        self.path = request.path_info
        self.method = ("get" if request.method == "HEAD" else request.method).lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.GET.items())),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict([]))
        self.content_type = request.headers.get("Content-Type", "") or ""
        self.body = request.body or None


class _OpenApiResponse:
    def __init__(self, response):
        from werkzeug.datastructures import Headers
        self.status_code = response.status_int
        self.content_type = response.headers.get("Content-Type", "")
        self.headers = Headers(list(response.headers.items()))
        self.data = response.body


def _finish(request, api, response, quota):
    if quota is not None:
        for name, value in quota.headers().items():
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = request.locale_name
    if api.validate_responses and request.path_info.startswith("/-/api/v1/"):
        result = api.openapi.unmarshal_response(_OpenApiRequest(request), _OpenApiResponse(response))
        errors = [e for e in result.errors
                  if "PathNotFound" not in type(e).__name__ and "OperationNotFound" not in type(e).__name__]
        if errors and response.status_int not in (404, 405):
            log.error("API response does not follow the document: %s %s: %s",
                      request.method, request.path_info, _error_text(errors[0]))
            raise AssertionError(f"API response of {request.method} {request.path_info} does not "
                                 f"follow the document: {_error_text(errors[0])} "
                                 f"body={response.body[:300]!r}")
    return response
