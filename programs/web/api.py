"""API defaults every view shares: bounded pages, strict request bodies, and throttles that read their rates when
they run."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from programs.web.addresses import client_address


class Pages(PageNumberPagination):
    """?page=N&page_size=M, with M capped at API_MAX_PAGE_SIZE: no request can ask for the whole table. A page_size
    that is not a whole number of at least 1 is a 400, as the schema says (integer, minimum 1)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [_("A page size is a whole number from 1.")]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = f"Results per page, at most {self.max_page_size} (more asks get that many)."
        return parameters


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not a silently ignored filter. A text widget hands the raw
    value over (the select widget would turn any unknown value into "no filter")."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: no filter
        if value in (None, ""):
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError(_("Choose true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {**FILTER_FOR_DBFIELD_DEFAULTS, models.BooleanField: {"filter_class": StrictBooleanFilter}}


class FilterBackend(DjangoFilterBackend):
    """django-filter, with boolean filters that refuse a value that is not a boolean (400, as the schema says)."""

    filterset_base = StrictFilterSet


class StrictSerializer(serializers.Serializer):
    """A request body that refuses any field it does not declare (400 naming it), so a request cannot slip in a
    role, an owner or a model version, and the schema says so (additionalProperties: false, programs/web/schema.py)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if hasattr(self.initial_data, "keys") else []
        if unknown:
            raise ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        return attrs


class _LiveRates:
    """DRF binds the rates when the class is defined; these read them on each request, so settings can change them.
    A visitor who is not signed in is counted by the address `client_address` trusts, never by a header it sent."""

    def get_rate(self) -> str | None:
        return cast("str | None", api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))  # type: ignore[attr-defined]

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
