"""The school administrator's page: the school's classes (with counts, never a student's data), its counselors,
and the one-time codes that let a new or locked-out counselor set a password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pathways.schools import services
from pathways.schools.forms import ClassForm, CounselorForm, ProgramsFileForm
from pathways.students import access
from programs import program_import
from programs.models import Institution, Program
from programs.web.inputs import parse_id
from programs.web.typing import SignedInRequest


def _ids(request: SignedInRequest, *names: str) -> list[int]:
    ids = [parse_id(request.POST.get(name)) for name in names]
    if any(value is None for value in ids):
        raise Http404
    return [value for value in ids if value is not None]


def _act(request: SignedInRequest, context: dict[str, Any]) -> HttpResponse | None:
    """One POST action; None when the page is to be shown again (with a form's errors or a new code)."""
    action = request.POST.get("action", "")
    if action == "class":
        form = ClassForm(request.POST)
        context["class_form"] = form
        if form.is_valid():
            cohort = services.class_create(admin=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Class %(name)s created. Its join code is %(code)s.")
                % {"name": cohort.name, "code": cohort.join_code},
            )
            return redirect("pathways:school_home")
        return None
    if action == "counselor":
        counselor_form = CounselorForm(request.POST)
        context["counselor_form"] = counselor_form
        if counselor_form.is_valid():
            context["issued"] = services.counselor_create(admin=request.user, **counselor_form.cleaned_data)
            context["counselor_form"] = CounselorForm()
        return None
    if action in ("assign", "unassign"):
        cohort_id, counselor_id = _ids(request, "cohort", "counselor")
        services.class_counselor_set(
            admin=request.user, cohort_id=cohort_id, counselor_id=counselor_id, assigned=action == "assign"
        )
        return redirect("pathways:school_home")
    if action == "code":
        (counselor_id,) = _ids(request, "counselor")
        context["issued"] = services.counselor_code_issue(admin=request.user, counselor_id=counselor_id)
        return None
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def school_home(request: SignedInRequest) -> HttpResponse:
    school = _admin_school(request)
    context: dict[str, Any] = {"school": school, "class_form": ClassForm(), "counselor_form": CounselorForm()}
    if request.method == "POST":
        try:
            response = _act(request, context)
        except services.SchoolRefused as exc:
            messages.error(request, str(exc))
            response = None
        if response is not None:
            return response
    context["classes"] = list(services.school_classes(admin=request.user))
    context["counselors"] = list(services.school_counselors(admin=request.user))
    status = 400 if _has_errors(context) else 200
    return render(request, "pathways/school_home.html", context, status=status)


def _has_errors(context: dict[str, Any]) -> bool:
    return any(context[name].errors for name in ("class_form", "counselor_form"))


IMPORT_SALT = "zhitu.school-programs-import"


def _admin_school(request: SignedInRequest) -> Institution:
    school = access.school_admin_school(request.user)
    if school is None:
        raise Http404
    return school


@login_required
@require_GET
def programs_template(request: SignedInRequest, kind: str) -> HttpResponse:
    """The import template, as CSV (UTF-8 with a byte-order mark, as Excel opens it) or XLSX."""
    school = _admin_school(request)
    if kind not in ("csv", "xlsx"):
        raise Http404
    if kind == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(program_import.template_xlsx(school), content_type=content_type)
    else:
        response = HttpResponse(program_import.template_csv(school), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programs-template.{kind}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def school_programs(request: SignedInRequest) -> HttpResponse:
    """The school's programs, and their import: upload, a preview with every row's error, then confirm."""
    school = _admin_school(request)
    context: dict[str, Any] = {"school": school, "form": ProgramsFileForm()}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
            if payload.get("school") != school.pk or payload.get("by") != request.user.pk:
                raise signing.BadSignature
            rows = [program_import.ProgramRow(**row) for row in payload["rows"]]
            counts = program_import.programs_write(institution=school, rows=rows, by=request.user.username)
        except (signing.BadSignature, KeyError, TypeError):
            messages.error(request, _("The preview has expired or was changed. Upload the file again."))
        except ValidationError as exc:
            messages.error(request, _("Nothing was written: %(error)s") % {"error": " ".join(exc.messages)})
        else:
            messages.success(
                request,
                _(
                    "Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged. Students' stored "
                    "suggestions catch up within a quarter of an hour."
                )
                % counts,
            )
        return redirect("pathways:school_programs")
    if request.method == "POST":
        form = ProgramsFileForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = program_import.programs_parse(
                    data=upload.read(program_import.MAX_BYTES + 1), filename=upload.name, institution=school
                )
            except program_import.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                context["preview"] = preview
                if preview.ok:
                    context["payload"] = signing.dumps(
                        {"school": school.pk, "by": request.user.pk, "rows": preview.payload()}, salt=IMPORT_SALT
                    )
        status = 400 if form.errors or ("preview" in context and context["preview"].errors) else 200
    context["programs"] = (
        Program.objects.filter(institution=school)
        .select_related("specialty")
        .order_by("-academic_year", "specialty__code")
    )
    return render(request, "pathways/school_programs.html", context, status=status)
