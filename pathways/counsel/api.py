"""Counselor API (v1): my students, and the review of one of them with optimistic locking (409 on a stale version)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.counsel import analytics, review
from pathways.models import Cohort, Review
from pathways.students import access
from programs.web.api import Pages, StrictSerializer
from programs.web.inputs import MAX_ID
from programs.web.schema import paged
from programs.web.typing import api_user


def _counselor(request: Request) -> None:
    if not access.is_counselor(api_user(request)):
        raise NotFound


class ReviewItemSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    decision = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    position = serializers.IntegerField()


class ReviewSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["student", "status", "note", "version", "updated_at", "items"]

    @extend_schema_field(ReviewItemSerializer(many=True))
    def get_items(self, obj: Review) -> list[dict[str, Any]]:
        return [
            {"program": i.program_id, "decision": i.decision, "reason": i.reason, "position": i.position}
            for i in obj.items.all()
        ]


class ReviewAction(StrictSerializer):
    version = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    action = serializers.ChoiceField(choices=review.ACTIONS, help_text="up and down move a decided program")
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


STUDENT_BRIEF = inline_serializer(
    "StudentBrief", {"id": serializers.IntegerField(), "username": serializers.CharField()}, many=True
)


class StudentsView(APIView):
    """GET the students in the classes I counsel (counselors only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=paged("PagedStudents", STUDENT_BRIEF))
    def get(self, request: Request) -> Response:
        _counselor(request)
        pages = Pages()
        students = access.students_for_counselor(counselor=api_user(request)).order_by("username")
        page = pages.paginate_queryset(students, request, view=self)
        return pages.get_paginated_response([{"id": s.pk, "username": s.username} for s in page or []])


class ReviewView(APIView):
    """GET my review of one of my students; POST one change to it, naming the version it was made on."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReviewSerializer)
    def get(self, request: Request, student_id: int) -> Response:
        _counselor(request)
        student = access.student_get_for_counselor(counselor=api_user(request), student_id=student_id)
        return Response(ReviewSerializer(review.review_for(counselor=api_user(request), student=student)).data)

    @extend_schema(
        request=ReviewAction,
        responses={
            200: ReviewSerializer,
            409: inline_serializer(
                "ReviewConflict", {"detail": serializers.CharField(), "version": serializers.IntegerField()}
            ),
        },
    )
    def post(self, request: Request, student_id: int) -> Response:
        _counselor(request)
        student = access.student_get_for_counselor(counselor=api_user(request), student_id=student_id)
        ask = ReviewAction(data=request.data)
        ask.is_valid(raise_exception=True)
        data = ask.validated_data
        try:
            result = review.review_act(
                counselor=api_user(request),
                student=student,
                action=data["action"],
                version=data["version"],
                program_id=data.get("program"),
                reason=data["reason"],
                note=data["note"],
            )
        except review.ReviewConflict as exc:
            return Response({"detail": str(exc), "version": exc.current}, status=status.HTTP_409_CONFLICT)
        except review.ReviewProgramMissing as exc:
            raise ValidationError({"program": [str(exc)]}) from exc
        except review.ReviewInputError as exc:
            raise ValidationError({"reason": [str(exc)]}) from exc
        return Response(ReviewSerializer(result).data)


class CohortSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.name")
    students = serializers.IntegerField(source="memberships.count")

    class Meta:
        model = Cohort
        fields = ["id", "name", "school", "academic_year", "students"]


class CohortsView(APIView):
    """GET the classes I counsel."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=paged("PagedCohorts", CohortSerializer(many=True)))
    def get(self, request: Request) -> Response:
        _counselor(request)
        pages = Pages()
        cohorts = access.cohorts_for_counselor(counselor=api_user(request)).select_related("school").order_by("pk")
        page = pages.paginate_queryset(cohorts, request, view=self)
        return pages.get_paginated_response(CohortSerializer(page, many=True).data)


class ProgramDemandSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program.pk")
    institution = serializers.CharField(source="program.institution.name")
    specialty_code = serializers.CharField(source="program.specialty.code")
    specialty_name = serializers.CharField(source="program.specialty.name")
    quota = serializers.IntegerField(source="program.quota", allow_null=True)
    suggested = serializers.IntegerField()
    endorsed = serializers.IntegerField()
    over = serializers.BooleanField()


class AnalyticsSerializer(serializers.Serializer):
    students = serializers.IntegerField()
    with_quiz = serializers.IntegerField()
    flat = serializers.IntegerField()
    mean_scores = serializers.DictField(child=serializers.FloatField())
    leading_area = serializers.DictField(child=serializers.IntegerField())
    programs = ProgramDemandSerializer(many=True)
    coverage = serializers.FloatField()
    clusters_reached = serializers.SerializerMethodField()
    clusters_missing = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_clusters_reached(self, figures: analytics.CohortAnalytics) -> list[str]:
        return [c.code for c in figures.clusters_reached]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_clusters_missing(self, figures: analytics.CohortAnalytics) -> list[str]:
        return [c.code for c in figures.clusters_missing]


class CohortAnalyticsView(APIView):
    """GET one of my classes' analytics: interests, programs suggested and endorsed against places, 33618 coverage."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AnalyticsSerializer)
    def get(self, request: Request, cohort_id: int) -> Response:
        _counselor(request)
        cohort = access.cohorts_for_counselor(counselor=api_user(request)).filter(pk=cohort_id).first()
        if cohort is None:
            raise NotFound
        return Response(AnalyticsSerializer(analytics.cohort_analytics(cohort=cohort)).data)


urlpatterns = [
    path("counsel/cohorts/", CohortsView.as_view(), name="counsel-cohorts"),
    path("counsel/cohorts/<id:cohort_id>/analytics/", CohortAnalyticsView.as_view(), name="counsel-analytics"),
    path("counsel/students/", StudentsView.as_view(), name="counsel-students"),
    path("counsel/students/<id:student_id>/review/", ReviewView.as_view(), name="counsel-review"),
]
