"""Post-processing of the OpenAPI document (drf-spectacular), so it states what the API enforces.

- Request bodies are JSON only (DEFAULT_PARSER_CLASSES) and their objects take no other
  properties (`additionalProperties: false`): every input serializer refuses unknown fields.
- A text field with a `min_length` that still lets a blank value through (`allow_blank`, so
  comment_submit() answers it with the reader page's message) is documented by its
  `minLength` alone: the blank value is refused too, only by a later step.
- A query parameter takes one value that is not blank (config.filters): string parameters
  say so with `minLength: 1` and a non-space `pattern`.
- Every operation documents 414 (config.parsers.ApiRequestGateMiddleware refuses an
  over-long URL); every operation with a body documents 413 and 415.
"""

from __future__ import annotations

from typing import Any

from config.api import ERROR_DESCRIPTIONS

JSON = "application/json"
BODY_STATUSES = ("413", "415")


def _error_response(status: str) -> dict[str, Any]:
    return {
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
        "description": ERROR_DESCRIPTIONS[int(status)],
    }


def _component(ref: str, components: dict[str, Any]) -> dict[str, Any] | None:
    prefix = "#/components/schemas/"
    return components.get(ref[len(prefix) :]) if ref.startswith(prefix) else None


def _not_blank(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("minLength", 1)
        schema.setdefault("pattern", r"\S")


def _without_blank_alternative(field: dict[str, Any]) -> dict[str, Any]:
    options = field.get("oneOf")
    if not isinstance(options, list) or len(options) != 2:
        return field
    blank = {"type": "string", "maxLength": 0}
    rest = [option for option in options if option != blank]
    if len(rest) == 1 and rest[0].get("type") == "string" and rest[0].get("minLength", 0) >= 1:
        return {**{k: v for k, v in field.items() if k != "oneOf"}, **rest[0]}
    return field


def state_what_the_api_enforces(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("414", _error_response("414"))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _not_blank(parameter.get("schema", {}))
            body = operation.get("requestBody")
            if not body:
                continue
            # JSON is the only parser (DEFAULT_PARSER_CLASSES); anything else would be a 415.
            body["content"] = {JSON: body["content"].get(JSON, {})}
            schema = body["content"][JSON].get("schema", {})
            component = _component(schema.get("$ref", ""), components)
            if component is not None and component.get("type") == "object":
                component["additionalProperties"] = False
                for name, field in component.get("properties", {}).items():
                    component["properties"][name] = _without_blank_alternative(field)
            for status in BODY_STATUSES:
                responses.setdefault(status, _error_response(status))
    return result
