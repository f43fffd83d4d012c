"""The student's plan (the program they aim at and the route there) and the one-page report for parents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pathways.models import (
    Decision,
    Plan,
    Review,
    ReviewItem,
    StudentProfile,
)
from pathways.plans import services as plan_services
from pathways.quiz import services as quiz
from pathways.quiz.radar import radar_for
from pathways.routes import selectors
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import PathwayResults
from pathways.students import access
from programs.models import IndustryCluster
from programs.selectors import follow_on_with_programs
from programs.web.inputs import parse_id
from programs.web.typing import SignedInRequest

PROGRAM_RELATED = ("program__institution", "program__specialty")


def _plan_pathway(plan: Plan, profile: StudentProfile | None) -> object:
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
        "pathway": _plan_pathway(plan, profile) if plan else None,
        "entries": routes.into if routes else [],
        "exits": routes.out if routes else [],
        "next_specialties": follow_on_with_programs(specialty=plan.program.specialty) if plan else [],
    }
    return render(request, "pathways/plan.html", context)


@login_required
@require_GET
def parent_report(request: SignedInRequest) -> HttpResponse:
    """One printable page for parents: profile, endorsed programs, the plan's route, the counselor's note."""
    attempt = access.attempts_for_student(user=request.user).first()
    if attempt is None:
        return redirect("pathways:quiz_home")
    counsel = Review.objects.filter(student=request.user).first()
    endorsed = (
        counsel.items.filter(decision__in=["endorsed", "added"]).select_related(*PROGRAM_RELATED) if counsel else []
    )
    plan = (
        Plan.objects.filter(student=request.user).select_related("program__institution", "program__specialty").first()
    )
    profile = StudentProfile.objects.filter(user=request.user).first()
    result = quiz.attempt_result(attempt=attempt)
    picks = [item.program for item in endorsed] + ([plan.program] if plan else [])
    routes = {
        p.pk: sorted({a.route.display_short_name for a in selectors.routes_for_program(program=p).into}) for p in picks
    }
    clusters = IndustryCluster.objects.filter(specialty_links__specialty__in=[p.specialty_id for p in picks])
    context = {
        "attempt": attempt,
        "result": result,
        "radar": radar_for(result.profile, scores=result.scores),
        "counsel": counsel,
        "endorsed": [(item, routes.get(item.program_id, [])) for item in endorsed],
        "plan": plan,
        "pathway": _plan_pathway(plan, profile) if plan else None,
        "industries": list(clusters.distinct().order_by("position")[:8]),
    }
    return render(request, "pathways/report.html", context)
