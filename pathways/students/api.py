"""My own data (v1): my profile (only stage, district and the profiling switch can change), my stored
recommendations, my notifications, and the export and deletion of everything about me (PIPL)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.models import (
    Notification,
    Stage,
    StudentProfile,
    StudentRecommendation,
)
from pathways.students import privacy
from programs.districts import DISTRICT_CHOICES
from programs.web.api import Pages, StrictSerializer
from programs.web.schema import paged
from programs.web.typing import api_user


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
        return Response(_me(api_user(request)))

    @extend_schema(request=MeUpdate, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        ask = MeUpdate(data=request.data)
        ask.is_valid(raise_exception=True)
        data = ask.validated_data
        profile = StudentProfile.objects.filter(user=api_user(request)).first()
        if profile is None:
            raise NotFound(_("Only students have a profile."))
        if "profiling_opt_out" in data:
            privacy.profiling_set(user=api_user(request), opt_out=data.pop("profiling_opt_out"))
        if data:
            StudentProfile.objects.filter(pk=profile.pk).update(**data)
        return Response(_me(api_user(request)))


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
        stored = StudentRecommendation.objects.filter(student=api_user(request)).first()
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
        page = pages.paginate_queryset(Notification.objects.filter(user=api_user(request)), request, view=self)
        return pages.get_paginated_response(NotificationSerializer(page, many=True).data)


class DeleteRequest(StrictSerializer):
    confirm = serializers.CharField(max_length=150, help_text="Your username, typed again.")


class MyDataView(APIView):
    """GET everything the product keeps about me, as one JSON file; DELETE it all (confirm with my username)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "export"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        response = Response(privacy.personal_data_export(user=api_user(request)))
        response["Content-Disposition"] = f'attachment; filename="zhitu-{api_user(request).username}.json"'
        return response

    @extend_schema(request=DeleteRequest, responses={204: OpenApiResponse(description="Deleted.")})
    def delete(self, request: Request) -> Response:
        ask = DeleteRequest(data=request.data)
        ask.is_valid(raise_exception=True)
        user = api_user(request)
        if ask.validated_data["confirm"] != user.username:
            raise ValidationError({"confirm": [_("Type your username exactly to confirm.")]})
        try:
            privacy.personal_data_delete(user=user)
        except privacy.DeletionRefused as exc:
            raise ValidationError({"confirm": [str(exc)]}) from exc
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/recommendations/", MyRecommendationsView.as_view(), name="me-recommendations"),
    path("me/notifications/", MyNotificationsView.as_view(), name="me-notifications"),
    path("me/data/", MyDataView.as_view(), name="me-data"),
]
