"""CSV/XLSX import and export of the catalog (django-import-export).

Every import is all-or-nothing: a file with one bad row writes nothing, and each bad row is
reported with its line and reason. Foreign keys are named by their natural codes (a specialty's
code, an institution's name, a cluster's code), never by database ids.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from tablib import Dataset

from programs.models import Institution, InstitutionTag, Program, Specialty, SpecialtyIndustry


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural field, with a clear message when the value is unknown."""

    def __init__(self, model: Any, field: str, label: str | StrPromise) -> None:
        super().__init__(model, field)
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(_("Unknown %(label)s: %(value)s") % {"label": self.label, "value": value}) from exc


class AllOrNothingResource(resources.ModelResource):
    """Rolls the whole file back on any error, and refuses a key that appears twice in one file."""

    def import_data(self, dataset: Dataset, dry_run: bool = False, **kwargs: Any) -> Any:
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        # An unknown code in a key column is the row's fault: report it with the row, not as a crash.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as exc:
            raise ValidationError({NON_FIELD_ERRORS: [str(exc)]}) from exc

    def before_import(self, dataset: Dataset, **kwargs: Any) -> None:
        self._seen_keys: dict[tuple, int] = {}
        super().before_import(dataset, **kwargs)

    def import_key(self, row: Any) -> tuple[str, ...]:
        """The values that identify a row; a second row with the same key is refused."""
        return tuple(str(row.get(self.fields[f].column_name) or "").strip() for f in self._meta.import_id_fields)

    def before_import_row(self, row: Any, row_number: int | None = None, **kwargs: Any) -> None:
        key = self.import_key(row)
        if key in self._seen_keys:
            message = _("Duplicate of row %(first)s: %(key)s appears twice in this file.") % {
                "first": self._seen_keys[key],
                "key": " / ".join(key),
            }
            raise ValidationError({NON_FIELD_ERRORS: [message]})
        self._seen_keys[key] = row_number or 0
        super().before_import_row(row, row_number=row_number, **kwargs)


class InstitutionResource(AllOrNothingResource):
    tags = fields.Field(
        attribute="tags",
        column_name="tags",
        widget=widgets.ManyToManyWidget(InstitutionTag, field="name", separator="|"),
    )

    class Meta:
        model = Institution
        import_id_fields = ["name"]
        fields = ["name", "moe_code", "kind", "district", "ownership", "authority", "tags", "is_sample", "source"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def before_import_row(self, row: Any, row_number: int | None = None, **kwargs: Any) -> None:
        # An empty MOE code means "none", not the empty string, so the unique constraint holds.
        if "moe_code" in row and not str(row["moe_code"] or "").strip():
            row["moe_code"] = None
        super().before_import_row(row, row_number=row_number, **kwargs)


class SpecialtyResource(AllOrNothingResource):
    specialty_class = fields.Field(
        attribute="specialty_class",
        column_name="class_code",
        widget=NamedForeignKeyWidget(Specialty._meta.get_field("specialty_class").related_model, "code", "专业类 code"),
    )

    class Meta:
        model = Specialty
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "level",
            "specialty_class",
            "years",
            "occupations",
            "training_goals",
            "abilities",
            "courses",
            "certificates",
            "source",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False


class ProgramResource(AllOrNothingResource):
    institution = fields.Field(
        attribute="institution",
        column_name="institution",
        widget=NamedForeignKeyWidget(Institution, "name", _("institution")),
    )
    specialty = fields.Field(
        attribute="specialty",
        column_name="specialty_code",
        widget=NamedForeignKeyWidget(Specialty, "code", _("specialty code")),
    )
    specialty_name = fields.Field(attribute="specialty__name", column_name="specialty_name", readonly=True)

    class Meta:
        model = Program
        import_id_fields = ["institution", "specialty", "academic_year"]
        fields = [
            "institution",
            "specialty",
            "specialty_name",
            "academic_year",
            "status",
            "quota",
            "quota_source",
            "tuition",
            "tuition_source",
            "campus_district",
            "is_sample",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("institution", "specialty")


class SpecialtyIndustryResource(AllOrNothingResource):
    specialty = fields.Field(
        attribute="specialty",
        column_name="specialty_code",
        widget=NamedForeignKeyWidget(Specialty, "code", _("specialty code")),
    )
    cluster = fields.Field(
        attribute="cluster",
        column_name="cluster_code",
        widget=NamedForeignKeyWidget(
            SpecialtyIndustry._meta.get_field("cluster").related_model, "code", _("industry cluster code")
        ),
    )

    class Meta:
        model = SpecialtyIndustry
        import_id_fields = ["specialty", "cluster"]
        fields = ["specialty", "cluster", "weight", "source"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("specialty", "cluster")
