"""API defaults every view shares: bounded pages, strict request bodies, and throttles that read their rates when
they run."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from config.addresses import client_address


class Pages(PageNumberPagination):
    """?page=N&page_size=M, with M capped at API_MAX_PAGE_SIZE: no request can ask for the whole table."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class StrictSerializer(serializers.Serializer):
    """A request body that refuses any field it does not declare (400 naming it), so a request cannot slip in a
    role, an owner or a model version, and the schema says so (additionalProperties: false, config/schema.py)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if hasattr(self.initial_data, "keys") else []
        if unknown:
            raise ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        return attrs


class _LiveRates:
    """DRF binds the rates when the class is defined; these read them on each request, so settings can change them.
    A visitor who is not signed in is counted by the address `client_address` trusts, never by a header it sent."""

    def get_rate(self) -> str | None:  # type: ignore[override]
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[attr-defined]

    def get_ident(self, request: Request) -> str:
        return client_address(request._request if isinstance(request, Request) else request)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    pass


class UserThrottle(_LiveRates, UserRateThrottle):
    pass


class ScopedThrottle(_LiveRates, ScopedRateThrottle):
    """Views name a `throttle_scope` (quiz, recommendations, export); the count is per user, or per address."""


def page_allowed(request: object, scope: str) -> bool:
    """The same scoped throttle for a plain page (e.g. the HTML export), counted together with the API's."""

    class _Scoped:
        throttle_scope = scope

    return ScopedThrottle().allow_request(request, _Scoped())  # type: ignore[arg-type]
