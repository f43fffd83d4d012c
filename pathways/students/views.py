"""The student's own pages outside the quiz: sign-up, the privacy notice, and "my data" (see, export and
delete everything, turn profiling off or on).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pathways.models import (
    CohortMembership,
    Notification,
    Plan,
    QuizAttempt,
    RecommendationFeedback,
    StudentProfile,
)
from pathways.students import access, consent
from pathways.students import privacy as rights
from pathways.students.forms import StudentSignupForm
from pathways.students.signin import register_and_sign_in
from programs.web.api import page_allowed
from programs.web.responses import too_many_requests
from programs.web.typing import SignedInRequest


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not page_allowed(request, "signup"):
        return too_many_requests(request)
    form = StudentSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        register_and_sign_in(request, form)
        return redirect("pathways:quiz_home")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pathways/privacy.html", {"notice_version": consent.NOTICE_VERSION})


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: SignedInRequest) -> HttpResponse:
    """See, export and delete my data, and turn profiling off or on (a guardian can do this with the student)."""
    user = request.user
    action = request.POST.get("action", "")
    if action == "export" or request.GET.get("export"):
        if not page_allowed(request, "export"):
            return HttpResponse(
                _("Too many exports in a short time. Please try again later."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        response = JsonResponse(rights.personal_data_export(user=user), json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="zhitu-{user.username}.json"'
        return response
    if action == "profiling":
        rights.profiling_set(user=user, opt_out=request.POST.get("opt_out") == "1")
        return redirect("pathways:my_data")
    if action == "delete":
        if request.POST.get("confirm", "") != user.username:
            messages.error(request, _("Type your username exactly to confirm."))
            return redirect("pathways:my_data")
        try:
            with transaction.atomic():
                rights.personal_data_delete(user=user)
        except rights.DeletionRefused as exc:
            messages.error(request, str(exc))
            return redirect("pathways:my_data")
        logout(request)
        return render(request, "pathways/data_deleted.html")
    profile = StudentProfile.objects.filter(user=user).first()
    return render(
        request, "pathways/my_data.html", {"data": rights.personal_data_export(user=user), "profile": profile}
    )


@login_required
@require_GET
def account_home(request: SignedInRequest) -> HttpResponse:
    """My page: where I am and what to do next, with a link to everything that is mine."""
    user = request.user
    latest = QuizAttempt.objects.filter(student=user).order_by("-completed_at", "-pk").first()
    plan = Plan.objects.filter(student=user).select_related("program__specialty", "program__institution").first()
    membership = CohortMembership.objects.filter(student=user).select_related("cohort").first()
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    context = {
        "latest": latest,
        "plan": plan,
        "membership": membership,
        "unread": list(unread.order_by("-created_at")[:10]),
        "is_student": access.is_student(user) or latest is not None,  # their own results, whatever the role
        "is_counselor": access.is_counselor(user),
        "school": access.school_admin_school(user),
        "saved": RecommendationFeedback.objects.filter(student=user, actor=user, kind="save").count(),
    }
    return render(request, "pathways/account_home.html", context)
