"""API defaults every view shares: bounded pages and throttles that read their rates when they run."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class Pages(PageNumberPagination):
    """?page=N&page_size=M, with M capped at API_MAX_PAGE_SIZE: no request can ask for the whole table."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class _LiveRates:
    """DRF binds the rates when the class is defined; these read them on each request, so settings can change them."""

    def get_rate(self) -> str | None:  # type: ignore[override]
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[attr-defined]


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
