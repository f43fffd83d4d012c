"""Admin curation of the catalog: search, filters, CSV/XLSX import and export, full history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from programs import services
from programs.models import (
    Category,
    GBIndustry,
    IndustryCluster,
    Institution,
    InstitutionTag,
    Occupation,
    Program,
    ProgramOutcome,
    ProgramStatus,
    Specialty,
    SpecialtyClass,
    SpecialtyIndustry,
    SpecialtyOccupation,
)
from programs.resources import InstitutionResource, ProgramResource, SpecialtyIndustryResource, SpecialtyResource
from programs.web.spreadsheets import BytesTempStorage, SafeCSV, SafeXLSX

TEMPLATE_FORMATS: dict[str, type[SafeCSV | SafeXLSX]] = {"csv": SafeCSV, "xlsx": SafeXLSX}


class NamedFieldsExportForm(SelectableFieldsExportForm):
    """The export page's field list names each field as the admin does (招生计划), with the file's column after it."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        column = field.column_name if field is not None else field_name
        attribute = (field.attribute if field is not None else None) or field_name
        try:
            label = str(resource._meta.model._meta.get_field(attribute.split("__")[0]).verbose_name)
        except FieldDoesNotExist:
            return column
        return f"{label} ({column})"


class CatalogAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Import/export plus the history view on one admin. The import page offers a template (the columns, with one
    real row of the catalog as the example) in CSV and XLSX, reads a CSV in UTF-8 or GB18030, and tells every bad
    row by its file line (see programs.resources)."""

    list_per_page = 50
    tmp_storage_class = BytesTempStorage
    export_form_class = NamedFieldsExportForm

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_template"
        template = path("import/template.<str:fmt>", self.admin_site.admin_view(self.import_template), name=name)
        return [template, *super().get_urls()]

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_import_context_data(**kwargs)
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"
        context["import_templates"] = [(fmt.upper(), reverse(name, args=[fmt])) for fmt in TEMPLATE_FORMATS]
        return context

    def import_template(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """The import's columns and one row of real data to copy, as a file to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if fmt not in TEMPLATE_FORMATS:
            raise Http404
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
        dataset = resource.export(queryset=resource.get_queryset().order_by("pk")[:1])
        file_format = TEMPLATE_FORMATS[fmt]()
        data = file_format.export_data(dataset)
        if isinstance(data, str):
            data = "\ufeff" + data  # Excel opens a UTF-8 CSV right only with its byte-order mark
        response = HttpResponse(data, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="{self.opts.model_name}-template.{fmt}"'
        return response


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(SpecialtyClass)
class SpecialtyClassAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category"]
    list_filter = ["category__level", "category"]
    search_fields = ["code", "name"]
    list_select_related = ["category"]


class SpecialtyIndustryInline(admin.TabularInline):
    model = SpecialtyIndustry
    extra = 0
    autocomplete_fields = ["cluster"]


class SpecialtyOccupationInline(admin.TabularInline):
    model = SpecialtyOccupation
    extra = 0
    autocomplete_fields = ["occupation"]
    ordering = ["position"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ocr_name"]
    search_fields = ["code", "name"]


@admin.register(Specialty)
class SpecialtyAdmin(CatalogAdmin):
    resource_classes = [SpecialtyResource]
    list_display = [
        "code",
        "name",
        "level",
        "specialty_class",
        "years",
        "profile_status",
        "is_addition",
        "addition_verified",
    ]
    list_filter = [
        "level",
        "profile_status",
        "is_addition",
        "addition_verified",
        "specialty_class__category",
        "industry_links__cluster__tier",
    ]
    search_fields = ["code", "name"]
    list_select_related = ["specialty_class"]
    autocomplete_fields = ["specialty_class", "follow_on"]
    readonly_fields = ["profile_status", "profile_source", "is_addition", "added_in"]
    inlines = [SpecialtyIndustryInline, SpecialtyOccupationInline]
    actions = ["additions_verify"]

    @admin.action(description=_("Mark the selected additions as checked against the Ministry's notice"))
    def additions_verify(self, request: HttpRequest, queryset: QuerySet[Specialty]) -> None:
        done = 0
        for specialty in queryset.filter(is_addition=True, addition_verified=False):
            specialty.addition_verified = True
            specialty._change_reason = f"addition verified by {request.user}"  # type: ignore[attr-defined]
            specialty.save(update_fields=["addition_verified"])
            done += 1
        self.message_user(request, _("%(n)d additions marked as checked.") % {"n": done})


@admin.register(InstitutionTag)
class InstitutionTagAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


@admin.register(Institution)
class InstitutionAdmin(CatalogAdmin):
    resource_classes = [InstitutionResource]
    list_display = ["name", "kind", "district", "ownership", "moe_code", "is_sample"]
    list_filter = ["kind", "district", "ownership", "is_sample", "tags"]
    search_fields = ["name", "moe_code"]
    filter_horizontal = ["tags"]


class ProgramOutcomeInline(admin.TabularInline):
    model = ProgramOutcome
    extra = 0


@admin.register(Program)
class ProgramAdmin(CatalogAdmin):
    resource_classes = [ProgramResource]
    list_display = ["specialty", "institution", "academic_year", "status", "quota", "tuition", "is_sample"]
    list_filter = [
        "status",
        "academic_year",
        "specialty__level",
        "specialty__specialty_class__category",
        "institution__kind",
        "institution__district",
        "is_sample",
    ]
    search_fields = ["specialty__name", "specialty__code", "institution__name"]
    list_select_related = ["specialty", "institution"]
    autocomplete_fields = ["institution", "specialty"]
    inlines = [ProgramOutcomeInline]
    actions = ["publish", "archive"]

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Program], status: str, verb: str) -> None:
        changed = services.programs_set_status(programs=queryset, status=status, reason=f"admin {verb}")
        self.message_user(
            request,
            ngettext("%(n)d program %(verb)s.", "%(n)d programs %(verb)s.", changed) % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected programs"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._set_status(request, queryset, ProgramStatus.PUBLISHED, str(_("published")))

    @admin.action(description=_("Archive selected programs"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._set_status(request, queryset, ProgramStatus.ARCHIVED, str(_("archived")))


@admin.register(ProgramOutcome)
class ProgramOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["program", "metric", "value", "year", "source", "is_sample"]
    list_filter = ["metric", "year", "is_sample"]
    search_fields = ["program__specialty__name", "program__institution__name"]
    list_select_related = ["program__specialty", "program__institution"]
    autocomplete_fields = ["program"]


@admin.register(GBIndustry)
class GBIndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a national standard: reloaded from its file, not edited by hand


@admin.register(IndustryCluster)
class IndustryClusterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "tier", "position", "verified"]
    list_filter = ["tier", "verified"]
    search_fields = ["name", "code", "name_en"]
    filter_horizontal = ["gb_industries"]


@admin.register(SpecialtyIndustry)
class SpecialtyIndustryAdmin(CatalogAdmin):
    resource_classes = [SpecialtyIndustryResource]
    list_display = ["specialty", "cluster", "weight", "source"]
    list_filter = ["cluster__tier", "cluster", "specialty__level"]
    search_fields = ["specialty__name", "specialty__code", "cluster__name"]
    list_select_related = ["specialty", "cluster"]
    autocomplete_fields = ["specialty", "cluster"]
