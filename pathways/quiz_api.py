"""Quiz API (v1): the forms and their items, stateless scoring, and a student's own saved attempts."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways import access, quiz
from pathways.api import Pages
from pathways.models import FormKind, FormVersion, QuizAttempt
from pathways.scoring import QuizResult


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


class AnswersSerializer(serializers.Serializer):
    """The request shape; the content (items, values, version) is checked by `quiz.answers_check`."""

    form = serializers.ChoiceField(choices=FormKind.choices)
    version = serializers.IntegerField()
    answers = serializers.ListField(child=serializers.DictField(), allow_empty=True, max_length=200)
    duration_seconds = serializers.IntegerField(required=False, min_value=0, max_value=24 * 3600)


def _sheet(request: Request) -> quiz.AnswerSheet:
    shape = AnswersSerializer(data=request.data)
    shape.is_valid(raise_exception=True)
    data = shape.validated_data
    pairs = [(a.get("item"), a.get("value")) for a in data["answers"]]
    try:
        return quiz.answers_check(kind=data["form"], version_number=data["version"], answers=pairs,
                                  duration_seconds=data.get("duration_seconds"))  # fmt: skip
    except quiz.QuizInputError as exc:
        raise ValidationError(exc.errors) from exc


def result_data(result: QuizResult) -> dict[str, Any]:
    return {"scores": result.scores, "profile": result.profile, "code": result.code, "flat": result.flat,
            "flat_reason": result.flat_reason, "ties": result.ties, "too_fast": result.too_fast}  # fmt: skip


class FormsView(APIView):
    """GET the current version of every form, with its items in order."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        versions = FormVersion.objects.filter(is_current=True).prefetch_related("items__item").order_by("kind")
        return Response({"results": FormVersionSerializer(versions, many=True).data})


class ScoreView(APIView):
    """POST answers to score them. Nothing is stored."""

    permission_classes = [AllowAny]

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


class AttemptsView(APIView):
    """GET my saved attempts; POST answers to score and save them (consent must be on record)."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        pages = Pages()
        page = pages.paginate_queryset(access.attempts_for_student(user=request.user), request, view=self)
        return pages.get_paginated_response(AttemptSerializer(page, many=True).data)

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

    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
        return Response({**AttemptSerializer(attempt).data, **result_data(quiz.attempt_result(attempt=attempt))})


urlpatterns = [
    path("quiz/forms/", FormsView.as_view(), name="quiz-forms"),
    path("quiz/score/", ScoreView.as_view(), name="quiz-score"),
    path("quiz/attempts/", AttemptsView.as_view(), name="quiz-attempts"),
    path("quiz/attempts/<int:attempt_id>/", AttemptView.as_view(), name="quiz-attempt"),
]
