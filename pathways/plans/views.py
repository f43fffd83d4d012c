"""The student's plan (the program they aim at and the route there) and the one-page report for parents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pathways.models import (
    Decision,
    Plan,
    ReportShare,
    Review,
    ReviewItem,
    StudentProfile,
)
from pathways.plans import services as plan_services
from pathways.quiz import services as quiz
from pathways.quiz.radar import radar_for
from pathways.routes import selectors
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import Pathway, PathwayResults
from pathways.students import access
from programs.models import IndustryCluster
from programs.selectors import follow_on_with_programs
from programs.web.api import page_allowed
from programs.web.inputs import parse_id
from programs.web.responses import too_many_requests
from programs.web.typing import SignedInRequest

PROGRAM_RELATED = ("program__institution", "program__specialty")


def _plan_pathway(plan: Plan, profile: StudentProfile | None) -> Pathway | None:
    """The quickest pathway to the planned program from where the student stands (a 初中 student's district)."""
    if profile is not None and (profile.stage or "junior") != "junior":
        return None
    filters = PathwayFilters(district=profile.district if profile else "", scope="city", target=plan.program_id)
    results = PathwayResults(start=None, filters=filters)
    found = results[0 : min(len(results), 200)]
    return min(found, key=lambda p: p.total_years, default=None)


@login_required
@require_http_methods(["GET", "POST"])
def my_plan(request: SignedInRequest) -> HttpResponse:
    """The student's plan: choose a program (POST), see the route there step by step (GET)."""
    if request.method == "POST":
        program_id = parse_id(request.POST.get("program"))
        rejected = (
            ReviewItem.objects.filter(
                review__student=request.user, program_id=program_id or 0, decision=Decision.REJECTED
            )
            .select_related("program__specialty", "program__institution")
            .first()
        )
        if rejected is not None and request.POST.get("confirm") != "1":
            # The counselor advised against it: the student may still choose it, after reading why.
            return render(request, "pathways/plan_confirm.html", {"item": rejected})
        try:
            plan_services.plan_choose(student=request.user, program_id=program_id)
        except plan_services.PlanRefused as exc:
            raise Http404 from exc
        return redirect("pathways:my_plan")
    plan = (
        Plan.objects.filter(student=request.user).select_related("program__institution", "program__specialty").first()
    )
    profile = StudentProfile.objects.filter(user=request.user).first()
    routes = selectors.routes_for_program(program=plan.program) if plan else None
    context = {
        "plan": plan,
        "pathway": selectors.pathway_whole(to_plan=_plan_pathway(plan, profile), plan=plan.program) if plan else None,
        "entries": routes.into if routes else [],
        "exits": routes.out if routes else [],
        "next_specialties": follow_on_with_programs(specialty=plan.program.specialty) if plan else [],
    }
    return render(request, "pathways/plan.html", context)


def _report_context(student: User) -> dict[str, Any] | None:
    """The parents' report of one student: profile, endorsed programs, the plan's route, the counselor's note."""
    attempt = access.attempts_for_student(user=student).first()
    if attempt is None:
        return None
    counsel = Review.objects.filter(student=student).first()
    endorsed = (
        counsel.items.filter(decision__in=["endorsed", "added"]).select_related(*PROGRAM_RELATED) if counsel else []
    )
    plan = Plan.objects.filter(student=student).select_related("program__institution", "program__specialty").first()
    profile = StudentProfile.objects.filter(user=student).first()
    result = quiz.attempt_result(attempt=attempt)
    picks = [item.program for item in endorsed] + ([plan.program] if plan else [])
    routes = selectors.route_names_into(programs=picks)
    clusters = IndustryCluster.objects.filter(specialty_links__specialty__in=[p.specialty_id for p in picks])
    return {
        "attempt": attempt,
        "result": result,
        "radar": radar_for(result.profile, scores=result.scores),
        "counsel": counsel,
        "endorsed": [(item, routes.get(item.program_id, [])) for item in endorsed],
        "plan": plan,
        "pathway": selectors.pathway_whole(to_plan=_plan_pathway(plan, profile), plan=plan.program) if plan else None,
        "industries": list(clusters.distinct().order_by("position")[:8]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def parent_report(request: SignedInRequest) -> HttpResponse:
    """One printable page for parents, and the read-only links to it that the student makes and revokes."""
    context = _report_context(request.user)
    if context is None:
        return redirect("pathways:quiz_home")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                plan_services.report_share_revoke(
                    student=request.user, share_id=parse_id(request.POST.get("share")) or 0
                )
                messages.success(request, _("The link no longer works."))
            else:
                days = parse_id(request.POST.get("days")) or 0
                secret = plan_services.report_share_create(
                    student=request.user, shown_name=request.POST.get("shown_name", ""), days=days
                )
                context["new_link"] = request.build_absolute_uri(reverse("pathways:shared_report", args=[secret]))
        except plan_services.PlanRefused as exc:
            messages.error(request, str(exc))
    context["shares"] = ReportShare.objects.filter(
        student=request.user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    context["share_days"] = plan_services.SHARE_DAYS
    return render(request, "pathways/report.html", context)


@require_GET
def shared_report(request: HttpRequest, secret: str) -> HttpResponse:
    """The parents' report through a student's link: read-only, no account, nothing of the student's login."""
    if not page_allowed(request, "quiz_page"):
        return too_many_requests(request)
    share = plan_services.report_share_open(secret=secret)
    context = _report_context(share.student) if share is not None else None
    if share is None or context is None:
        return render(request, "pathways/report_link_gone.html", status=404)
    context.update({"shared": True, "shown_name": share.shown_name, "expires_at": share.expires_at})
    response = render(request, "pathways/report.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the link's secret is in the path
    return response
