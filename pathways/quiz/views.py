"""The quiz pages: take a form, see the result, save it (with an account and consent), look back at attempts.

Until a student saves, nothing reaches the database: answers live in the browser (the page's sessionStorage),
the result is computed from the posted answers and shown, and the page carries a signed copy of the answers
for the save step.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pathways.models import (
    TARGET_LEVEL,
    Area,
    FormKind,
    FormVersionItem,
    Notification,
    QuizAttempt,
    Stage,
)
from pathways.quiz import services as quiz
from pathways.quiz.areas import AREA_FIELDS, AREA_MEANING
from pathways.quiz.radar import radar_for
from pathways.quiz.scoring import QuizResult
from pathways.students import access, consent
from pathways.students.forms import ConsentForm, StudentSignupForm
from pathways.students.signin import SignInForm, register_and_sign_in
from programs.districts import DISTRICT_CHOICES
from programs.web.api import page_allowed
from programs.web.responses import too_many_requests
from programs.web.typing import SignedInRequest
from recommender.artifacts import ranker_get
from recommender.explain import fit_label
from recommender.models import AREAS

ITEMS_PER_SCREEN = 3


@require_GET
def quiz_home(request: HttpRequest) -> HttpResponse:
    # The quick form first: it is the one most students take.
    forms = [
        (kind, FormKind(kind).label, quiz.current_version(kind=kind)) for kind in (FormKind.QUICK, FormKind.STANDARD)
    ]
    return render(request, "pathways/quiz_home.html", {"forms": [f for f in forms if f[2] is not None]})


def _screens(
    items: list[FormVersionItem], answered: dict[str, Any], errors: dict[int, str], missing: set[int]
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
            token = quiz.result_token_make(sheet=sheet)
            return _result_page(request, result=sheet.score(), items=sheet.items, values=sheet.values, token=token)
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


# Lazy: the labels are read in each request's language (a plain gettext here would freeze the language of import).
SCALE = [
    (1, gettext_lazy("Strongly dislike")),
    (2, gettext_lazy("Dislike")),
    (3, gettext_lazy("Not sure")),
    (4, gettext_lazy("Like")),
    (5, gettext_lazy("Strongly like")),
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


PREVIEW_SPECIALTIES = 6


def _specialty_preview(result: QuizResult) -> list[dict[str, str]]:
    """The 中职 specialties that fit a fresh result best, for the result page before any account: computed here,
    stored nowhere (a flat profile gets the exploration spread, with no fit label)."""
    _version, ranker = ranker_get()
    if ranker is None:
        return []
    vector = np.array([[result.profile[a] for a in AREAS]], dtype=float)
    columns, scores = ranker.top_k(vector, str(TARGET_LEVEL[Stage.JUNIOR]), PREVIEW_SPECIALTIES)
    preview = []
    for column, score in zip(columns[0].tolist(), scores[0].tolist(), strict=True):
        key, words = fit_label(ranker, float(score)) if not result.flat else ("", "")
        preview.append(
            {
                "code": str(ranker.index.codes[column]),
                "name": str(ranker.index.names[column]),
                "fit": key,
                "label": words,
            }
        )
    return preview


def _result_page(
    request: HttpRequest,
    *,
    result: QuizResult,
    items: list,
    values: list[int],
    token: str | None,
    attempt: QuizAttempt | None = None,
) -> HttpResponse:
    context = {
        "result": result,
        "radar": radar_for(result.profile, scores=result.scores),
        "token": token,
        "top": _top_areas(result, items, values),
        "attempt": attempt,
        "ranked": [(a, Area(a).label, result.scores[a], int(result.profile[a] * 100)) for a in result.ranked],
        "consent": consent.consent_state(user=request.user),
        "preview": _specialty_preview(result) if token else [],
        "districts": DISTRICT_CHOICES,
        "stages": Stage.choices,
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
        register_and_sign_in(request, signup)
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
            attempt = quiz.quiz_attempt_save(student=cast(User, request.user), sheet=sheet, token=token)
        except (quiz.ConsentRequired, quiz.ResultAlreadySaved) as exc:
            refused = str(exc)
        else:
            return redirect("pathways:quiz_attempt", attempt_id=attempt.pk)
    context = {"token": token, "signup": signup, "sign_in": sign_in, "consent_form": consent_form, "refused": refused}
    return render(request, "pathways/quiz_save.html", context, status=403 if refused else 400 if action else 200)


@login_required
@require_GET
def quiz_history(request: SignedInRequest) -> HttpResponse:
    attempts = list(access.attempts_for_student(user=request.user))
    notifications = list(Notification.objects.filter(user=request.user)[:20])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "pathways/quiz_history.html", {"attempts": attempts, "notifications": notifications})


@login_required
@require_GET
def quiz_attempt(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    attempt = access.attempt_get_for_student(user=request.user, attempt_id=attempt_id)
    answers = list(attempt.answers.select_related("item"))
    result = quiz.attempt_result(attempt=attempt)
    items, values = [a.item for a in answers], [a.value for a in answers]
    return _result_page(request, result=result, items=items, values=values, token=None, attempt=attempt)


@login_required
@require_GET
def quiz_compare(request: SignedInRequest) -> HttpResponse:
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
