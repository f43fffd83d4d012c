"""CSV/XLSX import and export of the catalog (django-import-export).

Every import is all-or-nothing: a file with one bad row writes nothing, and each bad row is
reported with its line and reason. Foreign keys are named by their natural codes (a specialty's
code, an institution's name, a cluster's code), never by database ids.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
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


HEADER_LINES = 1  # a file's line of a data row is its row number plus the header line


class AllOrNothingResource(resources.ModelResource):
    """Rolls the whole file back on any error, and refuses a key that appears twice in one file.

    Every bad row of the file is found in one pass, and each is told in words by its file line:
    "第 3 行：名额（招生计划）必须是整数（“一百”）", never a Python exception's name."""

    def import_data(self, dataset: Dataset, dry_run: bool = False, **kwargs: Any) -> Any:
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(dataset, dry_run=dry_run, **kwargs)
        for row in result.invalid_rows:
            row.line = row.number + HEADER_LINES
            row.messages = self.row_messages(row.error_dict)
        for number, errors in result.row_errors():
            for error in errors:
                error.line = number + HEADER_LINES
        return result

    def import_field(self, field: fields.Field, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        """A value the column's widget cannot read is the row's fault: say which column and what it holds."""
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise self.unreadable(field, row, exc) from exc

    def unreadable(self, field: fields.Field, row: Any, exc: Exception) -> ValueError:
        """The problem in words: "招生计划必须是整数（“一百”）"; a message our own widgets wrote is kept."""
        value = row.get(field.column_name)
        names = {"field": self.field_label(field.attribute or field.column_name), "value": value}
        if isinstance(field.widget, widgets.IntegerWidget):
            return ValueError(_("%(field)s must be a whole number (“%(value)s”)") % names)
        if isinstance(field.widget, widgets.DecimalWidget | widgets.FloatWidget):
            return ValueError(_("%(field)s must be a number (“%(value)s”)") % names)
        if isinstance(field.widget, widgets.DateWidget | widgets.DateTimeWidget):
            return ValueError(_("%(field)s must be a date (“%(value)s”)") % names)
        if isinstance(exc, ValueError) and str(exc):
            return exc
        return ValueError(_("%(field)s cannot be read (“%(value)s”)") % names)

    def field_label(self, name: str) -> str:
        """The model field's verbose name (as the curator knows it), else the column's name."""
        try:
            return str(self._meta.model._meta.get_field(name.split("__")[0]).verbose_name)
        except FieldDoesNotExist:  # a resource-only column has no model field
            field = self.fields.get(name)
            return str(field.column_name if field is not None else name)

    def row_messages(self, error_dict: dict[str, list[str]]) -> list[str]:
        """Each problem of a row once, led by the field's name where the message does not already say it."""
        messages: list[str] = []
        for name, problems in error_dict.items():
            label = "" if name == NON_FIELD_ERRORS else self.field_label(name)
            for problem in problems:
                text = str(problem)
                messages.append(text if not label or label in text else f"{label}：{text}")
        return messages

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        # An unknown code or an unreadable value in a key column is the row's fault: report it with the row, in
        # words, not as a crash.
        try:
            return super().get_instance(instance_loader, row)
        except (ArithmeticError, TypeError, ValueError) as exc:
            problems: dict[str, list[str]] = {}
            for name in self._meta.import_id_fields:
                field = self.fields[name]
                try:
                    field.clean(row)
                except (ArithmeticError, TypeError, ValueError) as field_exc:
                    problems[field.attribute or name] = [str(self.unreadable(field, row, field_exc))]
            if not problems:
                problems[NON_FIELD_ERRORS] = [str(exc)]
            raise ValidationError(problems) from exc

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
