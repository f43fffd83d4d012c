"""The school administrator's page: the school's classes (with counts, never a student's data), its counselors,
and the one-time codes that let a new or locked-out counselor set a password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pathways.schools import services
from pathways.schools.forms import ClassForm, CounselorForm
from pathways.students import access
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
    school = access.school_admin_school(request.user)
    if school is None:
        raise Http404
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
