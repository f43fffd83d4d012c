"""How many database queries each page and endpoint a student opens makes, pinned.

Every URL a signed-in student may open (the ones `tests/security/test_url_walk.py` opens to "owner", so a new one
fails `test_every_url_a_student_opens_is_pinned` until it is added here) is requested as two students of the same
class: `few_li` has one of everything a student keeps (a saved quiz, a saved and a dismissed program, a
notification, a class invitation, a parents' link, a counselor decision), `many_wu` has four of each. Both must make
exactly the pinned number of queries: a page that reads a row per attempt, program, notification or invitation (an
N+1) makes more for `many_wu` and fails.

Each request runs in a savepoint that is rolled back, so each sees the same data and the order does not matter. The
caches every process keeps (the route graph, the ranker, content types) are warmed first by one untimed pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pathways.counsel.classes import class_leave
from pathways.counsel.review import review_act
from pathways.matching.feedback import feedback_record
from pathways.matching.recommendations import recommendation_store, recommendations_for_attempt
from pathways.models import (
    Articulation,
    Cohort,
    CohortInvitation,
    FormVersion,
    Notification,
    QuizAttempt,
    RecommendationFeedback,
    ReportShare,
    Review,
    ReviewItem,
    RouteKind,
    SkillCategory,
)
from pathways.plans.services import plan_choose, report_share_create
from pathways.quiz.services import answers_check, quiz_attempt_save, result_token_make, start_token_make
from pathways.routes.graph import graph_get
from programs.models import IndustryCluster, Institution, Program, Specialty
from tests.factories import BY_AREA, counselor, form_answers, joined, student_account
from tests.security.test_url_walk import ALLOWED, url_patterns

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 4


@dataclass(frozen=True)
class Ask:
    """One request: `page` goes through the pages' form posts, `api` sends JSON."""

    name: str
    method: str
    path: str
    body: dict | None = None
    api: bool = False
    before: Callable[[], object] | None = None  # run in the same savepoint, uncounted, just before the request

    @property
    def key(self) -> str:
        return f"{self.method} {self.name}"


# Every student URL and method, and its queries: the same on SQLite and PostgreSQL (the test runs on both). Under the
# test settings a request reads its session and its user from the database (2 queries), and a view's transaction is
# a savepoint inside the test's (SAVEPOINT and RELEASE count).
PINNED: dict[str, int] = {
    "GET home": 6,
    "GET programs:specialty_list": 7,
    "GET programs:specialty_detail": 16,
    "GET programs:program_list": 7,
    "GET programs:program_compare": 15,
    "GET programs:program_detail": 10,
    "GET programs:institution_list": 7,
    "GET programs:institution_detail": 6,
    "GET programs:cluster_list": 4,
    "GET programs:cluster_detail": 6,
    "GET pathways:explorer": 13,
    "GET pathways:route_list": 5,
    "GET pathways:route_detail": 7,
    "GET pathways:quiz_home": 7,
    "GET pathways:quiz_take": 5,
    "POST pathways:quiz_take": 10,
    "POST pathways:quiz_save": 16,
    "POST pathways:result_suggestions": 10,
    "GET pathways:quiz_history": 6,
    "GET pathways:quiz_attempt": 8,
    "GET pathways:quiz_compare": 7,
    "GET pathways:recommendations": 15,
    "POST pathways:recommendations": 25,
    "POST pathways:recommendation_feedback": 12,
    "GET pathways:saved_programs": 4,
    "GET pathways:my_plan": 13,
    "POST pathways:my_plan": 10,
    "GET pathways:parent_report": 15,
    "POST pathways:parent_report": 18,
    "GET pathways:shared_report": 15,
    "GET pathways:account_home": 11,
    "GET pathways:my_data": 18,
    "GET pathways:my_classes": 9,
    "POST pathways:my_classes": 7,
    "GET pathways:privacy": 3,
    "GET pathways:signup": 3,
    "GET pathways:account_code": 3,
    "GET pathways:password_change": 3,
    "GET pathways:password_changed": 2,
    "GET pathways:email_reset": 3,
    "GET pathways:email_reset_sent": 3,
    "GET pathways:email_reset_confirm": 4,
    "GET pathways:email_reset_done": 3,
    "GET login": 3,
    "POST set_language": 0,
    "POST logout": 6,
    "GET api:api-root": 2,
    "GET api:docs": 3,
    "GET api:pathways": 9,
    "GET api:quiz-forms": 5,
    "POST api:quiz-score": 4,
    "GET api:quiz-attempts": 4,
    "POST api:quiz-attempts": 13,
    "GET api:quiz-attempt": 4,
    "POST api:recommendations": 4,
    "POST api:recommendation-feedback": 12,
    "GET api:me": 3,
    "PATCH api:me": 5,
    "GET api:me-recommendations": 3,
    "GET api:me-notifications": 4,
    "GET api:me-data": 18,
    "GET api:me-plan": 4,
    "PUT api:me-plan": 11,
    "GET api:me-classes": 5,
    "POST api:me-classes": 18,
    "DELETE api:me-classes": 9,
    "POST api:me-invitation": 11,
    "GET api:specialty-list": 7,
    "GET api:specialty-detail": 6,
    "GET api:institution-list": 4,
    "GET api:institution-detail": 3,
    "GET api:program-list": 4,
    "GET api:program-detail": 3,
    "GET api:industry-list": 4,
    "GET api:industry-detail": 3,
    "GET api:route-list": 4,
    "GET api:route-detail": 3,
    "GET api:skill-category-list": 7,
    "GET api:skill-category-detail": 6,
    "GET api:articulation-list": 5,
    "GET api:articulation-detail": 4,
}

# URLs a student may open that this test does not request, and why.
NOT_COUNTED = {
    "api:schema": "built from the code, reads no row",
}


def answered(student: User, shift: int = 0) -> QuizAttempt:
    """A saved quick quiz: BY_AREA's answers, each moved `shift` steps (round 1-5), so attempts differ."""
    form = FormVersion.objects.get(kind="quick", is_current=True)
    answers = [(i.item_id, (BY_AREA[i.area] - 1 + shift) % 5 + 1) for i in form.items.all()]
    return quiz_attempt_save(
        student=student, sheet=answers_check(kind="quick", version_number=form.number, answers=answers)
    )


@pytest.fixture
def classmates(curator_chen: User) -> dict[str, dict]:
    """`few_li` and `many_wu` are in 一班, which `walk_teacher` counsels; `few_li` keeps one of each thing a student
    keeps, `many_wu` four of each."""
    school = Institution.objects.get(name="奉节职业教育中心")
    teacher = counselor("queries_teacher")
    one = Cohort.objects.create(school=school, name="一班", academic_year=2026)
    one.counselors.add(teacher)
    others = [Cohort.objects.create(school=school, name=f"{n}班", academic_year=2026) for n in range(2, 2 + MANY)]
    return {
        "few": _student("few_li", FEW, one, others, teacher),
        "many": _student("many_wu", MANY, one, others, teacher),
    }


def _student(name: str, count: int, cohort: Cohort, others: list[Cohort], teacher: User) -> dict:
    user = joined(student_account(name), cohort)
    earlier = [answered(user, shift=shift) for shift in range(1, count)]
    latest = answered(user)
    first = earlier[0] if earlier else latest
    recommendation_store(attempt=latest, stage="junior", district="")
    programs = [item.program for item in recommendations_for_attempt(attempt=latest, stage="junior").programs]
    for program in programs[:count]:
        feedback_record(actor=user, attempt=latest, program=program, kind="save", reason="离家近")
    for program in programs[count : 2 * count]:
        feedback_record(actor=user, attempt=latest, program=program, kind="dismiss")
    plan_choose(student=user, program_id=programs[0].pk)
    secrets = [report_share_create(student=user, shown_name="王妈妈", days=7) for _ in range(count)]
    invitations = [
        CohortInvitation.objects.create(cohort=other, student=user, invited_by=teacher) for other in others[:count]
    ]
    Notification.objects.bulk_create(Notification(user=user, message=f"第{n}条") for n in range(count))
    for program in programs[:count]:
        version = Review.objects.filter(student=user).values_list("version", flat=True).first() or 0
        review_act(counselor=teacher, student=user, action="endorsed", version=version, program_id=program.pk)
    return {
        "user": user,
        "first": first.pk,
        "attempt": latest.pk,
        "program": programs[0].pk,
        "new_program": programs[-1].pk,  # recommended, and neither saved nor dismissed by either student
        "secret": secrets[0],
        "invitation": invitations[0].pk,
        "code": others[-1].join_code,
        "profile": {area: getattr(latest, f"score_{area.lower()}") / 40 for area in "RIASEC"},
    }


def asks(v: dict) -> list[Ask]:
    """Every request a student makes, with `v`, the student's own ids."""
    form = FormVersion.objects.get(kind="quick", is_current=True)
    answers = [{"item": i.item_id, "value": BY_AREA[i.area]} for i in form.items.all()]
    quiz = {"form": "quick", "version": form.number, "answers": answers, "started": start_token_make()}
    sheet = answers_check(kind="quick", version_number=form.number, answers=[(a["item"], a["value"]) for a in answers])
    token = result_token_make(sheet=sheet)
    program = Program.objects.published().get(pk=v["program"])
    attempt, history = v["attempt"], f"/quiz/history/{v['attempt']}"
    route, specialty = RouteKind.objects.order_by("position").first(), Specialty.objects.get(code="700206")
    cluster, skill = IndustryCluster.objects.order_by("code").first(), SkillCategory.objects.order_by("code").first()
    articulation = Articulation.objects.order_by("pk").first()
    assert route and cluster and skill and articulation
    compare = "&".join(f"p={pk}" for pk in (v["program"], v["new_program"]))
    recommend = {"profile": v["profile"], "stage": "junior", "district": "万州区", "k": 10}

    def leave() -> None:  # a student joins another class only after leaving theirs
        class_leave(student=v["user"])

    return [
        # The catalog and the routes, as a signed-in student sees them.
        Ask("home", "GET", "/"),
        Ask("programs:specialty_list", "GET", "/specialties/"),
        Ask("programs:specialty_detail", "GET", f"/specialties/{specialty.code}/"),
        Ask("programs:program_list", "GET", "/programs/"),
        Ask("programs:program_compare", "GET", f"/programs/compare/?{compare}"),
        Ask("programs:program_detail", "GET", f"/programs/{program.pk}/"),
        Ask("programs:institution_list", "GET", "/institutions/"),
        Ask("programs:institution_detail", "GET", f"/institutions/{program.institution_id}/"),
        Ask("programs:cluster_list", "GET", "/industries/"),
        Ask("programs:cluster_detail", "GET", f"/industries/{cluster.code}/"),
        Ask("pathways:explorer", "GET", f"/pathways/?start=program&program={program.pk}"),
        Ask("pathways:route_list", "GET", "/routes/"),
        Ask("pathways:route_detail", "GET", f"/routes/{route.code}/"),
        # The quiz, its result and the student's saved attempts.
        Ask("pathways:quiz_home", "GET", "/quiz/"),
        Ask("pathways:quiz_take", "GET", "/quiz/quick/"),
        Ask("pathways:quiz_take", "POST", "/quiz/quick/", form_answers(form, BY_AREA)),
        Ask("pathways:quiz_save", "POST", "/quiz/save/", {"token": token}),
        Ask("pathways:result_suggestions", "POST", "/quiz/result/suggestions/", {"token": token, "stage": "junior"}),
        Ask("pathways:quiz_history", "GET", "/quiz/history/"),
        Ask("pathways:quiz_attempt", "GET", f"{history}/"),
        Ask("pathways:quiz_compare", "GET", f"/quiz/history/compare/?a={v['first']}&b={attempt}"),
        # Recommendations, feedback on them, the saved list.
        Ask("pathways:recommendations", "GET", f"{history}/recommendations/"),
        Ask("pathways:recommendations", "POST", f"{history}/recommendations/", {"stage": "junior", "district": ""}),
        Ask(
            "pathways:recommendation_feedback",
            "POST",
            f"{history}/recommendations/feedback/",
            {"program": v["new_program"], "kind": "save"},
        ),
        Ask("pathways:saved_programs", "GET", "/me/saved/"),
        # The plan, the parents' report and its link.
        Ask("pathways:my_plan", "GET", "/quiz/plan/"),
        Ask("pathways:my_plan", "POST", "/quiz/plan/", {"program": v["new_program"]}),
        Ask("pathways:parent_report", "GET", "/quiz/report/"),
        Ask("pathways:parent_report", "POST", "/quiz/report/", {"days": 7, "shown_name": "爸爸"}),
        Ask("pathways:shared_report", "GET", f"/report/{v['secret']}/"),
        # The account: home, data, classes, password.
        Ask("pathways:account_home", "GET", "/me/"),
        Ask("pathways:my_data", "GET", "/me/data/"),
        Ask("pathways:my_data", "GET", "/me/data/?export=1"),
        Ask("pathways:my_classes", "GET", "/me/classes/"),
        Ask("pathways:my_classes", "POST", "/me/classes/", {"action": "decline", "invitation": v["invitation"]}),
        Ask("pathways:privacy", "GET", "/privacy/"),
        Ask("pathways:signup", "GET", "/accounts/signup/"),
        Ask("pathways:account_code", "GET", "/accounts/code/"),
        Ask("pathways:password_change", "GET", "/accounts/password/"),
        Ask("pathways:password_changed", "GET", "/accounts/password/done/"),
        Ask("pathways:email_reset", "GET", "/accounts/password/email/"),
        Ask("pathways:email_reset_sent", "GET", "/accounts/password/email/sent/"),
        Ask("pathways:email_reset_confirm", "GET", "/accounts/password/email/MQ/set-password/"),
        Ask("pathways:email_reset_done", "GET", "/accounts/password/email/done/"),
        Ask("login", "GET", "/accounts/login/"),
        Ask("set_language", "POST", "/i18n/setlang/", {"language": "en", "next": "/"}),
        Ask("logout", "POST", "/accounts/logout/"),
        # The API.
        Ask("api:api-root", "GET", "/api/v1/", api=True),
        Ask("api:docs", "GET", "/api/v1/docs/", api=True),
        Ask("api:pathways", "GET", f"/api/v1/pathways/?start=program&program={program.pk}", api=True),
        Ask("api:quiz-forms", "GET", "/api/v1/quiz/forms/", api=True),
        Ask("api:quiz-score", "POST", "/api/v1/quiz/score/", quiz, api=True),
        Ask("api:quiz-attempts", "GET", "/api/v1/quiz/attempts/", api=True),
        Ask("api:quiz-attempts", "POST", "/api/v1/quiz/attempts/", quiz, api=True),
        Ask("api:quiz-attempt", "GET", f"/api/v1/quiz/attempts/{attempt}/", api=True),
        Ask("api:recommendations", "POST", "/api/v1/recommendations/", recommend, api=True),
        Ask(
            "api:recommendation-feedback",
            "POST",
            "/api/v1/recommendations/feedback/",
            {"attempt": attempt, "program": v["new_program"], "kind": "dismiss"},
            api=True,
        ),
        Ask("api:me", "GET", "/api/v1/me/", api=True),
        Ask("api:me", "PATCH", "/api/v1/me/", {"district": "万州区"}, api=True),
        Ask("api:me-recommendations", "GET", "/api/v1/me/recommendations/", api=True),
        Ask("api:me-notifications", "GET", "/api/v1/me/notifications/", api=True),
        Ask("api:me-data", "GET", "/api/v1/me/data/", api=True),
        Ask("api:me-plan", "GET", "/api/v1/me/plan/", api=True),
        Ask("api:me-plan", "PUT", "/api/v1/me/plan/", {"program": v["new_program"]}, api=True),
        Ask("api:me-classes", "GET", "/api/v1/me/classes/", api=True),
        Ask("api:me-classes", "POST", "/api/v1/me/classes/", {"code": v["code"]}, api=True, before=leave),
        Ask("api:me-classes", "DELETE", "/api/v1/me/classes/", api=True),
        Ask("api:me-invitation", "POST", f"/api/v1/me/invitations/{v['invitation']}/", {"answer": "decline"}, api=True),
        Ask("api:specialty-list", "GET", "/api/v1/specialties/", api=True),
        Ask("api:specialty-detail", "GET", f"/api/v1/specialties/{specialty.code}/", api=True),
        Ask("api:institution-list", "GET", "/api/v1/institutions/", api=True),
        Ask("api:institution-detail", "GET", f"/api/v1/institutions/{program.institution_id}/", api=True),
        Ask("api:program-list", "GET", "/api/v1/programs/", api=True),
        Ask("api:program-detail", "GET", f"/api/v1/programs/{program.pk}/", api=True),
        Ask("api:industry-list", "GET", "/api/v1/industries/", api=True),
        Ask("api:industry-detail", "GET", f"/api/v1/industries/{cluster.code}/", api=True),
        Ask("api:route-list", "GET", "/api/v1/routes/", api=True),
        Ask("api:route-detail", "GET", f"/api/v1/routes/{route.code}/", api=True),
        Ask("api:skill-category-list", "GET", "/api/v1/skill-categories/", api=True),
        Ask("api:skill-category-detail", "GET", f"/api/v1/skill-categories/{skill.code}/", api=True),
        Ask("api:articulation-list", "GET", "/api/v1/articulations/", api=True),
        Ask("api:articulation-detail", "GET", f"/api/v1/articulations/{articulation.pk}/", api=True),
    ]


def send(client: APIClient, ask: Ask) -> object:
    if ask.api:
        data = json.dumps(ask.body) if ask.body is not None else None
        return client.generic(ask.method, ask.path, data or "", content_type="application/json")
    if ask.method == "GET":
        return client.get(ask.path)
    return client.post(ask.path, ask.body or {})


def counted(student: dict) -> Iterator[tuple[Ask, int, int]]:
    """(request, queries, status) for each of the student's requests, each in a savepoint rolled back after it."""
    client = APIClient()
    for ask in asks(student):
        client.force_login(student["user"])
        with transaction.atomic():
            if ask.before is not None:
                ask.before()
            with CaptureQueriesContext(connection) as queries:
                response = send(client, ask)
            transaction.set_rollback(True)
        yield ask, len(queries), response.status_code  # type: ignore[attr-defined]


@pytest.fixture
def warm(classmates: dict[str, dict]) -> None:
    """The first request of a process fills caches (the route graph, content types): one untimed pass first."""
    cache.clear()  # throttle counts: every request here is judged on its own
    graph_get()
    for _ask in counted(classmates["few"]):
        pass
    cache.clear()


def test_every_url_a_student_opens_is_pinned(classmates: dict[str, dict]) -> None:
    student_urls = {name for name, _route, _is_route in url_patterns() if "owner" in ALLOWED[name]}
    requested = {ask.name for ask in asks(classmates["few"])}
    assert student_urls - requested - set(NOT_COUNTED) == set(), "request and pin every URL a student may open"
    assert requested <= student_urls, "a request for a URL the walk does not open to a student"
    assert set(PINNED) == {ask.key for ask in asks(classmates["few"])}, "pin every request, and only those"


def kept(user: User) -> list[int]:
    """How many attempts, saved or dismissed programs, notifications, invitations, parents' links and counselor
    decisions the student has."""
    return [
        QuizAttempt.objects.filter(student=user).count(),
        RecommendationFeedback.objects.filter(student=user).count(),
        Notification.objects.filter(user=user).count(),
        CohortInvitation.objects.filter(student=user).count(),
        ReportShare.objects.filter(student=user).count(),
        ReviewItem.objects.filter(review__student=user).count(),
    ]


def test_each_student_page_makes_the_pinned_queries_whatever_the_rows(classmates: dict[str, dict], warm: None) -> None:
    few_rows, many_rows = kept(classmates["few"]["user"]), kept(classmates["many"]["user"])
    assert all(f < m for f, m in zip(few_rows, many_rows, strict=True)), (few_rows, many_rows)
    few = {ask.key: (queries, status) for ask, queries, status in counted(classmates["few"])}
    cache.clear()
    many = {ask.key: (queries, status) for ask, queries, status in counted(classmates["many"])}
    wrong = [
        f"{key}: {few[key][0]} queries for few_li, {many[key][0]} for many_wu, pinned {PINNED.get(key)}"
        for key in few
        if not few[key][0] == many[key][0] == PINNED.get(key)
    ]
    refused = [f"{key}: {few[key][1]} / {many[key][1]}" for key in few if max(few[key][1], many[key][1]) >= 400]
    assert not refused, "\n".join(refused)
    assert not wrong, "\n".join(wrong)
