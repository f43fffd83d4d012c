"""Admin curation of the routes: route kinds, 科类, and articulations with import/export and history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields, resources
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from pathways.models import (
    AccountCode,
    Articulation,
    AuditEntry,
    Cohort,
    ExamCutoff,
    FormKind,
    FormVersion,
    FormVersionItem,
    QuizItem,
    RecomputeRun,
    RouteKind,
    RunProgress,
    SchoolStaff,
    SkillCategory,
    SpecialtySkillCategory,
    StaffRole,
)
from pathways.queueing import QueueUnavailable, enqueue
from pathways.quiz import services as quiz
from pathways.routes.resources import ArticulationResource
from pathways.schools.services import SchoolRefused, staff_account_create, username_check
from pathways.tasks import recompute_recommendations, train_recommender_and_recompute
from programs.admin import CatalogAdmin, NamedFieldsExportForm
from programs.web.inputs import parse_id
from recommender.artifacts import model_version_activate
from recommender.models import ModelVersion

RECOMPUTE_REFRESH_SECONDS = 5  # how often a version's page reloads while its recompute runs


@admin.register(RouteKind)
class RouteKindAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "admission", "entry", "from_level", "to_levels", "total_years", "verified"]
    list_filter = ["admission", "verified"]
    search_fields = ["name", "code", "name_en"]


class SpecialtySkillCategoryInline(admin.TabularInline):
    model = SpecialtySkillCategory
    extra = 0
    autocomplete_fields = ["specialty"]


class ExamCutoffInline(admin.TabularInline):
    model = ExamCutoff
    extra = 0
    fields = ["year", "batch", "culture_min", "skills_min", "note", "source"]


@admin.register(SkillCategory)
class SkillCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "name_en", "position", "verified"]
    search_fields = ["name", "code", "name_en"]
    inlines = [ExamCutoffInline, SpecialtySkillCategoryInline]


@admin.register(ExamCutoff)
class ExamCutoffAdmin(SimpleHistoryAdmin):
    """Each year's 职教高考 lines: the loader brings 2022's, an admin adds the later years here."""

    list_display = ["year", "batch", "skill_category", "culture_min", "skills_min", "note"]
    list_filter = ["year", "batch", "skill_category"]
    list_select_related = ["skill_category"]


@admin.register(SpecialtySkillCategory)
class SpecialtySkillCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["specialty", "category"]
    list_filter = ["category"]
    search_fields = ["specialty__code", "specialty__name", "category__name"]
    list_select_related = ["specialty", "category"]
    autocomplete_fields = ["specialty", "category"]


class FlaggedFilter(admin.SimpleListFilter):
    title = _("needs review")
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("A program is archived")), ("no", _("All programs current"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Articulation]) -> QuerySet[Articulation]:
        flagged = Articulation.objects.flagged().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=flagged)
        if self.value() == "no":
            return queryset.exclude(pk__in=flagged)
        return queryset


@admin.register(Articulation)
class ArticulationAdmin(CatalogAdmin):
    resource_classes = [ArticulationResource]
    list_display = ["route", "academic_year", "source_label", "to_program", "quota", "total_years", "flag", "is_sample"]
    list_filter = [FlaggedFilter, "route", "academic_year", "is_sample", "to_program__institution__kind"]
    search_fields = [
        "to_program__institution__name",
        "to_program__specialty__name",
        "to_program__specialty__code",
        "from_program__institution__name",
        "from_program__specialty__name",
        "from_program__specialty__code",
    ]
    list_select_related = [
        "route",
        "from_program__institution",
        "from_program__specialty",
        "from_skill_category",
        "from_class",
        "to_program__institution",
        "to_program__specialty",
    ]
    autocomplete_fields = ["route", "from_program", "from_skill_category", "from_class", "to_program"]

    @admin.display(description=_("earlier stage"))
    def source_label(self, articulation: Articulation) -> str:
        return articulation.source_label

    @admin.display(description=_("years"))
    def total_years(self, articulation: Articulation) -> str:
        return f"{articulation.first_years} + {articulation.second_years} = {articulation.total_years}"

    @admin.display(description=_("needs review"))
    def flag(self, articulation: Articulation) -> str:
        return " ".join(articulation.flag_reasons) or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Articulation]:
        return super().get_queryset(request).prefetch_related("from_program__specialty__follow_on")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        flagged = Articulation.objects.flagged().count()
        if flagged and request.method == "GET":
            self.message_user(
                request,
                ngettext(
                    "%(n)d articulation needs review (an archived program, or a partner outside the 接续专业). "
                    "Filter by “needs review” to see it.",
                    "%(n)d articulations need review (an archived program, or a partner outside the 接续专业). "
                    "Filter by “needs review” to see them.",
                    flagged,
                )
                % {"n": flagged},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Articulation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for reason in obj.flag_reasons:
            self.message_user(request, reason, messages.WARNING)


def _report_publish(admin_view: admin.ModelAdmin, request: HttpRequest) -> None:
    """Publish new form versions after an item edit, and say what happened."""
    for outcome in quiz.quiz_forms_publish():
        label = FormKind(outcome.kind).label
        if outcome.problems:
            admin_view.message_user(
                request,
                _("%(form)s was not changed and keeps version %(number)s: %(problems)s")
                % {
                    "form": label,
                    "number": outcome.version.number if outcome.version else "—",
                    "problems": " ".join(outcome.problems),
                },
                messages.WARNING,
            )
        elif outcome.created and outcome.version is not None:
            admin_view.message_user(
                request,
                _("%(form)s is now version %(number)s. Answers already saved keep the version they were given on.")
                % {"form": label, "number": outcome.version.number},
                messages.SUCCESS,
            )


@admin.register(QuizItem)
class QuizItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "area", "position", "in_quick", "active", "text", "text_en"]
    list_filter = ["area", "in_quick", "active"]
    search_fields = ["code", "text", "text_en"]

    def save_model(self, request: HttpRequest, obj: QuizItem, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _report_publish(self, request)

    def has_delete_permission(self, request: HttpRequest, obj: QuizItem | None = None) -> bool:
        return False  # answers point at items: deactivate an item instead


class FormVersionItemInline(admin.TabularInline):
    model = FormVersionItem
    fields = ["position", "item", "area", "text", "text_en"]
    readonly_fields = ["position", "item", "area", "text", "text_en"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    """Published versions are frozen: they can be read, never edited."""

    list_display = ["kind", "number", "is_current", "created_at"]
    list_filter = ["kind", "is_current"]
    inlines = [FormVersionItemInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Trained recommender versions. Activating one recomputes every student's recommendations in the background."""

    list_display = ["number", "is_active", "created_at", "sklearn_version", "catalog", "macro_hit", "micro_hit", "mrr"]
    readonly_fields = [
        "number",
        "is_active",
        "recompute",
        "artifact",
        "checksum",
        "sklearn_version",
        "catalog_hash",
        "real_data",
        "metrics",
    ]
    actions = ["activate", "train"]
    change_form_template = "admin/pathways/modelversion/change_form.html"

    @admin.display(description=_("recompute of the stored recommendations"))
    def recompute(self, version: ModelVersion) -> str:
        run = version.recompute_runs.order_by("-created_at", "-pk").first()
        if run is None:
            return str(_("None yet: activating this version recomputes every student's stored recommendations."))
        return render_to_string("admin/pathways/_recompute_progress.html", {"p": run.progress()})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """While its recompute runs, the page reloads itself every few seconds (a meta refresh: no script)."""
        version = ModelVersion.objects.filter(pk=parse_id(object_id) or 0).first()
        run = version.recompute_runs.order_by("-created_at", "-pk").first() if version else None
        refresh = run is not None and not run.progress().finished
        context = {**(extra_context or {}), "refresh_seconds": RECOMPUTE_REFRESH_SECONDS if refresh else 0}
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.display(description=_("catalog"))
    def catalog(self, version: ModelVersion) -> str:
        return version.catalog_hash[:12]

    @staticmethod
    def _real(version: ModelVersion, run: str = "model") -> dict:
        return (version.metrics or {}).get("respondents", {}).get(run, {})

    @admin.display(description=_("macro hit@3 (respondents)"))
    def macro_hit(self, version: ModelVersion) -> object:
        return self._real(version).get("macro_hit")

    @admin.display(description=_("micro hit@3 (respondents)"))
    def micro_hit(self, version: ModelVersion) -> object:
        return self._real(version).get("micro_hit")

    @admin.display(description="MRR")
    def mrr(self, version: ModelVersion) -> object:
        return self._real(version).get("mrr")

    @admin.display(description=_("on held-out real respondents"))
    def real_data(self, version: ModelVersion) -> str:
        """The held-out respondents' hit@3 and MRR of this version, of shape alone and of one list for everyone."""
        rows = [
            (label, self._real(version, run))
            for label, run in (
                (_("this model"), "model"),
                (_("shape alone"), "shape_only"),
                (_("one list for everyone"), "same_list"),
            )
        ]
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((label, r.get("macro_hit", "—"), r.get("micro_hit", "—"), r.get("mrr", "—")) for label, r in rows),
        )
        return format_html(
            "<table><tr><th></th><th>macro hit@3</th><th>micro hit@3</th><th>MRR</th></tr>{}</table><p>{}</p>",
            body,
            (version.metrics or {}).get("respondents", {}).get("credit", ""),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training (manage.py train_recommender or the Celery task)

    @admin.action(description=_("Train a new version in the background (with all feedback)"), permissions=["change"])
    def train(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        try:
            enqueue(train_recommender_and_recompute)
        except QueueUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("Training has started; the new version becomes active when it is done."))

    @admin.action(description=_("Activate and recompute recommendations"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        version = queryset.order_by("-number").first()
        if version is None:
            return
        try:
            with transaction.atomic():
                model_version_activate(version=version)
                enqueue(recompute_recommendations, 0)
        except QueueUnavailable as exc:  # raised after the commit: the version is active, the sweep catches up
            later = _(
                "Version %(n)s is active. %(problem)s The stored recommendations will be recomputed "
                "automatically once the queue is back."
            ) % {"n": version.number, "problem": exc}
            self.message_user(request, later, messages.WARNING)
            return
        message = _("Version %(n)s is active; recommendations are being recomputed.") % {"n": version.number}
        self.message_user(request, message)


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """Every recompute and its progress, newest first: read-only, a record of the work."""

    list_display = ["pk", "model_version", "only_stale", "created_at", "state", "chunks", "students"]
    readonly_fields = ["model_version", "only_stale", "chunks_total", "students_total", "created_at", "started_at"]
    list_select_related = ["model_version"]

    @staticmethod
    def _progress(run: RecomputeRun) -> RunProgress:
        """One read of a run's chunks per row, shared by the row's three columns."""
        if not hasattr(run, "_progress"):
            run._progress = run.progress()  # type: ignore[attr-defined]
        return run._progress  # type: ignore[attr-defined]

    @admin.display(description=_("state"))
    def state(self, run: RecomputeRun) -> str:
        return str(self._progress(run).state.label)

    @admin.display(description=_("chunks done"))
    def chunks(self, run: RecomputeRun) -> str:
        return f"{self._progress(run).done} / {run.chunks_total}"

    @admin.display(description=_("students redone"))
    def students(self, run: RecomputeRun) -> int:
        return self._progress(run).students

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: listed and viewed with the view permission; never added, edited or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditResource(resources.ModelResource):
    actor = fields.Field(attribute="actor_username", column_name="actor")
    student = fields.Field(attribute="student__username", column_name="student")

    class Meta:
        model = AuditEntry
        fields = ["at", "actor", "student", "action", "detail"]
        export_order = fields


@admin.register(AuditEntry)
class AuditEntryAdmin(ExportMixin, ReadOnlyAdmin):
    """Who read or changed which student's data: read-only, exportable as CSV or XLSX. It names students, so only
    the data-protection role (its view permission) reads it; catalog curators do not."""

    resource_classes = [AuditResource]
    export_form_class = NamedFieldsExportForm
    list_display = ["at", "actor_username", "student", "action", "detail"]
    list_filter = ["action"]
    search_fields = ["actor_username", "student__username"]
    list_select_related = ["actor", "student"]
    date_hierarchy = "at"


class SuperuserOnly(admin.ModelAdmin):
    """Pages for the superuser alone: the rows name staff and classes that school administrators keep on `/school/`."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class SchoolAdministratorForm(forms.ModelForm):
    """A superuser names a school administrator: the account is made with no password, and a one-time code sets it."""

    username = forms.CharField(label=_("Username"), max_length=150)

    class Meta:
        model = SchoolStaff
        fields = ["school", "display_name"]

    def clean_username(self) -> str:
        try:
            return username_check(self.cleaned_data["username"])
        except SchoolRefused as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(SchoolStaff)
class SchoolStaffAdmin(SuperuserOnly):
    """School administrators and counselors, by school. Only a superuser adds a school administrator here; school
    administrators add their counselors on their own school page."""

    list_display = ["user", "school", "role", "display_name", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "school__name", "display_name"]
    list_select_related = ["user", "school"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SchoolAdministratorForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: SchoolStaff, form: Any, change: bool) -> None:
        try:
            made = staff_account_create(
                school=form.cleaned_data["school"],
                username=form.cleaned_data["username"],
                role=StaffRole.SCHOOL_ADMIN,
                display_name=form.cleaned_data.get("display_name", ""),
                created_by=request.user,  # type: ignore[arg-type]
            )
        except SchoolRefused as exc:
            raise ValidationError(str(exc)) from exc
        obj.pk = made.user.school_staff.pk
        obj.user = made.user
        message = _(
            "School administrator %(name)s created. One-time code (shown only now, valid 24 hours): %(code)s. "
            "They set their password at /accounts/code/."
        ) % {"name": made.user.username, "code": made.code}
        self.message_user(request, message, messages.WARNING)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None


@admin.register(AccountCode)
class AccountCodeAdmin(ReadOnlyAdmin):
    """Who issued a one-time password code to whom, and whether it was used: read-only, for the data-protection
    role. The code itself is never stored."""

    list_display = ["issued_at", "issued_by_username", "user", "purpose", "expires_at", "used_at", "failures"]
    list_filter = ["purpose"]
    search_fields = ["issued_by_username", "user__username"]
    list_select_related = ["user"]
    exclude = ["code_hash"]


@admin.register(Cohort)
class CohortAdmin(SuperuserOnly):
    """Every school's classes, for the superuser: name, year, join code and counselors. Who joined is the students'
    own act and is not edited here."""

    list_display = ["name", "school", "academic_year", "join_code"]
    list_filter = ["academic_year"]
    search_fields = ["name", "school__name", "join_code"]
    list_select_related = ["school"]
    filter_horizontal = ["counselors"]
    readonly_fields = ["join_code"]
