"""Quiz API (v1): the forms and their items, stateless scoring, and a student's own saved attempts."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pages, StrictSerializer
from config.inputs import MAX_ID
from config.schema import paged
from pathways.matching.recommendations import (
    FeedbackRefused,
    RecommendationSet,
    RecommendedProgram,
    feedback_record,
    recommendations_for,
)
from pathways.models import FeedbackKind, FormKind, FormVersion, QuizAttempt, RouteKind, Stage
from pathways.quiz import services as quiz
from pathways.quiz.scoring import QuizResult
from pathways.students import access
from programs.districts import DISTRICT_CHOICES
from programs.models import Program
from recommender.models import AREAS


class FormItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item_id")
    code = serializers.CharField(source="item.code")
    position = serializers.IntegerField()
    area = serializers.CharField()
    text = serializers.CharField()
    text_en = serializers.CharField()


class FormVersionSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="kind")
    version = serializers.IntegerField(source="number")
    items = FormItemSerializer(many=True)

    class Meta:
        model = FormVersion
        fields = ["form", "version", "created_at", "items"]


class AnswersSerializer(StrictSerializer):
    """The request shape; the content (items, values, version) is checked by `quiz.answers_check`. The time taken
    is measured on the server, from the signed `started` that GET quiz/forms/ handed out."""

    form = serializers.ChoiceField(choices=FormKind.choices)
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    answers = serializers.ListField(child=serializers.DictField(), allow_empty=True, max_length=200)
    started = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The `started` value of GET quiz/forms/, as it was given.",
    )


def _sheet(request: Request) -> quiz.AnswerSheet:
    shape = AnswersSerializer(data=request.data)
    shape.is_valid(raise_exception=True)
    data = shape.validated_data
    pairs = [(a.get("item"), a.get("value")) for a in data["answers"]]
    duration = quiz.start_token_seconds(data.get("started", ""))
    if data.get("started") and duration is None:
        message = _("This is not a start time this server gave, or it is over 6 hours old: fetch the form again.")
        raise ValidationError({"started": [message]})
    try:
        return quiz.answers_check(
            kind=data["form"], version_number=data["version"], answers=pairs, duration_seconds=duration
        )
    except quiz.QuizInputError as exc:
        raise ValidationError(exc.errors) from exc


class QuizResultSerializer(serializers.Serializer):
    """A scored sheet (the O*NET Interest Profiler method): 0-40 per area, the profile 0-1, the Holland code."""

    scores = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=40))
    profile = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))
    code = serializers.CharField()
    flat = serializers.BooleanField()
    flat_reason = serializers.CharField(allow_blank=True)
    ties = serializers.ListField(child=serializers.IntegerField())
    too_fast = serializers.BooleanField()


class ScoreSerializer(QuizResultSerializer):
    form = serializers.CharField()
    version = serializers.IntegerField()


def result_data(result: QuizResult) -> dict[str, Any]:
    return {
        "scores": result.scores,
        "profile": result.profile,
        "code": result.code,
        "flat": result.flat,
        "flat_reason": result.flat_reason,
        "ties": result.ties,
        "too_fast": result.too_fast,
    }


class FormsView(APIView):
    """GET the current version of every form, with its items in order."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "QuizForms",
            {
                "results": FormVersionSerializer(many=True),
                "started": serializers.CharField(help_text="Send it back with the answers: the server times the quiz."),
            },
        )
    )
    def get(self, request: Request) -> Response:
        versions = FormVersion.objects.filter(is_current=True).prefetch_related("items__item").order_by("kind")
        forms = FormVersionSerializer(versions, many=True).data
        return Response({"results": forms, "started": quiz.start_token_make()})


class ScoreView(APIView):
    """POST answers to score them. Nothing is stored."""

    permission_classes = [AllowAny]
    throttle_scope = "quiz"

    @extend_schema(request=AnswersSerializer, responses=ScoreSerializer)
    def post(self, request: Request) -> Response:
        sheet = _sheet(request)
        return Response({"form": sheet.version.kind, "version": sheet.version.number, **result_data(sheet.score())})


class AttemptSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="version.kind")
    version = serializers.IntegerField(source="version.number")
    scores = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = QuizAttempt
        fields = ["id", "form", "version", "completed_at", "duration_seconds", "too_fast", "scores", "code", "flat"]


class AttemptResultSerializer(AttemptSerializer):
    profile = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))
    flat_reason = serializers.CharField(allow_blank=True)
    ties = serializers.ListField(child=serializers.IntegerField())

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "profile", "flat_reason", "ties"]


class AttemptsView(APIView):
    """GET my saved attempts; POST answers to score and save them (consent must be on record)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "quiz"

    def get_throttles(self) -> list:
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(operation_id="quiz_attempts_list", responses=paged("PagedAttempts", AttemptSerializer(many=True)))
    def get(self, request: Request) -> Response:
        pages = Pages()
        page = pages.paginate_queryset(access.attempts_for_student(user=request.user), request, view=self)
        return pages.get_paginated_response(AttemptSerializer(page, many=True).data)

    @extend_schema(
        request=AnswersSerializer,
        responses={201: AttemptResultSerializer, 403: OpenApiResponse(description=_("Consent is not on record."))},
    )
    def post(self, request: Request) -> Response:
        sheet = _sheet(request)
        try:
            attempt = quiz.quiz_attempt_save(student=request.user, sheet=sheet)
        except quiz.ConsentRequired as exc:
            return Response({"detail": str(exc), "code": "consent_required"}, status=status.HTTP_403_FORBIDDEN)
        body = {**AttemptSerializer(attempt).data, **result_data(sheet.score())}
        return Response(body, status=status.HTTP_201_CREATED)


class AttemptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AttemptResultSerializer)
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
        return Response({**AttemptSerializer(attempt).data, **result_data(quiz.attempt_result(attempt=attempt))})


urlpatterns = [
    path("quiz/forms/", FormsView.as_view(), name="quiz-forms"),
    path("quiz/score/", ScoreView.as_view(), name="quiz-score"),
    path("quiz/attempts/", AttemptsView.as_view(), name="quiz-attempts"),
    path("quiz/attempts/<id:attempt_id>/", AttemptView.as_view(), name="quiz-attempt"),
]


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
        unknown = set(value) - set(RouteKind.objects.values_list("code", flat=True))
        if unknown:
            raise serializers.ValidationError(_("Unknown route: %(routes)s.") % {"routes": ", ".join(sorted(unknown))})
        return value


class ScoredSerializer(serializers.Serializer):
    score = serializers.FloatField()
    fit = serializers.CharField()
    fit_label = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)


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


urlpatterns.append(path("recommendations/", RecommendationsView.as_view(), name="recommendations"))


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
        attempt = access.attempt_get_for_student(user=request.user, attempt_id=data["attempt"])
        program = Program.objects.filter(pk=data["program"]).first()
        if program is None:
            raise ValidationError({"program": [_("There is no program %(id)s.") % {"id": data["program"]}]})
        try:
            feedback_record(
                actor=request.user, attempt=attempt, program=program, kind=data["kind"], reason=data["reason"]
            )
        except FeedbackRefused as exc:
            raise ValidationError({"program": [str(exc)]}) from exc
        return Response({"attempt": attempt.pk, "program": program.pk, "kind": data["kind"]}, status=201)


urlpatterns.append(path("recommendations/feedback/", FeedbackView.as_view(), name="recommendation-feedback"))
