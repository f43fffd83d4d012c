"""Quiz API (v1): the forms and their items, stateless scoring, and a student's own saved attempts."""

from __future__ import annotations

from typing import Any, cast

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.models import FormKind, FormVersion, QuizAttempt
from pathways.quiz import services as quiz
from pathways.quiz.scoring import QuizResult
from pathways.students import access
from programs.web.api import Pages, StrictSerializer
from programs.web.inputs import MAX_ID
from programs.web.schema import paged
from programs.web.typing import api_user


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
        raise ValidationError(cast(dict[str, Any], exc.errors)) from exc


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
        page = pages.paginate_queryset(access.attempts_for_student(user=api_user(request)), request, view=self)
        return pages.get_paginated_response(AttemptSerializer(page, many=True).data)

    @extend_schema(
        request=AnswersSerializer,
        responses={201: AttemptResultSerializer, 403: OpenApiResponse(description=_("Consent is not on record."))},
    )
    def post(self, request: Request) -> Response:
        sheet = _sheet(request)
        try:
            attempt = quiz.quiz_attempt_save(student=api_user(request), sheet=sheet)
        except quiz.ConsentRequired as exc:
            return Response({"detail": str(exc), "code": "consent_required"}, status=status.HTTP_403_FORBIDDEN)
        body = {**AttemptSerializer(attempt).data, **result_data(sheet.score())}
        return Response(body, status=status.HTTP_201_CREATED)


class AttemptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AttemptResultSerializer)
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = access.attempt_get_for_student(user=api_user(request), attempt_id=attempt_id)
        return Response({**AttemptSerializer(attempt).data, **result_data(quiz.attempt_result(attempt=attempt))})


urlpatterns = [
    path("quiz/forms/", FormsView.as_view(), name="quiz-forms"),
    path("quiz/score/", ScoreView.as_view(), name="quiz-score"),
    path("quiz/attempts/", AttemptsView.as_view(), name="quiz-attempts"),
    path("quiz/attempts/<id:attempt_id>/", AttemptView.as_view(), name="quiz-attempt"),
]
