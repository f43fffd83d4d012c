"""The quiz pages: take a form, see the result, save it (with an account and consent), look back at attempts.

Until a student saves, nothing reaches the database: answers live in the browser (the page's sessionStorage),
the result is computed from the posted answers and shown, and the page carries a signed copy of the answers
for the save step.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.api import page_allowed
from config.errors import too_many_requests
from config.inputs import parse_id
from pathways.counsel import review
from pathways.forms import ConsentForm, RecommendationForm, StudentSignupForm
from pathways.matching.recommendations import (
    FeedbackRefused,
    feedback_record,
    recommendation_store,
    recommendations_for_attempt,
)
from pathways.models import (
    Area,
    FeedbackKind,
    FormKind,
    FormVersionItem,
    Notification,
    Plan,
    RecommendationFeedback,
    Review,
    Stage,
    StudentProfile,
)
from pathways.quiz import services as quiz
from pathways.quiz.areas import AREA_FIELDS, AREA_MEANING
from pathways.quiz.radar import radar_for
from pathways.quiz.scoring import QuizResult
from pathways.routes import selectors
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import PathwayResults
from pathways.students import access, consent
from pathways.students import privacy as rights
from pathways.students.signin import SignInForm
from programs.models import IndustryCluster, Program

ITEMS_PER_SCREEN = 3


@require_GET
def quiz_home(request: HttpRequest) -> HttpResponse:
    # The quick form first: it is the one most students take.
    forms = [
        (kind, FormKind(kind).label, quiz.current_version(kind=kind)) for kind in (FormKind.QUICK, FormKind.STANDARD)
    ]
    return render(request, "pathways/quiz_home.html", {"forms": [f for f in forms if f[2] is not None]})


def _screens(
    items: list[FormVersionItem], answered: dict[str, str], errors: dict[int, str], missing: set[int]
) -> list[list[dict]]:
    """The questions in screens of a few, each with its answer so far and any problem with it."""
    questions = [
        {
            "item": i,
            "selected": quiz.answer_value(answered.get(str(i.item_id))),
            "error": errors.get(i.item_id, ""),
            "missing": i.item_id in missing,
        }
        for i in items
    ]
    return [questions[n : n + ITEMS_PER_SCREEN] for n in range(0, len(questions), ITEMS_PER_SCREEN)]


@require_http_methods(["GET", "POST"])
def quiz_take(request: HttpRequest, kind: str) -> HttpResponse:
    version = quiz.current_version(kind=kind) if kind in FormKind.values else None
    if version is None:
        raise Http404
    items = list(version.items.all())
    errors: dict[int, str] = {}
    missing: set[int] = set()
    if request.method == "POST" and not page_allowed(request, "quiz_page"):
        return too_many_requests(request)
    if request.method == "POST":
        answers = [(key.removeprefix("item_"), value) for key, value in request.POST.items() if key.startswith("item_")]
        try:
            duration = quiz.start_token_seconds(request.POST.get("started", ""))
            sheet = quiz.answers_check(
                kind=kind, version_number=request.POST.get("version"), answers=answers, duration_seconds=duration
            )
        except quiz.QuizInputError as exc:
            errors, missing = _form_errors(exc.errors, answers, items)
            if "version" in exc.errors or "form" in exc.errors:
                return render(request, "pathways/quiz_stale.html", {"kind": kind}, status=409)
        else:
            return _result_page(request, sheet.score(), sheet.items, sheet.values, quiz.result_token_make(sheet=sheet))
    answered = {key.removeprefix("item_"): value for key, value in request.POST.items() if key.startswith("item_")}
    context = {
        "version": version,
        "kind": kind,
        "screens": _screens(items, answered, errors, missing),
        "total": len(items),
        "started": request.POST.get("started") or quiz.start_token_make(),
        "errors": errors,
        "missing": missing,
        "scale": SCALE,
    }
    return render(request, "pathways/quiz_take.html", context, status=400 if errors or missing else 200)


SCALE = [
    (1, _("Strongly dislike")),
    (2, _("Dislike")),
    (3, _("Not sure")),
    (4, _("Like")),
    (5, _("Strongly like")),
]


def _form_errors(errors: dict, answers: list, items: list[FormVersionItem]) -> tuple[dict[int, str], set[int]]:
    by_item: dict[int, str] = {}
    for (raw_item, _value), problem in zip(answers, errors.get("answers", []), strict=False):
        if problem and str(raw_item).isdigit():
            by_item[int(raw_item)] = " ".join(m for messages in problem.values() for m in messages)
    answered = {str(item) for item, _value in answers}
    missing = {i.item_id for i in items if str(i.item_id) not in answered}
    return by_item, missing


def _top_areas(result: QuizResult, items: list[FormVersionItem], values: list[int]) -> list[dict]:
    """The top three areas, each with what it means and the activities the student liked most in it."""
    top = []
    for area in result.code:
        liked = sorted(
            ((v, i) for i, v in zip(items, values, strict=True) if i.area == area and v >= 4),
            key=lambda pair: (-pair[0], pair[1].position),
        )
        top.append(
            {
                "area": area,
                "name": Area(area).label,
                "score": result.scores[area],
                "meaning": AREA_MEANING[area],
                "fields": AREA_FIELDS[area],
                "liked": [i.display_text for _v, i in liked[:3]],
            }
        )
    return top


def _result_page(
    request: HttpRequest, result: QuizResult, items: list, values: list[int], token: str | None, attempt: object = None
) -> HttpResponse:
    context = {
        "result": result,
        "radar": radar_for(result.profile, scores=result.scores),
        "token": token,
        "top": _top_areas(result, items, values),
        "attempt": attempt,
        "ranked": [(a, Area(a).label, result.scores[a], int(result.profile[a] * 100)) for a in result.ranked],
        "consent": consent.consent_state(user=request.user),
    }
    return render(request, "pathways/quiz_result.html", context)


@require_POST
def quiz_save(request: HttpRequest) -> HttpResponse:
    """Save a scored result: straight away with consent on record, else after sign-up, sign-in or consent."""
    token = request.POST.get("token", "")
    try:
        sheet = quiz.result_token_read(token=token)
    except quiz.QuizInputError:
        return render(request, "pathways/quiz_stale.html", {"expired": True}, status=400)
    action = request.POST.get("action", "")
    if action == "signup" and not page_allowed(request, "signup"):
        return too_many_requests(request)
    signup = StudentSignupForm(request.POST if action == "signup" else None)
    sign_in = SignInForm(request, data=request.POST if action == "login" else None)
    consent_form = ConsentForm(request.POST if action == "consent" else None)
    if action == "signup" and signup.is_valid():
        _register_and_sign_in(request, signup)
    elif action == "login" and sign_in.is_valid():
        login(request, sign_in.get_user())
    elif action == "consent" and request.user.is_authenticated and consent_form.is_valid():
        data = consent_form.cleaned_data
        consent.consent_record(
            user=request.user, birth_year=data["birth_year"], birth_month=data["birth_month"], **consent_form.guardian()
        )
    refused = ""
    if consent.consent_state(user=request.user).may_store:
        try:
            attempt = quiz.quiz_attempt_save(student=request.user, sheet=sheet, token=token)
        except (quiz.ConsentRequired, quiz.ResultAlreadySaved) as exc:
            refused = str(exc)
        else:
            return redirect("pathways:quiz_attempt", attempt_id=attempt.pk)
    context = {"token": token, "signup": signup, "sign_in": sign_in, "consent_form": consent_form, "refused": refused}
    return render(request, "pathways/quiz_save.html", context, status=403 if refused else 400 if action else 200)


def _register_and_sign_in(request: HttpRequest, form: StudentSignupForm) -> None:
    data = form.cleaned_data
    user = consent.student_register(
        username=data["username"],
        password=data["password1"],
        birth_year=data["birth_year"],
        birth_month=data["birth_month"],
        **form.guardian(),
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not page_allowed(request, "signup"):
        return too_many_requests(request)
    form = StudentSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _register_and_sign_in(request, form)
        return redirect("pathways:quiz_home")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pathways/privacy.html", {"notice_version": consent.NOTICE_VERSION})


@login_required
@require_GET
def quiz_history(request: HttpRequest) -> HttpResponse:
    attempts = list(access.attempts_for_student(user=request.user))
    notifications = list(Notification.objects.filter(user=request.user)[:20])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "pathways/quiz_history.html", {"attempts": attempts, "notifications": notifications})


@login_required
@require_GET
def quiz_attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    answers = list(attempt.answers.select_related("item"))
    result = quiz.attempt_result(attempt=attempt)
    return _result_page(request, result, [a.item for a in answers], [a.value for a in answers], None, attempt)


@login_required
@require_GET
def quiz_compare(request: HttpRequest) -> HttpResponse:
    try:
        first_id, second_id = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError as exc:
        raise Http404 from exc
    first = access.attempt_get_for_student(user=request.user, attempt_id=first_id)
    second = access.attempt_get_for_student(user=request.user, attempt_id=second_id)
    one, two = quiz.attempt_result(attempt=first), quiz.attempt_result(attempt=second)
    rows = [(a, Area(a).label, one.scores[a], two.scores[a], two.scores[a] - one.scores[a]) for a in "RIASEC"]
    context = {"first": first, "second": second, "radar": radar_for(one.profile, two.profile), "rows": rows}
    return render(request, "pathways/quiz_compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_recommendations(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Recommendations for a saved attempt; the stage and district the student gives are kept on their profile."""
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    profile = StudentProfile.objects.filter(user=request.user).first()
    if profile is not None and profile.profiling_opt_out:
        return render(request, "pathways/profiling_off.html", {"attempt": attempt})
    initial = {
        "stage": (profile.stage if profile else "") or Stage.JUNIOR,
        "district": profile.district if profile else "",
    }
    form = RecommendationForm(request.POST or None, initial=initial)
    stage, district, routes = initial["stage"], initial["district"], frozenset()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stage, district, routes = data["stage"], data["district"], frozenset(data["routes"])
        if profile is not None:
            StudentProfile.objects.filter(pk=profile.pk).update(stage=stage, district=district)
            recommendation_store(attempt=attempt, stage=stage, district=district, routes=routes)
    result = recommendations_for_attempt(attempt=attempt, stage=stage, district=district, routes=routes)
    said = dict(
        RecommendationFeedback.objects.filter(attempt=attempt, actor=request.user).values_list("program_id", "kind")
    )
    for item in result.programs:
        item.said = said.get(item.program.pk, "")  # type: ignore[attr-defined]
    related = ("items__program__institution", "items__program__specialty")
    counsel = Review.objects.filter(student=request.user).prefetch_related(*related).first()
    decisions = {item.program_id: item for item in counsel.items.all()} if counsel else {}
    for item in result.programs:
        item.counselor = decisions.get(item.program.pk)  # type: ignore[attr-defined]
    shown = {item.program.pk for item in result.programs}
    added = sorted((i for i in decisions.values() if i.program_id not in shown), key=lambda i: (i.position, i.pk))
    context = {"attempt": attempt, "form": form, "result": result, "counsel": counsel, "counselor_added": added}
    return render(request, "pathways/recommendations.html", context)


@login_required
@require_POST
def recommendation_feedback(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Save or dismiss a recommended program, with an optional reason."""
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    kind = request.POST.get("kind", "")
    program = Program.objects.filter(pk=parse_id(request.POST.get("program")) or 0).first()
    if program is None or kind not in (FeedbackKind.SAVE, FeedbackKind.DISMISS):
        raise Http404
    try:
        feedback_record(
            actor=request.user, attempt=attempt, program=program, kind=kind, reason=request.POST.get("reason", "")
        )
    except FeedbackRefused as exc:
        messages.error(request, str(exc))
    return redirect("pathways:recommendations", attempt_id=attempt.pk)


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
def my_plan(request: HttpRequest) -> HttpResponse:
    """The student's plan: choose a program (POST), see the route there step by step (GET)."""
    if request.method == "POST":
        try:
            review.plan_choose(student=request.user, program_id=parse_id(request.POST.get("program")))
        except review.PlanRefused as exc:
            raise Http404 from exc
        return redirect("pathways:my_plan")
    plan = (
        Plan.objects.filter(student=request.user).select_related("program__institution", "program__specialty").first()
    )
    profile = StudentProfile.objects.filter(user=request.user).first()
    entries = selectors.routes_for_program(program=plan.program).into if plan else []
    context = {"plan": plan, "pathway": _plan_pathway(plan, profile) if plan else None, "entries": entries}
    return render(request, "pathways/plan.html", context)


@login_required
@require_GET
def parent_report(request: HttpRequest) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
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
                rights.personal_data_delete(user=user)  # type: ignore[arg-type]
        except rights.DeletionRefused as exc:
            messages.error(request, str(exc))
            return redirect("pathways:my_data")
        logout(request)
        return render(request, "pathways/data_deleted.html")
    profile = StudentProfile.objects.filter(user=user).first()
    return render(
        request, "pathways/my_data.html", {"data": rights.personal_data_export(user=user), "profile": profile}
    )
