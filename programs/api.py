"""Catalog API (v1), read-only and public: specialties, schools, programs and industry clusters, filterable."""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from programs.models import IndustryCluster, Institution, Program, Specialty
from programs.web.api import Pages


class OccupationBriefSerializer(serializers.Serializer):
    code = serializers.CharField(source="occupation.code")
    name = serializers.CharField(source="occupation.name")


class SpecialtySerializer(serializers.ModelSerializer):
    """A specialty with the Ministry's 专业简介 (2022, credited in `profile_source`), its 接续专业 by code, and what
    graduates can do (人社部's 2023 table, for reference)."""

    specialty_class = serializers.CharField(source="specialty_class.code")
    category = serializers.CharField(source="specialty_class.category.code")
    follow_on: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    graduate_occupations = OccupationBriefSerializer(source="occupation_links", many=True, read_only=True)

    class Meta:
        model = Specialty
        fields = [
            "code",
            "name",
            "level",
            "years",
            "specialty_class",
            "category",
            "occupations",
            "training_goals",
            "abilities",
            "courses",
            "certificates",
            "follow_on",
            "follow_on_undergraduate",
            "graduate_occupations",
            "profile_status",
            "profile_source",
            "is_addition",
            "added_in",
            "addition_verified",
        ]


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "moe_code", "kind", "district", "ownership", "authority", "is_sample"]


class ProgramSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.name")
    district = serializers.CharField(source="institution.district")
    specialty_code = serializers.CharField(source="specialty.code")
    specialty_name = serializers.CharField(source="specialty.name")
    level = serializers.CharField(source="specialty.level")

    class Meta:
        model = Program
        fields = [
            "id",
            "institution",
            "district",
            "specialty_code",
            "specialty_name",
            "level",
            "academic_year",
            "status",
            "quota",
            "tuition",
            "is_sample",
        ]


class ClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryCluster
        fields = ["code", "name", "name_en", "tier", "description", "verified"]


class SpecialtyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = SpecialtySerializer
    queryset = (
        Specialty.objects.select_related("specialty_class__category")
        .prefetch_related("follow_on", "occupation_links__occupation")
        .order_by("code")
    )
    lookup_field = "code"
    filterset_fields = {"level": ["exact"], "specialty_class__category__code": ["exact"]}


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = InstitutionSerializer
    queryset = Institution.objects.order_by("name")
    filterset_fields = ["kind", "district", "is_sample"]


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """Published programs only: drafts and archived programs are the curators' business."""

    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = ProgramSerializer
    queryset = Program.objects.published().select_related("institution", "specialty").order_by("pk")
    filterset_fields = {
        "specialty__code": ["exact"],
        "specialty__level": ["exact"],
        "institution__district": ["exact"],
        "is_sample": ["exact"],
    }


class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = ClusterSerializer
    queryset = IndustryCluster.objects.order_by("position", "code")
    lookup_field = "code"
    filterset_fields = ["tier", "verified"]
