"""Read-only API (v1) for routes, 科类, articulations and pathway queries. Public, paginated, filterable."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from pathways.models import Articulation, RouteKind, SkillCategory
from pathways.routes import selectors
from pathways.routes.forms import SCOPE_CHOICES, START_CHOICES, PathwayQueryForm
from pathways.routes.serializers import (
    ArticulationSerializer,
    PathwaySerializer,
    RouteKindSerializer,
    SkillCategorySerializer,
)
from programs import api as catalog
from programs.districts import DISTRICT_CHOICES
from programs.models import Level
from programs.web.api import Pages
from programs.web.schema import paged


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
    queryset = SkillCategory.objects.prefetch_related("specialty_links__specialty", "cutoffs__skill_category").order_by(
        "position"
    )
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
    # `flagged` and `flag_reasons` read the earlier specialty's 接续专业: one query for the page, not two a row.
    queryset = selectors.articulations_search().prefetch_related("from_program__specialty__follow_on").order_by("pk")


class PathwayView(APIView):
    """GET /api/v1/pathways/?start=junior&district=… or ?start=program&program=ID, plus the filters."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, enum=[c[0] for c in START_CHOICES], description="Where the student is now."),
            OpenApiParameter("district", str, description="Home district (区县), e.g. 万州区."),
            OpenApiParameter("program", int, description="With start=program: the program the student is in."),
            OpenApiParameter("scope", str, enum=[c[0] for c in SCOPE_CHOICES if c[0]]),
            OpenApiParameter("near_home", bool),
            OpenApiParameter("routes", str, many=True, description="Route kind codes to keep."),
            OpenApiParameter("max_years", int),
            OpenApiParameter("cluster", str, description="An industry cluster code."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=paged("PagedPathways", PathwaySerializer(many=True), academic_year=serializers.IntegerField()),
    )
    def get(self, request: Request) -> Response:
        form = PathwayQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        results = selectors.PathwayResults(start=form.start_program, filters=form.filters())
        paginator = Pages()
        page: list | None = paginator.paginate_queryset(results, request, view=self)  # type: ignore[arg-type]
        response = paginator.get_paginated_response(PathwaySerializer(page, many=True).data)
        response.data["academic_year"] = results.academic_year
        return response


class PublicRoot(DefaultRouter.APIRootView):  # type: ignore[valid-type,misc]
    """The API's index: links to the public endpoints, open to everyone like them."""

    permission_classes = [AllowAny]


class Router(DefaultRouter):
    APIRootView = PublicRoot


router = Router()
router.register("specialties", catalog.SpecialtyViewSet, basename="specialty")
router.register("institutions", catalog.InstitutionViewSet, basename="institution")
router.register("programs", catalog.ProgramViewSet, basename="program")
router.register("industries", catalog.ClusterViewSet, basename="industry")
router.register("routes", RouteKindViewSet, basename="route")
router.register("skill-categories", SkillCategoryViewSet, basename="skill-category")
router.register("articulations", ArticulationViewSet, basename="articulation")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script under our CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("pathways/", PathwayView.as_view(), name="pathways"),
    path("", include("pathways.quiz.api")),
    path("", include("pathways.matching.api")),
    path("", include("pathways.counsel.api")),
    path("", include("pathways.students.api")),
    path("", include("pathways.plans.api")),
    path("", include("pathways.counsel.class_api")),
    path("", include(router.urls)),
]
