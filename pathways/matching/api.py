"""Recommendations API (v1): ranked specialties, programs and industries for a profile, and a student's feedback
on the programs recommended to them."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.matching.feedback import FeedbackRefused, feedback_record
from pathways.matching.recommendations import RecommendationSet, RecommendedProgram, recommendations_for
from pathways.models import FeedbackKind, RecomputeRun, RouteKind, Stage
from pathways.students import access
from programs.districts import DISTRICT_CHOICES
from programs.models import Program
from programs.web.api import StrictSerializer
from programs.web.inputs import MAX_ID
from programs.web.typing import api_user
from recommender.models import AREAS


class RecommendationRequest(StrictSerializer):
    profile = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))
    stage = serializers.ChoiceField(choices=Stage.choices)
    district = serializers.ChoiceField(choices=DISTRICT_CHOICES, required=False, allow_blank=True, default="")
    routes = serializers.ListField(child=serializers.SlugField(), required=False, default=list, max_length=10)
    k = serializers.IntegerField(min_value=1, max_value=30, default=10)

    def validate_profile(self, value: dict[str, float]) -> dict[str, float]:
        if sorted(value) != sorted(AREAS):
            raise serializers.ValidationError(
                _("The profile needs exactly the six areas R, I, A, S, E and C, each 0-1.")
            )
        return value

    def validate_routes(self, value: list[str]) -> list[str]:
        if not value:  # most requests name no route: no query for them
            return value
        unknown = set(value) - set(RouteKind.objects.values_list("code", flat=True))
        if unknown:
            raise serializers.ValidationError(_("Unknown route: %(routes)s.") % {"routes": ", ".join(sorted(unknown))})
        return value


class ScoredSerializer(serializers.Serializer):
    score = serializers.FloatField()
    fit = serializers.CharField()
    fit_label = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    occupations = serializers.ListField(
        child=serializers.CharField(), help_text="What graduates can do: occupations of 职业分类大典 (2022)."
    )


class RecommendedSpecialtySerializer(ScoredSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    route = serializers.CharField()
    via = serializers.CharField(allow_blank=True)
    quota = serializers.IntegerField(allow_null=True)


class IndustryBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)


class RecommendedProgramSerializer(ScoredSerializer):
    program = serializers.IntegerField()
    institution = serializers.CharField()
    district = serializers.CharField(allow_blank=True)
    specialty_code = serializers.CharField()
    specialty_name = serializers.CharField()
    level = serializers.CharField()
    is_sample = serializers.BooleanField()
    pathway = EntrySerializer(many=True)
    industries = IndustryBriefSerializer(many=True)


class RecommendedIndustrySerializer(IndustryBriefSerializer):
    programs = serializers.ListField(child=serializers.IntegerField())


class RecommendationSetSerializer(serializers.Serializer):
    model_version = serializers.IntegerField(allow_null=True)
    flat = serializers.BooleanField()
    exploration_note = serializers.CharField(allow_blank=True)
    specialties = RecommendedSpecialtySerializer(many=True)
    programs = RecommendedProgramSerializer(many=True)
    industries = RecommendedIndustrySerializer(many=True)


class RecommendationsView(APIView):
    """POST a profile (and stage, district, preferred routes): ranked specialties, programs and industries."""

    permission_classes = [AllowAny]
    throttle_scope = "recommendations"

    @extend_schema(request=RecommendationRequest, responses=RecommendationSetSerializer)
    def post(self, request: Request) -> Response:
        ask = RecommendationRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        data = ask.validated_data
        result = recommendations_for(
            profile=data["profile"],
            stage=data["stage"],
            district=data["district"],
            routes=frozenset(data["routes"]),
            k=data["k"],
        )
        return Response(recommendation_data(result))


def _program_data(item: RecommendedProgram) -> dict[str, Any]:
    program = item.program
    return {
        "program": program.pk,
        "institution": program.institution.name,
        "district": program.institution.district,
        "specialty_code": program.specialty.code,
        "specialty_name": program.specialty.name,
        "level": program.specialty.level,
        "score": item.score,
        "fit": item.fit,
        "fit_label": item.fit_label,
        "explanation": item.explanation,
        "occupations": list(item.occupations),
        "is_sample": program.is_sample,
        "pathway": [{"route": e.route, "via": e.via, "quota": e.quota} for e in item.entries],
        "industries": [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in item.clusters],
    }


def recommendation_data(result: RecommendationSet) -> dict[str, Any]:
    return {
        "model_version": result.model_version,
        "flat": result.flat,
        "exploration_note": result.exploration_note,
        "specialties": [vars(s) for s in result.specialties],
        "programs": [_program_data(p) for p in result.programs],
        "industries": [
            {
                "code": i.cluster.code,
                "name": i.cluster.name,
                "name_en": i.cluster.name_en,
                "programs": [p.pk for p in i.programs],
            }
            for i in result.industries
        ],
    }


class FeedbackRequest(StrictSerializer):
    attempt = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    program = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(
        choices=[(FeedbackKind.SAVE, FeedbackKind.SAVE.label), (FeedbackKind.DISMISS, FeedbackKind.DISMISS.label)]
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class FeedbackView(APIView):
    """POST: a student saves or dismisses one of their recommended programs, with an optional reason."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "recommendations"

    @extend_schema(
        request=FeedbackRequest,
        responses={
            201: inline_serializer(
                "FeedbackRecorded",
                {
                    "attempt": serializers.IntegerField(),
                    "program": serializers.IntegerField(),
                    "kind": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        ask = FeedbackRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        data = ask.validated_data
        attempt = access.attempt_get_for_student(user=api_user(request), attempt_id=data["attempt"])
        program = Program.objects.filter(pk=data["program"]).first()
        if program is None:
            raise ValidationError({"program": [_("There is no program %(id)s.") % {"id": data["program"]}]})
        try:
            feedback_record(
                actor=api_user(request), attempt=attempt, program=program, kind=data["kind"], reason=data["reason"]
            )
        except FeedbackRefused as exc:
            raise ValidationError({"program": [str(exc)]}) from exc
        return Response({"attempt": attempt.pk, "program": program.pk, "kind": data["kind"]}, status=201)


class SeesRecomputes(BasePermission):
    """Whoever may see the recomputes in the admin (a curator, a superuser)."""

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.has_perm("pathways.view_recomputerun"))


class RecomputeRunsView(APIView):
    """The latest recomputes of the stored recommendations, newest first, with their progress."""

    permission_classes = [SeesRecomputes]

    @extend_schema(
        responses={200: dict}, summary="Recent recomputes and their progress", operation_id="recompute_runs_list"
    )
    def get(self, request: Request) -> Response:
        runs = RecomputeRun.objects.select_related("model_version").order_by("-created_at", "-pk")[:RECENT_RUNS]
        return Response({"results": [run.progress().as_dict() for run in runs]})


class RecomputeRunView(APIView):
    """One recompute's state (queued, running, done, failed), chunks done of the total, students redone, the time so
    far and an estimate of the time left, and dropped chunks."""

    permission_classes = [SeesRecomputes]

    @extend_schema(responses={200: dict}, summary="One recompute's progress")
    def get(self, request: Request, run_id: int) -> Response:
        run = RecomputeRun.objects.select_related("model_version").filter(pk=run_id).first()
        if run is None:
            raise NotFound
        return Response(run.progress().as_dict())


RECENT_RUNS = 20

urlpatterns = [
    path("recompute-runs/", RecomputeRunsView.as_view(), name="recompute-runs"),
    path("recompute-runs/<id:run_id>/", RecomputeRunView.as_view(), name="recompute-run"),
    path("recommendations/", RecommendationsView.as_view(), name="recommendations"),
    path("recommendations/feedback/", FeedbackView.as_view(), name="recommendation-feedback"),
]
