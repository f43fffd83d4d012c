"""OpenAPI helpers: paged response shapes for hand-paged views, and the error responses every operation can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from programs.web.api import StrictSerializer

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
# A 400 is either {"detail": ...} or one list of messages per field (DRF's shape).
_INVALID = {
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {}}, {"type": "string"}, {"type": "object"}]},
}
ERRORS = {
    "400": ("The request is malformed: each field names its problem.", _INVALID),
    "403": ("Not signed in, or not allowed.", _DETAIL),
    "404": ("No such object, or not one of yours.", _DETAIL),
    "405": ("Method not allowed.", _DETAIL),
    "406": ("Not acceptable.", _DETAIL),
    "415": ("Unsupported media type.", _DETAIL),
    "429": ("Too many requests: wait and try again.", _DETAIL),
}


def paged(name: str, item: serializers.BaseSerializer, **extra: serializers.Field) -> serializers.Serializer:
    """The shape Pages returns: count, next, previous and a page of results."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
            **extra,
        },
    )


def add_error_responses(result: dict[str, Any], generator: object, request: object, public: bool) -> dict[str, Any]:
    """Postprocessing hook: document the error statuses any operation may answer with, unless it documents its own."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorDetail"] = _DETAIL
    components["ValidationErrors"] = _INVALID
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, (description, schema) in ERRORS.items():
                if code == "415" and method in {"get", "delete"}:
                    continue
                ref = {"$ref": "#/components/schemas/" + ("ValidationErrors" if schema is _INVALID else "ErrorDetail")}
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result


class StrictSerializerExtension(OpenApiSerializerExtension):
    """A strict request body is documented as one: additionalProperties false, as the server enforces."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
