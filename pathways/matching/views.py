"""The recommendations page of a saved attempt, and saving or dismissing a recommended program."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pathways.matching.feedback import WITHDRAW, FeedbackRefused, feedback_record, feedback_withdraw
from pathways.matching.forms import RecommendationForm
from pathways.matching.recommendations import recommendation_store, recommendations_for, recommendations_for_attempt
from pathways.models import (
    Decision,
    FeedbackKind,
    RecommendationFeedback,
    Review,
    Stage,
    StudentProfile,
)
from pathways.quiz import services as quiz
from pathways.students import access
from pathways.students.consent import consent_state
from programs.models import Program
from programs.selectors import COMPARE_MAX
from programs.web.api import page_allowed
from programs.web.inputs import parse_id
from programs.web.responses import too_many_requests
from programs.web.typing import SignedInRequest


@login_required
@require_http_methods(["GET", "POST"])
def quiz_recommendations(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    """Recommendations for a saved attempt; the stage and district the student gives are kept on their profile."""
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    profile = StudentProfile.objects.filter(user=request.user).first()
    if profile is not None and profile.profiling_opt_out:
        return render(request, "pathways/profiling_off.html", {"attempt": attempt})
    stage: str = (profile.stage if profile else "") or Stage.JUNIOR
    district: str = profile.district if profile else ""
    routes = profile.route_set if profile else frozenset[str]()
    initial = {"stage": stage, "district": district, "routes": sorted(routes)}
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stage, district, routes = data["stage"], data["district"], frozenset(data["routes"])
        if profile is not None:
            chosen = " ".join(sorted(routes))
            StudentProfile.objects.filter(pk=profile.pk).update(stage=stage, district=district, preferred_routes=chosen)
            recommendation_store(attempt=attempt, stage=stage, district=district, routes=routes)
    result = recommendations_for_attempt(attempt=attempt, stage=stage, district=district, routes=routes)
    said = {
        program_id: (kind, reason)
        for program_id, kind, reason in RecommendationFeedback.objects.filter(
            student=request.user, actor=request.user
        ).values_list("program_id", "kind", "reason")
    }
    for item in result.programs:
        item.said, item.said_reason = said.get(item.program.pk, ("", ""))  # type: ignore[attr-defined]
    related = ("items__program__institution", "items__program__specialty")
    counsel = Review.objects.filter(student=request.user).prefetch_related(*related).first()
    decisions = {item.program_id: item for item in counsel.items.all()} if counsel else {}
    for item in result.programs:
        item.counselor = decisions.get(item.program.pk)  # type: ignore[attr-defined]
    ordered = _in_counselor_order(result.programs, decisions)
    shown = {item.program.pk for item in ordered}
    added = sorted((i for i in decisions.values() if i.program_id not in shown), key=lambda i: (i.position, i.pk))
    # What the student dismissed moves out of the way, below the list, where a tap on 收藏 brings it back.
    result.programs = [item for item in ordered if item.said != FeedbackKind.DISMISS]
    dismissed = [item for item in ordered if item.said == FeedbackKind.DISMISS]
    context = {
        "attempt": attempt,
        "form": form,
        "result": result,
        "dismissed": dismissed,
        "counsel": counsel,
        "counselor_added": added,
    }
    return render(request, "pathways/recommendations.html", context)


def _in_counselor_order(programs: list, decisions: dict) -> list:
    """The counselor's order first (endorsed, by their position), then the rest as ranked, and what the counselor
    advised against last (still shown, marked)."""

    def key(pair: tuple[int, object]) -> tuple[int, int]:
        index, item = pair
        decision = decisions.get(item.program.pk)  # type: ignore[attr-defined]
        if decision is None:
            return (1, index)
        return (2 if decision.decision == Decision.REJECTED else 0, decision.position)

    return [item for _index, item in sorted(enumerate(programs), key=key)]


@login_required
@require_POST
def recommendation_feedback(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    """Save or dismiss a recommended program, with an optional reason, or take either back ("withdraw").

    The page's script sends it in the background (`X-Requested-With: fetch`) and moves the card itself; without the
    script the browser comes back to the same card (`#program-<id>`), not to the top of the page."""
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    kind = request.POST.get("kind", "")
    program = Program.objects.filter(pk=parse_id(request.POST.get("program")) or 0).first()
    if program is None or kind not in (FeedbackKind.SAVE, FeedbackKind.DISMISS, WITHDRAW):
        raise Http404
    background = request.headers.get("X-Requested-With") == "fetch"
    try:
        if kind == WITHDRAW:
            feedback_withdraw(actor=request.user, student_id=attempt.student_id, program=program)
        else:
            feedback_record(
                actor=request.user, attempt=attempt, program=program, kind=kind, reason=request.POST.get("reason", "")
            )
    except FeedbackRefused as exc:
        if background:
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
    else:
        if background:
            return JsonResponse({"kind": "" if kind == WITHDRAW else kind, "label": _said_label(kind)})
    back = request.POST.get("back", "")
    if back == "saved":
        return redirect("pathways:saved_programs")
    target = reverse("pathways:recommendations", kwargs={"attempt_id": attempt.pk})
    return redirect(f"{target}#program-{program.pk}")


def _said_label(kind: str) -> str:
    labels: dict[str, str] = {FeedbackKind.SAVE: _("Saved"), FeedbackKind.DISMISS: _("Not for me")}
    return labels.get(kind, "")


@login_required
@require_GET
def saved_programs(request: SignedInRequest) -> HttpResponse:
    """My saved programs (my favourites), to open, take back or compare two to four of them side by side; and the
    ones I said are not for me, below."""
    rows = list(
        RecommendationFeedback.objects.filter(student=request.user, actor=request.user)
        .select_related("program__institution", "program__specialty")
        .order_by("-created_at", "-pk")
    )
    context = {
        "saved": [row for row in rows if row.kind == FeedbackKind.SAVE],
        "dismissed": [row for row in rows if row.kind == FeedbackKind.DISMISS],
        "compare_max": COMPARE_MAX,
    }
    return render(request, "pathways/saved_programs.html", context)


@require_POST
def result_suggestions(request: HttpRequest) -> HttpResponse:
    """Specialties and programs for a fresh quiz result, before any account: read from the signed result the
    browser holds, for the stage, district and routes the visitor picks; nothing is stored."""
    if not page_allowed(request, "quiz_page"):
        return too_many_requests(request)
    token = request.POST.get("token", "")
    try:
        sheet = quiz.result_token_read(token=token)
    except quiz.QuizInputError:
        return render(request, "pathways/quiz_stale.html", {"expired": True}, status=400)
    form = RecommendationForm(request.POST)
    stage, district, routes = Stage.JUNIOR.value, "", frozenset[str]()
    if form.is_valid():
        stage, district, routes = (
            form.cleaned_data["stage"],
            form.cleaned_data["district"],
            frozenset(form.cleaned_data["routes"]),
        )
    result = sheet.score()
    suggestions = recommendations_for(profile=result.profile, stage=stage, district=district, routes=routes)
    context = {
        "form": form,
        "result": suggestions,
        "quiz": result,
        "token": token,
        "consent": consent_state(user=request.user),
    }
    return render(request, "pathways/result_suggestions.html", context, status=200 if form.is_valid() else 400)
