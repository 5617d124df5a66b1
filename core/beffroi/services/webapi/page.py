"""``/-/api``: the OpenAPI document shown to people, in their language, from the same
document programs read (``/-/api/openapi.json``): operations, parameters, bodies,
answers and schemas. No script and no external stylesheet."""
from __future__ import annotations

from beffroi.i18n import _
from beffroi.services.webapi.document import all_operations

METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "DELETE": 3}


def _type_of(schema):
    if "$ref" in schema:
        return schema["$ref"].rpartition("/")[2]
    if "oneOf" in schema:
        return " | ".join(_type_of(s) for s in schema["oneOf"])
    kind = schema.get("type", "object")
    kind = " | ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and "items" in schema:
        return f"array of {_type_of(schema['items'])}"
    if "enum" in schema:
        return f"{kind} ({', '.join(str(v) for v in schema['enum'])})"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind


def _schema_rows(schema):
    required = set(schema.get("required", ()))
    return [{"name": name, "type": _type_of(prop), "required": name in required,
             "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items()]


def _resolve(document, value):
    if "$ref" in value:
        _hash, _components, kind, name = value["$ref"].split("/")
        return document["components"][kind][name]
    return value


def page_values(request, api):
    document = api.document
    operations = []
    for op in sorted(all_operations(request.registry.beffroi),
                     key=lambda o: (o.tag != "core", o.tag, o.path, METHOD_ORDER.get(o.method, 9))):
        spec = document["paths"][op.path][op.method.lower()]
        operations.append({
            "id": spec["operationId"], "method": op.method, "path": op.path, "tag": op.tag,
            "summary": op.summary, "description": op.description,
            "access": _("token with the write scope") if op.write
            else _("any token") if op.auth else _("none (a token shows what its owner may see)"),
            "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                            "type": _type_of(p["schema"]), "description": p.get("description", "")}
                           for p in spec.get("parameters", ())],
            "body": op.body or "",
            "responses": [(status, r["description"], _type_of(
                next(iter(r.get("content", {}).values()), {}).get("schema", {"type": "—"})))
                for status, r in ((s, _resolve(document, r))
                                  for s, r in spec["responses"].items())],
        })
    schemas = [{"name": name, "description": schema.get("description", ""),
                "rows": _schema_rows(schema)}
               for name, schema in sorted(document["components"]["schemas"].items())]
    return {"page_title": _("API"), "operations": operations, "schemas": schemas,
            "document_url": request.application_url + "/-/api/openapi.json",
            "base": request.application_url,
            "tokens_url": request.application_url + "/-/account/api-tokens"}
