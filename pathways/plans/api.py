"""My plan (v1): the program I aim at, and choosing another."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.models import (
    Plan,
)
from pathways.plans import services as plan_services
from programs.api import ProgramSerializer
from programs.web.api import StrictSerializer
from programs.web.typing import api_user


class PlanSerializer(serializers.Serializer):
    program = ProgramSerializer()
    chosen_at = serializers.DateTimeField()


class PlanRequest(StrictSerializer):
    program = serializers.IntegerField(min_value=1, max_value=2**62)


class MyPlanView(APIView):
    """GET the program I aim at; PUT another one (a published program, with consent on record)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request) -> Response:
        plan = Plan.objects.filter(student=api_user(request)).select_related(
            "program__institution", "program__specialty"
        )
        if not plan.exists():
            raise NotFound(_("You have not chosen a program to aim at yet."))
        return Response(PlanSerializer(plan.first()).data)

    @extend_schema(request=PlanRequest, responses=PlanSerializer)
    def put(self, request: Request) -> Response:
        ask = PlanRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            plan = plan_services.plan_choose(student=api_user(request), program_id=ask.validated_data["program"])
        except plan_services.PlanRefused as exc:
            raise ValidationError({"program": [str(exc)]}) from exc
        return Response(PlanSerializer(plan).data)


urlpatterns = [
    path("me/plan/", MyPlanView.as_view(), name="me-plan"),
]
