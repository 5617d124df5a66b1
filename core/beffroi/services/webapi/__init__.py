"""The JSON API of an organisation: ``/-/api/v1/`` described by the OpenAPI 3.1 document
``/-/api/openapi.json`` and shown to people at ``/-/api``.

- ``document``: the document, from the core's operations and each module's
  ``ModuleInfo.api`` (``beffroi.infos.ApiInfo``);
- ``views``: the one view that authenticates (personal tokens), limits, routes and
  validates every request (openapi-core), and answers problem details on refusal;
- ``handlers``: the operations; ``tokens``: personal access tokens; ``account``: their
  page in the account; ``ratelimit``: requests per token and window; ``problems``:
  RFC 9457 errors and ``api_validate`` for modules; ``page``: the page ``/-/api``.

Views are registered by the scan of ``beffroi.services`` (``beffroi.views.includeme``).
"""
