"""`<id:name>` in a URL: a database id of at most 19 digits. A longer number does not match (404), so it never
reaches a query as a number no column holds."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= 2**63 - 1:
            raise ValueError("not a database id")  # the resolver treats it as no match
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
