"""JSON shapes of the route data for the read-only API."""

from __future__ import annotations

from rest_framework import serializers

from pathways.models import Articulation, ExamCutoff, RouteKind, SkillCategory
from programs.api import ProgramSerializer


class ProgramBriefSerializer(ProgramSerializer):
    class Meta(ProgramSerializer.Meta):
        fields = [f for f in ProgramSerializer.Meta.fields if f != "tuition"]


class RouteKindSerializer(serializers.ModelSerializer):
    to_levels = serializers.ListField(source="to_level_list", child=serializers.CharField())
    rules = serializers.SerializerMethodField()
    rules_en = serializers.SerializerMethodField()

    class Meta:
        model = RouteKind
        fields = [
            "code",
            "position",
            "name",
            "short_name",
            "name_en",
            "short_name_en",
            "admission",
            "entry",
            "from_level",
            "to_levels",
            "first_years",
            "second_years",
            "total_years",
            "exam",
            "exam_en",
            "exam_when",
            "exam_when_en",
            "on_failure",
            "on_failure_en",
            "same_specialty_required",
            "summary",
            "summary_en",
            "rules",
            "rules_en",
            "verified",
            "source",
        ]

    def get_rules(self, route: RouteKind) -> list[str]:
        return [line for line in route.rules.splitlines() if line.strip()]

    def get_rules_en(self, route: RouteKind) -> list[str]:
        return [line for line in route.rules_en.splitlines() if line.strip()]


class CutoffSerializer(serializers.ModelSerializer):
    skill_category = serializers.CharField(source="skill_category.code")

    class Meta:
        model = ExamCutoff
        fields = ["year", "batch", "skill_category", "culture_min", "skills_min", "note", "source"]


class SkillCategorySerializer(serializers.ModelSerializer):
    specialties = serializers.SerializerMethodField()
    cutoffs = CutoffSerializer(many=True, read_only=True, help_text="Every published line, the latest year first.")

    class Meta:
        model = SkillCategory
        fields = [
            "code",
            "name",
            "name_en",
            "position",
            "description",
            "description_en",
            "verified",
            "specialties",
            "cutoffs",
        ]

    def get_specialties(self, category: SkillCategory) -> list[str]:
        return [link.specialty.code for link in category.specialty_links.all()]


class ArticulationSerializer(serializers.ModelSerializer):
    route = serializers.CharField(source="route.code")
    from_program = ProgramBriefSerializer(allow_null=True)
    from_skill_category = serializers.CharField(source="from_skill_category.code", allow_null=True, default=None)
    from_class = serializers.CharField(source="from_class.code", allow_null=True, default=None)
    to_program = ProgramBriefSerializer()
    total_years = serializers.IntegerField()
    assessment = serializers.SerializerMethodField()
    assessment_when = serializers.SerializerMethodField()
    on_failure = serializers.SerializerMethodField()
    flagged = serializers.SerializerMethodField()
    flag_reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Articulation
        fields = [
            "id",
            "route",
            "academic_year",
            "from_program",
            "from_skill_category",
            "from_class",
            "to_program",
            "quota",
            "first_years",
            "second_years",
            "total_years",
            "assessment",
            "assessment_when",
            "on_failure",
            "same_specialty_required",
            "is_sample",
            "source",
            "flagged",
            "flag_reasons",
        ]

    def get_assessment(self, a: Articulation) -> str:
        return a.assessment or a.route.exam

    def get_assessment_when(self, a: Articulation) -> str:
        return a.assessment_when or a.route.exam_when

    def get_on_failure(self, a: Articulation) -> str:
        return a.on_failure or a.route.on_failure

    def get_flagged(self, a: Articulation) -> bool:
        return bool(a.flag_reasons)


class ClusterBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class StepSerializer(serializers.Serializer):
    program = ProgramBriefSerializer()
    route = serializers.CharField(source="route.code", allow_null=True, default=None)
    is_start = serializers.BooleanField()
    years = serializers.IntegerField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    quota = serializers.IntegerField(allow_null=True)
    exam = serializers.CharField()
    via = serializers.CharField()
    line = CutoffSerializer(allow_null=True, help_text="The latest published cut-off of the 科类 this step admits.")
    articulation = serializers.IntegerField(source="articulation.pk", allow_null=True, default=None)


class PathwaySerializer(serializers.Serializer):
    total_years = serializers.IntegerField()
    bottleneck_quota = serializers.IntegerField(allow_null=True)
    routes = serializers.SerializerMethodField()
    exams = serializers.ListField(child=serializers.CharField())
    steps = StepSerializer(many=True)
    clusters = ClusterBriefSerializer(many=True)

    def get_routes(self, pathway: object) -> list[str]:
        return [route.code for route in pathway.routes]  # type: ignore[attr-defined]
