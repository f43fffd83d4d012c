"""Read-only API (v1) for routes, 科类, articulations and pathway queries. Public, paginated, filterable."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.urls import include, path
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from pathways import selectors
from pathways.forms import PathwayQueryForm
from pathways.models import Articulation, RouteKind, SkillCategory
from pathways.serializers import (
    ArticulationSerializer,
    PathwaySerializer,
    RouteKindSerializer,
    SkillCategorySerializer,
)
from programs.districts import DISTRICT_CHOICES
from programs.models import Level


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class RouteKindViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = RouteKindSerializer
    queryset = RouteKind.objects.order_by("position")
    lookup_field = "code"
    filterset_fields = ["admission", "entry", "from_level", "verified"]


class SkillCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = SkillCategorySerializer
    queryset = SkillCategory.objects.prefetch_related("specialty_links__specialty").order_by("position")
    lookup_field = "code"


class ArticulationFilter(django_filters.FilterSet):
    route = django_filters.CharFilter(field_name="route__code")
    academic_year = django_filters.NumberFilter()
    from_institution = django_filters.CharFilter(field_name="from_program__institution__name")
    to_institution = django_filters.CharFilter(field_name="to_program__institution__name")
    from_specialty = django_filters.CharFilter(field_name="from_program__specialty__code")
    to_specialty = django_filters.CharFilter(field_name="to_program__specialty__code")
    to_level = django_filters.ChoiceFilter(field_name="to_program__specialty__level", choices=Level.choices)
    skill_category = django_filters.CharFilter(field_name="from_skill_category__code")
    district = django_filters.ChoiceFilter(choices=DISTRICT_CHOICES, method="filter_district")
    flagged = django_filters.BooleanFilter(method="filter_flagged")
    is_sample = django_filters.BooleanFilter()

    class Meta:
        model = Articulation
        fields: list[str] = []

    def filter_district(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(from_program__institution__district=value) | Q(to_program__institution__district=value)
        )

    def filter_flagged(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        flagged = Articulation.objects.flagged().values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


class ArticulationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = ArticulationSerializer
    filterset_class = ArticulationFilter
    queryset = selectors.articulations_search().order_by("pk")


class PathwayView(APIView):
    """GET /api/v1/pathways/?start=junior&district=… or ?start=program&program=ID, plus the filters."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        form = PathwayQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        results = selectors.PathwayResults(start=form.start_program, filters=form.filters())
        paginator = Pages()
        page = paginator.paginate_queryset(results, request, view=self)  # type: ignore[arg-type]
        response = paginator.get_paginated_response(PathwaySerializer(page, many=True).data)
        response.data["academic_year"] = results.academic_year
        return response


router = DefaultRouter()
router.register("routes", RouteKindViewSet, basename="route")
router.register("skill-categories", SkillCategoryViewSet, basename="skill-category")
router.register("articulations", ArticulationViewSet, basename="articulation")

app_name = "api"
urlpatterns = [
    path("pathways/", PathwayView.as_view(), name="pathways"),
    path("", include("pathways.quiz_api")),
    path("", include("pathways.counsel_api")),
    path("", include(router.urls)),
]
