"""My classes (v1): the class and counselors that can see my data, my invitations, joining with a class code,
answering an invitation and leaving. Nobody else can put a student in a class.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.counsel import classes
from pathways.models import (
    CohortInvitation,
    CohortMembership,
    InvitationStatus,
)
from programs.web.api import StrictSerializer
from programs.web.typing import api_user


class ClassSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cohort.pk")
    name = serializers.CharField(source="cohort.name")
    school = serializers.CharField(source="cohort.school.name")
    academic_year = serializers.IntegerField(source="cohort.academic_year")
    counselors = serializers.SerializerMethodField()
    joined_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_counselors(self, membership: CohortMembership) -> list[str]:
        return sorted(c.username for c in membership.cohort.counselors.all())


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="cohort.name")
    school = serializers.CharField(source="cohort.school.name")
    invited_by = serializers.CharField(source="invited_by.username", default="")
    created_at = serializers.DateTimeField()


class MyClassesSerializer(serializers.Serializer):
    membership = ClassSerializer(allow_null=True, help_text="The class whose counselors can see my data, if any.")
    invitations = InvitationSerializer(many=True)


class GuardianFields(StrictSerializer):
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    guardian_relation = serializers.CharField(required=False, allow_blank=True, max_length=16, default="")

    def guardian(self) -> classes.Guardian:
        return classes.Guardian(self.validated_data["guardian_name"], self.validated_data["guardian_relation"])


class JoinRequest(GuardianFields):
    code = serializers.CharField(max_length=32, help_text="The class join code the counselor gave.")


class AnswerRequest(GuardianFields):
    answer = serializers.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


def _my_classes(user: Any) -> dict[str, Any]:
    membership = CohortMembership.objects.filter(student=user).select_related("cohort__school").first()
    pending = CohortInvitation.objects.filter(student=user, status=InvitationStatus.PENDING)
    invitations = pending.select_related("cohort__school", "invited_by")
    return MyClassesSerializer({"membership": membership, "invitations": invitations}).data


class MyClassesView(APIView):
    """GET the class (and counselors) that can see my data and my open invitations; POST a join code to join;
    DELETE to leave my class (its counselors are told). Nobody else can put me in a class."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "join"

    def get_throttles(self) -> list:
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(responses=MyClassesSerializer)
    def get(self, request: Request) -> Response:
        return Response(_my_classes(api_user(request)))

    @extend_schema(request=JoinRequest, responses={201: MyClassesSerializer})
    def post(self, request: Request) -> Response:
        ask = JoinRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            classes.class_join(student=api_user(request), code=ask.validated_data["code"], guardian=ask.guardian())
        except classes.ClassRefused as exc:
            raise ValidationError({"code": [str(exc)]}) from exc
        return Response(_my_classes(api_user(request)), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Left the class (or was in none).")})
    def delete(self, request: Request) -> Response:
        classes.class_leave(student=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyInvitationView(APIView):
    """POST accept or decline one of my class invitations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerRequest, responses=MyClassesSerializer)
    def post(self, request: Request, invitation_id: int) -> Response:
        if not CohortInvitation.objects.filter(pk=invitation_id, student=api_user(request)).exists():
            raise NotFound
        ask = AnswerRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            accept = ask.validated_data["answer"] == "accept"
            classes.invitation_answer(
                student=api_user(request), invitation_id=invitation_id, accept=accept, guardian=ask.guardian()
            )
        except classes.ClassRefused as exc:
            raise ValidationError({"answer": [str(exc)]}) from exc
        return Response(_my_classes(api_user(request)))


urlpatterns = [
    path("me/classes/", MyClassesView.as_view(), name="me-classes"),
    path("me/invitations/<id:invitation_id>/", MyInvitationView.as_view(), name="me-invitation"),
]
