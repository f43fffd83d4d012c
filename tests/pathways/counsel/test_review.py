"""Counselor review: access by cohort, audit rows, decisions the student sees, and the optimistic lock.

`counselor_li` looks after `student_wang` (class 一班); `counselor_zhao` looks after `student_zhang` (class 二班) and
must never see student_wang. `student_wang` is a student: the counselor pages are not for her.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import (
    AuditEntry,
    Cohort,
    Notification,
    Plan,
    QuizAttempt,
    RecommendationFeedback,
    Review,
    ReviewItem,
    StudentRecommendation,
)
from pathways.students.roles import DATA_PROTECTION_GROUP, role_group
from programs.models import Institution, Program
from tests.factories import as_user, counselor, student_in

pytestmark = pytest.mark.django_db


def test_a_counselor_sees_only_their_own_students(li_and_zhao: dict) -> None:
    body = as_user(li_and_zhao["li"]).get("/counsel/").content.decode()
    assert "student_wang" in body and "student_zhang" not in body
    api = APIClient()
    api.force_authenticate(li_and_zhao["li"])
    assert [s["username"] for s in api.get("/api/v1/counsel/students/").json()["results"]] == ["student_wang"]


def test_another_counselors_student_is_404_in_html_and_api(li_and_zhao: dict) -> None:
    zhang = li_and_zhao["zhang"].student
    assert as_user(li_and_zhao["li"]).get(f"/counsel/students/{zhang.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(li_and_zhao["li"])
    assert api.get(f"/api/v1/counsel/students/{zhang.pk}/review/").status_code == 404
    post = api.post(f"/api/v1/counsel/students/{zhang.pk}/review/", {"version": 0, "action": "note", "note": "x"})
    assert post.status_code == 404 and not Review.objects.filter(student=zhang).exists()


def test_students_and_anonymous_users_are_refused(li_and_zhao: dict) -> None:
    wang = li_and_zhao["wang"].student
    assert as_user(wang).get("/counsel/").status_code == 404
    assert as_user(wang).get(f"/counsel/students/{wang.pk}/").status_code == 404
    assert Client().get("/counsel/").status_code == 302  # to the sign-in page
    assert APIClient().get("/api/v1/counsel/students/").status_code in (401, 403)


def test_every_counselor_read_and_write_is_audited(li_and_zhao: dict) -> None:
    li, wang = li_and_zhao["li"], li_and_zhao["wang"].student
    client = as_user(li)
    assert client.get(f"/counsel/students/{wang.pk}/").status_code == 200
    client.post(f"/counsel/students/{wang.pk}/", {"version": 0, "action": "note", "note": "多看看设计类"})
    actions = list(AuditEntry.objects.filter(student=wang, actor=li).values_list("action", flat=True))
    assert actions == ["review_note", "review_view"]  # newest first


def test_endorse_reject_and_add_reach_the_student(li_and_zhao: dict) -> None:
    li, attempt = li_and_zhao["li"], li_and_zhao["wang"]
    wang = attempt.student
    shown = recommendations_for_attempt(attempt=attempt, stage="junior").programs
    extra = (
        Program.objects.published()
        .filter(specialty__level="secondary")
        .exclude(pk__in=[p.program.pk for p in shown])
        .first()
    )
    client = as_user(li)
    url = f"/counsel/students/{wang.pk}/"
    client.post(url, {"version": 0, "action": "endorsed", "program": shown[0].program.pk})
    missing_reason = client.post(url, {"version": 1, "action": "rejected", "program": shown[1].program.pk}, follow=True)
    assert "需要写明理由" in missing_reason.content.decode()
    client.post(url, {"version": 1, "action": "rejected", "program": shown[1].program.pk, "reason": "离家太远"})
    client.post(url, {"version": 2, "action": "added", "program": extra.pk})
    client.post(url, {"version": 3, "action": "done", "note": "可以优先考虑设计类。"})
    decisions = dict(ReviewItem.objects.filter(review__student=wang).values_list("program_id", "decision"))
    assert decisions == {shown[0].program.pk: "endorsed", shown[1].program.pk: "rejected", extra.pk: "added"}
    kinds = set(RecommendationFeedback.objects.filter(student=wang, actor=li).values_list("kind", flat=True))
    assert kinds == {"endorse", "reject"}  # the re-ranker learns from counselors too
    assert Notification.objects.filter(user=wang).count() == 4
    page = as_user(wang).get(f"/quiz/history/{attempt.pk}/recommendations/").content.decode()
    assert "来自指导老师" in page and "可以优先考虑设计类。" in page
    assert "指导老师：认可" in page and "离家太远" in page and extra.specialty.name in page
    assert "你的指导老师认可了" in as_user(wang).get("/quiz/history/").content.decode()


def test_a_reason_over_the_limit_is_refused_whole_not_cut(li_and_zhao: dict) -> None:
    li, attempt = li_and_zhao["li"], li_and_zhao["wang"]
    wang = attempt.student
    shown = recommendations_for_attempt(attempt=attempt, stage="junior").programs
    long_reason = "离家太远" * 51  # 204 characters
    page = (
        as_user(li)
        .post(
            f"/counsel/students/{wang.pk}/",
            {"version": 0, "action": "rejected", "program": shown[0].program.pk, "reason": long_reason},
            follow=True,
        )
        .content.decode()
    )
    assert "理由有 204 个字，最多只能写 200 个字" in page
    assert not ReviewItem.objects.filter(review__student=wang).exists()
    assert 'data-max="200"' in page  # the counter's field: no maxlength that would cut a pasted reason
    mine = (
        as_user(wang)
        .post(
            f"/quiz/history/{attempt.pk}/recommendations/feedback/",
            {"program": shown[0].program.pk, "kind": "dismiss", "reason": long_reason},
            follow=True,
        )
        .content.decode()
    )
    assert "理由有 204 个字" in mine and not RecommendationFeedback.objects.filter(student=wang).exists()


def test_a_stale_version_gets_409_and_loses_nothing(li_and_zhao: dict) -> None:
    wang = li_and_zhao["wang"].student
    li = APIClient()
    li.force_authenticate(li_and_zhao["li"])
    url = f"/api/v1/counsel/students/{wang.pk}/review/"
    assert li.post(url, {"version": 0, "action": "note", "note": "第一位老师"}).status_code == 200
    second = li.post(url, {"version": 0, "action": "note", "note": "第二位老师"})
    assert second.status_code == 409 and second.json()["version"] == 1
    assert Review.objects.get(student=wang).note == "第一位老师"
    html = as_user(li_and_zhao["li"]).post(
        f"/counsel/students/{wang.pk}/", {"version": 0, "action": "note", "note": "x"}, follow=True
    )
    # Li's own second tab: she is told it was her, not another counselor.
    assert "你在另一个标签页或窗口里修改过这份审核" in html.content.decode()
    assert "另一位指导老师" not in html.content.decode()
    co_counselor = counselor("counselor_sun")
    Cohort.objects.get(name="一班").counselors.add(co_counselor)
    html = as_user(co_counselor).post(
        f"/counsel/students/{wang.pk}/", {"version": 0, "action": "note", "note": "x"}, follow=True
    )
    assert "另一位指导老师先修改了" in html.content.decode()
    assert Review.objects.get(student=wang).note == "第一位老师"


def test_the_data_protection_role_reads_and_exports_the_audit_and_curators_do_not(
    li_and_zhao: dict, curator_client: Client
) -> None:
    wang = li_and_zhao["wang"].student
    as_user(li_and_zhao["li"]).get(f"/counsel/students/{wang.pk}/")
    assert curator_client.get("/admin/pathways/auditentry/").status_code == 403  # it names students
    assert "auditentry" not in curator_client.get("/admin/").content.decode()
    officer = User.objects.create_user("dpo_he", password="pw", is_staff=True)
    officer.groups.add(role_group(DATA_PROTECTION_GROUP))
    dpo = as_user(officer)
    listing = dpo.get("/admin/pathways/auditentry/")
    assert listing.status_code == 200 and "counselor_li" in listing.content.decode()
    assert dpo.get("/admin/programs/program/").status_code == 403  # and nothing else
    export = dpo.post(
        "/admin/pathways/auditentry/export/",
        {
            "format": "0",
            **{f"auditresource_{f}": "on" for f in ["at", "actor", "student", "action", "detail"]},
        },
    )
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "at,actor,student,action,detail"
    assert any("counselor_li,student_wang,review_view" in line for line in lines)
    assert as_user(li_and_zhao["li"]).get("/admin/pathways/auditentry/").status_code == 302  # counselors are not admins


def test_cohort_analytics_on_a_hand_built_class(li_and_zhao: dict, school: Institution) -> None:
    li = li_and_zhao["li"]
    cohort = Cohort.objects.get(name="一班")
    second = student_in(cohort, "student_qin")  # same answers as student_wang: leads with A
    small = Program.objects.published().filter(quota__isnull=False).order_by("quota", "pk").first()
    big = Program.objects.published().filter(quota__gte=100).order_by("pk").first()
    Program.objects.filter(pk=small.pk).update(quota=1)
    for attempt in (li_and_zhao["wang"], second):
        StudentRecommendation.objects.create(
            student=attempt.student,
            attempt=attempt,
            stage="junior",
            computed_at=timezone.now(),
            programs=[{"program": small.pk}, {"program": big.pk}],
        )
    review_one = Review.objects.create(student=li_and_zhao["wang"].student)
    ReviewItem.objects.create(review=review_one, program=big, decision="endorsed")
    response = as_user(li).get(f"/counsel/cohorts/{cohort.pk}/")
    figures = response.context["a"]
    assert (figures.students, figures.with_quiz, figures.flat) == (2, 2, 0)
    assert figures.leading_area["A"] == 2 and sum(figures.leading_area.values()) == 2
    demand = {d.program.pk: (d.suggested, d.endorsed, d.over) for d in figures.programs}
    assert demand == {small.pk: (2, 0, True), big.pk: (2, 1, False)}  # 2 students want 1 place: an alert
    assert "需求超过名额" in response.content.decode()
    assert 0 < figures.coverage <= 1 and figures.clusters_reached
    csv_lines = as_user(li).get(f"/counsel/cohorts/{cohort.pk}/", {"format": "csv"}).content.decode("utf-8-sig")
    assert csv_lines.splitlines()[0].startswith("program_id,institution") and f"{small.pk}," in csv_lines
    assert as_user(li_and_zhao["zhao"]).get(f"/counsel/cohorts/{cohort.pk}/").status_code == 404


def test_a_counselor_reorders_their_picks_and_the_student_sees_the_order(li_and_zhao: dict) -> None:
    wang = li_and_zhao["wang"].student
    api = APIClient()
    api.force_authenticate(li_and_zhao["li"])
    url = f"/api/v1/counsel/students/{wang.pk}/review/"
    first, second = Program.objects.published().filter(specialty__level="bachelor").order_by("pk")[:2]
    api.post(url, {"version": 0, "action": "added", "program": first.pk})
    api.post(url, {"version": 1, "action": "added", "program": second.pk})
    client = as_user(li_and_zhao["li"])
    client.post(f"/counsel/students/{wang.pk}/", {"version": 2, "action": "up", "program": second.pk})
    order = list(
        ReviewItem.objects.filter(review__student=wang).order_by("position").values_list("program_id", flat=True)
    )
    assert order == [second.pk, first.pk]
    page = as_user(wang).get(f"/quiz/history/{li_and_zhao['wang'].pk}/recommendations/").content.decode()
    assert page.index(second.specialty.name) < page.index(first.specialty.name)


def test_the_api_reorders_as_the_page_does(li_and_zhao: dict) -> None:
    wang = li_and_zhao["wang"].student
    api = APIClient()
    api.force_authenticate(li_and_zhao["li"])
    url = f"/api/v1/counsel/students/{wang.pk}/review/"
    first, second = Program.objects.published().filter(specialty__level="bachelor").order_by("pk")[:2]
    api.post(url, {"version": 0, "action": "added", "program": first.pk})
    api.post(url, {"version": 1, "action": "added", "program": second.pk})
    moved = api.post(url, {"version": 2, "action": "up", "program": second.pk})
    assert moved.status_code == 200 and [i["program"] for i in moved.json()["items"]] == [second.pk, first.pk]
    missing = api.post(url, {"version": 3, "action": "down", "program": 10**12})
    assert missing.status_code == 400 and "program" in missing.json()


def suggested(li_and_zhao: dict) -> tuple[User, QuizAttempt, User, list[int]]:
    """counselor_li, student_wang's attempt, student_wang, and the programs suggested to her, in order."""
    attempt = li_and_zhao["wang"]
    shown = [p.program.pk for p in recommendations_for_attempt(attempt=attempt, stage="junior").programs]
    return li_and_zhao["li"], attempt, attempt.student, shown


def test_the_student_sees_the_counselors_order_and_a_rejected_program_last_and_warned(li_and_zhao: dict) -> None:
    li, attempt, wang, shown = suggested(li_and_zhao)
    client = as_user(li)
    url = f"/counsel/students/{wang.pk}/"
    client.post(url, {"version": 0, "action": "rejected", "program": shown[0], "reason": "离家太远"})
    client.post(url, {"version": 1, "action": "endorsed", "program": shown[2]})
    client.post(url, {"version": 2, "action": "endorsed", "program": shown[1]})
    page = as_user(wang).get(f"/quiz/history/{attempt.pk}/recommendations/").content.decode()
    order = [int(pk) for pk in re.findall(r'name="program" value="(\d+)">\s*<input name="reason"', page)]
    assert order[:2] == [shown[2], shown[1]] and order[-1] == shown[0] and len(order) == len(shown)
    warned = as_user(wang).post("/quiz/plan/", {"program": shown[0]})
    assert "你的指导老师不建议" in warned.content.decode() and "离家太远" in warned.content.decode()
    assert not Plan.objects.filter(student=wang).exists()
    as_user(wang).post("/quiz/plan/", {"program": shown[0], "confirm": "1"})
    assert Plan.objects.get(student=wang).program_id == shown[0]


def test_the_review_page_shows_what_the_student_saved_dismissed_and_chose(li_and_zhao: dict) -> None:
    li, attempt, wang, shown = suggested(li_and_zhao)
    mine = as_user(wang)
    feedback = f"/quiz/history/{attempt.pk}/recommendations/feedback/"
    mine.post(feedback, {"program": shown[0], "kind": "save", "reason": "离家近"})
    mine.post(feedback, {"program": shown[1], "kind": "dismiss", "reason": "学费太高"})
    mine.post("/quiz/plan/", {"program": shown[0]})
    page = as_user(li).get(f"/counsel/students/{wang.pk}/").content.decode()
    said = page.split("学生自己的选择")[1].split("</section>")[0]
    assert "“离家近”" in said and "“学费太高”" in said and "计划" in said
    assert Program.objects.get(pk=shown[0]).specialty.name in said


def test_the_class_figures_count_a_first_suggestion_the_student_only_looked_at(li_and_zhao: dict) -> None:
    li, attempt, wang, shown = suggested(li_and_zhao)
    as_user(wang).get(f"/quiz/history/{attempt.pk}/recommendations/")  # looked, stored nothing
    assert not StudentRecommendation.objects.filter(student=wang).exists()
    cohort = Cohort.objects.get(name="一班")
    figures = as_user(li).get(f"/counsel/cohorts/{cohort.pk}/").context["a"]
    counted = {d.program.pk: d.suggested for d in figures.programs}
    assert counted.get(shown[0]) == 1 and all(counted.get(pk) == 1 for pk in shown)
