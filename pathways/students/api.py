"""My own data (v1): my profile (only stage, district and the profiling switch can change), my stored
recommendations, my notifications, and the export and deletion of everything about me (PIPL)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pages, StrictSerializer
from config.schema import paged
from pathways.counsel import classes, review
from pathways.models import (
    CohortInvitation,
    CohortMembership,
    InvitationStatus,
    Notification,
    Plan,
    Stage,
    StudentProfile,
    StudentRecommendation,
)
from pathways.students import privacy
from programs.api import ProgramSerializer
from programs.districts import DISTRICT_CHOICES


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    is_student = serializers.BooleanField()
    birth_year = serializers.IntegerField(allow_null=True)
    birth_month = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField(allow_blank=True)
    district = serializers.CharField(allow_blank=True)
    profiling_opt_out = serializers.BooleanField()


class MeUpdate(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, allow_blank=True)
    district = serializers.ChoiceField(choices=DISTRICT_CHOICES, required=False, allow_blank=True)
    profiling_opt_out = serializers.BooleanField(required=False)


def _me(user: Any) -> dict[str, Any]:
    profile = StudentProfile.objects.filter(user=user).first()
    return {
        "username": user.username,
        "is_student": profile is not None,
        "birth_year": profile.birth_year if profile else None,
        "birth_month": profile.birth_month if profile else None,
        "stage": profile.stage if profile else "",
        "district": profile.district if profile else "",
        "profiling_opt_out": profile.profiling_opt_out if profile else False,
    }


class MeView(APIView):
    """GET my profile; PATCH my stage, district or profiling switch (nothing else can be changed)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))

    @extend_schema(request=MeUpdate, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        ask = MeUpdate(data=request.data)
        ask.is_valid(raise_exception=True)
        data = ask.validated_data
        profile = StudentProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise NotFound(_("Only students have a profile."))
        if "profiling_opt_out" in data:
            privacy.profiling_set(user=request.user, opt_out=data.pop("profiling_opt_out"))
        if data:
            StudentProfile.objects.filter(pk=profile.pk).update(**data)
        return Response(_me(request.user))


class StoredSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudentRecommendation
        fields = ["model_version", "stage", "flat", "specialties", "programs", "computed_at"]


class MyRecommendationsView(APIView):
    """GET my current recommendation set, as last computed (404 when there is none, or profiling is off)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "recommendations"

    @extend_schema(responses=StoredSetSerializer)
    def get(self, request: Request) -> Response:
        stored = StudentRecommendation.objects.filter(student=request.user).first()
        if stored is None:
            raise NotFound(_("No recommendations are stored for you yet: save a quiz result first."))
        return Response(StoredSetSerializer(stored).data)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "message", "created_at", "read_at"]


class MyNotificationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=paged("PagedNotifications", NotificationSerializer(many=True)))
    def get(self, request: Request) -> Response:
        pages = Pages()
        page = pages.paginate_queryset(Notification.objects.filter(user=request.user), request, view=self)
        return pages.get_paginated_response(NotificationSerializer(page, many=True).data)


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
        plan = Plan.objects.filter(student=request.user).select_related("program__institution", "program__specialty")
        if not plan.exists():
            raise NotFound(_("You have not chosen a program to aim at yet."))
        return Response(PlanSerializer(plan.first()).data)

    @extend_schema(request=PlanRequest, responses=PlanSerializer)
    def put(self, request: Request) -> Response:
        ask = PlanRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            plan = review.plan_choose(student=request.user, program_id=ask.validated_data["program"])
        except review.PlanRefused as exc:
            raise ValidationError({"program": [str(exc)]}) from exc
        return Response(PlanSerializer(plan).data)


class DeleteRequest(StrictSerializer):
    confirm = serializers.CharField(max_length=150, help_text="Your username, typed again.")


class MyDataView(APIView):
    """GET everything the product keeps about me, as one JSON file; DELETE it all (confirm with my username)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "export"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        response = Response(privacy.personal_data_export(user=request.user))
        response["Content-Disposition"] = f'attachment; filename="zhitu-{request.user.username}.json"'
        return response

    @extend_schema(request=DeleteRequest, responses={204: OpenApiResponse(description="Deleted.")})
    def delete(self, request: Request) -> Response:
        ask = DeleteRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        user = request.user
        if ask.validated_data["confirm"] != user.username:
            raise ValidationError({"confirm": [_("Type your username exactly to confirm.")]})
        try:
            privacy.personal_data_delete(user=user)
        except privacy.DeletionRefused as exc:
            raise ValidationError({"confirm": [str(exc)]}) from exc
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
        return Response(_my_classes(request.user))

    @extend_schema(request=JoinRequest, responses={201: MyClassesSerializer})
    def post(self, request: Request) -> Response:
        ask = JoinRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            classes.class_join(student=request.user, code=ask.validated_data["code"], guardian=ask.guardian())
        except classes.ClassRefused as exc:
            raise ValidationError({"code": [str(exc)]}) from exc
        return Response(_my_classes(request.user), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Left the class (or was in none).")})
    def delete(self, request: Request) -> Response:
        classes.class_leave(student=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyInvitationView(APIView):
    """POST accept or decline one of my class invitations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerRequest, responses=MyClassesSerializer)
    def post(self, request: Request, invitation_id: int) -> Response:
        if not CohortInvitation.objects.filter(pk=invitation_id, student=request.user).exists():
            raise NotFound
        ask = AnswerRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        try:
            accept = ask.validated_data["answer"] == "accept"
            classes.invitation_answer(
                student=request.user, invitation_id=invitation_id, accept=accept, guardian=ask.guardian()
            )
        except classes.ClassRefused as exc:
            raise ValidationError({"answer": [str(exc)]}) from exc
        return Response(_my_classes(request.user))


urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/recommendations/", MyRecommendationsView.as_view(), name="me-recommendations"),
    path("me/notifications/", MyNotificationsView.as_view(), name="me-notifications"),
    path("me/plan/", MyPlanView.as_view(), name="me-plan"),
    path("me/data/", MyDataView.as_view(), name="me-data"),
    path("me/classes/", MyClassesView.as_view(), name="me-classes"),
    path("me/invitations/<id:invitation_id>/", MyInvitationView.as_view(), name="me-invitation"),
]
