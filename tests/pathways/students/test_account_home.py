"""My page (/me/): the signed-in home says where the student is and what to do next; the header's name opens it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pathways.models import Notification
from pathways.plans.services import plan_choose
from programs.models import Program
from tests.factories import as_user, saved_student, student_account, two_classes

pytestmark = pytest.mark.django_db


def test_a_new_student_is_sent_to_the_quiz_and_the_header_name_opens_my_page() -> None:
    student = student_account("new_one")
    page = as_user(student).get("/me/").content.decode()
    assert "你还没有保存测评结果" in page and 'href="/quiz/"' in page
    home = as_user(student).get("/").content.decode()
    assert 'href="/me/" class="me">new_one' in home and "退出登录" not in home  # the name is not a sign-out button


def test_with_a_result_the_next_step_is_the_recommendations_then_the_plan_and_unread_notes_are_counted() -> None:
    attempt = saved_student("with_result")
    student: User = attempt.student
    Notification.objects.create(user=student, message="你的指导老师认可了某个专业。")
    client = as_user(student)
    page = client.get("/me/").content.decode()
    assert f"/quiz/history/{attempt.pk}/recommendations/" in page and "你的指导老师认可了某个专业。" in page
    assert '<span class="badge" aria-label="1 条未读通知">1</span>' in page
    plan_choose(student=student, program_id=Program.objects.published().first().pk)  # type: ignore[union-attr]
    assert "你的计划：" in client.get("/me/").content.decode()


def test_the_header_links_each_role_to_its_own_pages(curator_chen: User) -> None:
    """The student reaches their classes, the counselor their students, the school administrator the school; the
    curator none of these (staff have the admin)."""
    people = two_classes(curator_chen, "header")["users"]
    Notification.objects.bulk_create(Notification(user=people["owner"], message=f"第{n}条") for n in range(2))
    Notification.objects.create(user=people["owner"], message="读过了", read_at=timezone.now())
    links = {"classes": 'href="/me/classes/"', "students": 'href="/counsel/"', "school": 'href="/school/"'}
    shown = {
        persona: {name for name, link in links.items() if link in as_user(people[persona]).get("/").content.decode()}
        for persona in ("owner", "counselor", "school_admin", "curator")
    }
    assert shown == {"owner": {"classes"}, "counselor": {"students"}, "school_admin": {"school"}, "curator": set()}
    assert (
        '<span class="badge" aria-label="2 条未读通知">2</span>' in as_user(people["owner"]).get("/").content.decode()
    )
    assert 'aria-label="0 条未读通知"' not in as_user(people["counselor"]).get("/").content.decode()
