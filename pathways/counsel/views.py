"""The counselor's pages: the dashboard of assigned students and the review of one student's suggestions.

Every student row is reached through `access`; another counselor's student answers 404.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pathways.counsel import analytics, classes, review
from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import (
    AREA_ORDER,
    Area,
    CodePurpose,
    Cohort,
    Notification,
    Plan,
    QuizAttempt,
    RecommendationFeedback,
    Review,
    ReviewStatus,
    StudentProfile,
)
from pathways.quiz.radar import radar_for
from pathways.students import access
from pathways.students.codes import code_issue
from programs.models import Program
from programs.paging import page_of, query_without_page
from programs.web.inputs import csv_text, parse_id
from programs.web.spreadsheets import safe_cell
from programs.web.typing import SignedInRequest

ROSTER_MAX_BYTES = 200 * 1024
SORTS = {"name": "username", "-name": "-username", "status": "review__status", "recent": "-last_quiz"}


def _counselor_only(request: SignedInRequest) -> None:
    if not access.is_counselor(request.user):
        raise Http404


def _students(request: SignedInRequest) -> QuerySet:
    students = (
        access.students_for_counselor(counselor=request.user)
        .annotate(
            quizzes=Count("quiz_attempts", distinct=True),
            has_review=Exists(Review.objects.filter(student=OuterRef("pk"), status=ReviewStatus.DONE)),
            last_quiz=Max("quiz_attempts__completed_at"),
        )
        .select_related("membership__cohort", "review", "student_profile")
    )
    q = request.GET.get("q", "").strip()[:50]
    if q:
        students = students.filter(Q(username__icontains=q) | Q(membership__cohort__name__icontains=q))
    if request.GET.get("quiz") in ("yes", "no"):
        students = students.filter(quizzes__gt=0) if request.GET["quiz"] == "yes" else students.filter(quizzes=0)
    if request.GET.get("review") in ReviewStatus.values:
        status = request.GET["review"]
        students = students.filter(
            Q(review__status=status) | (Q(review__isnull=True) if status == ReviewStatus.PENDING else Q(pk__in=[]))
        )
    return students.order_by(SORTS.get(request.GET.get("sort", ""), "username"), "pk")


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    _counselor_only(request)
    page = page_of(request, _students(request), 50)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    context = {
        "page": page,
        "query": query_without_page(request),
        "statuses": ReviewStatus.choices,
        "q": request.GET.get("q", "")[:50],
        "cohorts": access.cohorts_for_counselor(counselor=request.user),
        "notifications": list(unread[:20]),
    }
    unread.update(read_at=timezone.now())
    return render(request, "pathways/counsel_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def student_review(request: SignedInRequest, student_id: int) -> HttpResponse:
    _counselor_only(request)
    student = access.student_get_for_counselor(counselor=request.user, student_id=student_id)
    if request.method == "POST":
        return _act(request, student)
    current = review.review_for(counselor=request.user, student=student)
    attempt = QuizAttempt.objects.filter(student=student).order_by("-completed_at", "-pk").first()
    profile = StudentProfile.objects.filter(user=student).first()
    result = None
    if attempt is not None:
        stage = (profile.stage if profile else "") or "junior"
        result = recommendations_for_attempt(attempt=attempt, stage=stage, district=profile.district if profile else "")
    ordered = list(current.items.select_related("program__institution", "program__specialty"))
    decisions = {item.program_id: item for item in ordered}
    context = {
        "student": student,
        "review": current,
        "attempt": attempt,
        "result": result,
        "decisions": decisions,
        "added": [i for i in decisions.values() if i.decision == "added"],
        "ordered": ordered,
        "radar": radar_for({a: attempt.scores[a] / 40 for a in AREA_ORDER}, scores=attempt.scores) if attempt else None,
        "choices": _program_choices(request),
        # What the student said about their suggestions, with their reasons, and the plan they chose.
        "student_said": list(
            RecommendationFeedback.objects.filter(student=student, actor=student)
            .select_related("program__institution", "program__specialty")
            .order_by("-pk")
        ),
        "plan": Plan.objects.filter(student=student)
        .select_related("program__institution", "program__specialty")
        .first(),
    }
    return render(request, "pathways/counsel_review.html", context)


def _program_choices(request: SignedInRequest) -> list[Program]:
    q = request.GET.get("find", "").strip()[:50]
    if not q:
        return []
    return list(Program.objects.published().search(q).select_related("institution", "specialty")[:20])


def _act(request: SignedInRequest, student: User) -> HttpResponse:
    version = parse_id(request.POST.get("version", ""), minimum=0)
    if version is None:
        raise Http404
    try:
        review.review_act(
            counselor=request.user,
            student=student,
            action=request.POST.get("action", ""),
            version=version,
            program_id=parse_id(request.POST.get("program")),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except review.ReviewConflict as exc:
        messages.error(request, str(exc))
        response = redirect("pathways:counsel_review", student_id=student.pk)
        response.status_code = 303
        return response
    except review.ReviewInputError as exc:
        messages.error(request, str(exc))
    return redirect("pathways:counsel_review", student_id=student.pk)


@login_required
@require_GET
def cohort_analytics(request: SignedInRequest, cohort_id: int) -> HttpResponse:
    cohort = _my_cohort(request, cohort_id)
    figures = analytics.cohort_analytics(cohort=cohort)
    if request.GET.get("format") == "csv":
        return _analytics_csv(figures)
    most = max(figures.leading_area.values(), default=0) or 1
    bars = [
        {"area": area, "name": Area(area).label, "n": n, "y": 20 * row, "width": round(190 * n / most)}
        for row, (area, n) in enumerate(figures.leading_area.items())
    ]
    context = {"a": figures, "bars": bars, "height": 20 * len(bars), "coverage": round(100 * figures.coverage)}
    return render(request, "pathways/counsel_analytics.html", context)


def _analytics_csv(figures: analytics.CohortAnalytics) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{figures.cohort.pk}-programs.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(
        ["program_id", "institution", "specialty_code", "specialty", "suggested", "endorsed", "quota", "over_quota"]
    )
    for d in figures.programs:
        quota = d.program.quota if d.program.quota is not None else ""
        row = (
            d.program.pk,
            d.program.institution.name,
            d.program.specialty.code,
            d.program.specialty.name,
            d.suggested,
            d.endorsed,
            quota,
            int(d.over),
        )
        writer.writerow([safe_cell(cell) for cell in row])
    return response


@login_required
@require_POST
def roster_upload(request: SignedInRequest, cohort_id: int) -> HttpResponse:
    """A counselor invites students to one of their classes from a CSV roster. Each row gets the same answer, whether
    or not the account exists; a student joins only by accepting. A file that cannot be read changes nothing."""
    cohort = _my_cohort(request, cohort_id)
    upload = request.FILES.get("roster")
    if upload is None or (upload.size or 0) > ROSTER_MAX_BYTES:
        messages.error(request, _("Choose a CSV file of at most 200 KB."))
        return redirect("pathways:cohort_analytics", cohort_id=cohort.pk)
    try:
        rows = classes.roster_invite(counselor=request.user, cohort=cohort, text=csv_text(upload.read()))
    except UnicodeDecodeError:
        messages.error(request, _("The file is neither UTF-8 nor GB18030 text. Save it as CSV and try again."))
    except classes.RosterError as exc:
        for line, reason in exc.problems:
            messages.error(request, _("Line %(line)s: %(reason)s") % {"line": line, "reason": reason})
        messages.error(request, _("Nothing was sent. Fix these rows and upload the file again."))
    else:
        for line, name, _outcome in rows:
            messages.info(
                request,
                _(
                    "Line %(line)s, %(name)s: invited; if the account exists and may join, the "
                    "student gets the invitation."
                )
                % {"line": line, "name": name},
            )
        messages.success(
            request, _("%(n)s rows read. Students appear in the class once they accept.") % {"n": len(rows)}
        )
    return redirect("pathways:cohort_analytics", cohort_id=cohort.pk)


@login_required
@require_POST
def join_code_renew(request: SignedInRequest, cohort_id: int) -> HttpResponse:
    """A new join code for one of my classes (the old one stops working; nobody already in the class leaves)."""
    cohort = _my_cohort(request, cohort_id)
    classes.join_code_renew(counselor=request.user, cohort=cohort)
    messages.success(request, _("The class has a new join code. The old one no longer works."))
    return redirect("pathways:cohort_analytics", cohort_id=cohort.pk)


def _my_cohort(request: SignedInRequest, cohort_id: int) -> Cohort:
    _counselor_only(request)
    cohort = access.cohorts_for_counselor(counselor=request.user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


@login_required
@require_POST
def student_code_issue(request: SignedInRequest, student_id: int) -> HttpResponse:
    """A one-time code for one of my students who forgot the password; shown once, audited."""
    _counselor_only(request)
    student = access.student_get_for_counselor(counselor=request.user, student_id=student_id)
    code = code_issue(user=student, purpose=CodePurpose.RESET, issued_by=request.user)
    return render(request, "pathways/counsel_code.html", {"student": student, "code": code})
