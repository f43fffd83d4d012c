"""CSV/XLSX import and export of articulations, all-or-nothing like the catalog's.

Programs are named by institution, specialty code and the row's academic year; route kinds, 科类 and
专业类 by their codes. The exported `flag` column says why an articulation needs review; import ignores it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from pathways.models import Articulation, RouteKind, SkillCategory
from programs.models import Program, SpecialtyClass
from programs.resources import AllOrNothingResource, NamedForeignKeyWidget


class ProgramByNameWidget(widgets.ForeignKeyWidget):
    """A program from its specialty code (this column), its institution (another column) and the row's year."""

    def __init__(self, institution_column: str) -> None:
        super().__init__(Program, "pk")
        self.institution_column = institution_column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        code = str(value or "").strip()
        if not code:
            return None
        institution = str((row or {}).get(self.institution_column) or "").strip()
        year = str((row or {}).get("academic_year") or "").strip()
        program = (
            Program.objects.select_related("institution", "specialty")
            .filter(institution__name=institution, specialty__code=code)
            .filter(academic_year=int(year) if year.isdigit() else 0)
            .first()
        )
        if program is None:
            raise ValueError(
                _("Unknown program: %(institution)s does not run %(code)s in %(year)s.")
                % {"institution": institution or "?", "code": code, "year": year or "?"}
            )
        return program

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.specialty.code if value is not None else ""


class ArticulationResource(AllOrNothingResource):
    route = fields.Field(
        attribute="route", column_name="route", widget=NamedForeignKeyWidget(RouteKind, "code", _("route kind"))
    )
    from_institution = fields.Field(
        attribute="from_program__institution__name", column_name="from_institution", readonly=True
    )
    from_program = fields.Field(
        attribute="from_program", column_name="from_specialty_code", widget=ProgramByNameWidget("from_institution")
    )
    from_skill_category = fields.Field(
        attribute="from_skill_category",
        column_name="skill_category",
        widget=NamedForeignKeyWidget(SkillCategory, "code", _("skills category")),
    )
    from_class = fields.Field(
        attribute="from_class",
        column_name="from_class_code",
        widget=NamedForeignKeyWidget(SpecialtyClass, "code", _("专业类 code")),
    )
    to_institution = fields.Field(
        attribute="to_program__institution__name", column_name="to_institution", readonly=True
    )
    to_program = fields.Field(
        attribute="to_program", column_name="to_specialty_code", widget=ProgramByNameWidget("to_institution")
    )
    flag = fields.Field(column_name="flag", readonly=True)

    class Meta:
        model = Articulation
        import_id_fields = ["route", "academic_year", "from_program", "from_skill_category", "from_class", "to_program"]
        fields = [
            "route",
            "academic_year",
            "from_institution",
            "from_program",
            "from_skill_category",
            "from_class",
            "to_institution",
            "to_program",
            "quota",
            "first_years",
            "second_years",
            "assessment",
            "assessment_when",
            "on_failure",
            "same_specialty_required",
            "is_sample",
            "source",
            "flag",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def import_key(self, row: Any) -> tuple[str, ...]:
        columns = [
            "route",
            "academic_year",
            "from_institution",
            "from_specialty_code",
            "skill_category",
            "from_class_code",
            "to_institution",
            "to_specialty_code",
        ]
        return tuple(str(row.get(column) or "").strip() for column in columns)

    def dehydrate_flag(self, articulation: Articulation) -> str:
        return " ".join(articulation.flag_reasons)

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related(
                "route",
                "from_program__institution",
                "from_program__specialty",
                "from_skill_category",
                "from_class",
                "to_program__institution",
                "to_program__specialty",
            )
        )
