"""A class is joined only by the student: with the class join code, or by accepting a counselor's invitation.

`counselor_li` counsels 一班 (the roster below is hers); `student_wang` (16) and `student_xiao` (13, so her guardian
agrees too) have accounts but have never met her; `counselor_zhao`, `curator_chen` and a superuser are not students
and can never be placed in a class.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from pathways.counsel.classes import ClassRefused, Guardian, class_join
from pathways.models import AuditEntry, Cohort, CohortInvitation, CohortMembership, Notification
from programs.models import Institution
from tests.factories import as_user, counselor, student_account

pytestmark = pytest.mark.django_db
SAME_ANSWER = "已邀请；账号存在且可加入时学生会收到邀请"


@pytest.fixture
def roster_class(curator_chen: User) -> dict:
    school = Institution.objects.get(name="奉节职业教育中心")
    li, zhao = counselor("counselor_li"), counselor("counselor_zhao")
    one = Cohort.objects.create(school=school, name="一班", academic_year=2026)
    one.counselors.add(li)
    root = User.objects.create_superuser("root", password="pw")
    return {
        "li": li,
        "zhao": zhao,
        "one": one,
        "curator": curator_chen,
        "root": root,
        "wang": student_account("student_wang"),
        "xiao": student_account("student_xiao", age=13, guardian=True),
    }


def upload(client: Client, cohort: Cohort, text: str, encoding: str = "utf-8") -> str:
    roster = SimpleUploadedFile("class.csv", text.encode(encoding), content_type="text/csv")
    return client.post(f"/counsel/cohorts/{cohort.pk}/roster/", {"roster": roster}, follow=True).content.decode()


def test_a_roster_places_nobody_and_does_not_tell_which_usernames_exist(roster_class: dict) -> None:
    li, one, wang = roster_class["li"], roster_class["one"], roster_class["wang"]
    names = ["student_wang", "student_xiao", "counselor_zhao", "curator_chen", "root", "nobody"]
    page = upload(as_user(li), one, "username\n" + "\n".join(names) + "\n")
    assert page.count(SAME_ANSWER) == 6  # one answer for every row: existing, staff and unknown alike
    assert "没有名为" not in page and "已在其他班级" not in page
    assert not CohortMembership.objects.exists()
    # Until she accepts, the counselor sees nothing of her.
    assert as_user(li).get(f"/counsel/students/{wang.pk}/").status_code == 404
    assert "student_wang" not in as_user(li).get("/counsel/").content.decode()
    invited = set(CohortInvitation.objects.values_list("student__username", flat=True))
    assert invited == {"student_wang", "student_xiao"}  # never the counselor, the curator or the superuser
    assert set(AuditEntry.objects.filter(action="class_invite").values_list("student__username", flat=True)) == invited
    assert Notification.objects.filter(user=wang, message__contains="邀请").exists()


def test_a_roster_saved_by_excel_in_gbk_with_chinese_names_is_read(roster_class: dict) -> None:
    li, one = roster_class["li"], roster_class["one"]
    student_account("王小明")
    page = upload(as_user(li), one, "username\r\n王小明\r\n", encoding="gbk")
    assert page.count(SAME_ANSWER) == 1 and "王小明" in page
    assert set(CohortInvitation.objects.values_list("student__username", flat=True)) == {"王小明"}
    page = upload(as_user(li), one, "\ufeffusername\nstudent_wang\n")  # Excel's "CSV UTF-8", with its BOM
    assert CohortInvitation.objects.filter(student__username="student_wang").exists()


def test_the_class_page_offers_the_roster_template_and_it_reads_back(roster_class: dict) -> None:
    li, one = roster_class["li"], roster_class["one"]
    page = as_user(li).get(f"/counsel/cohorts/{one.pk}/").content.decode()
    link = re.search(r'href="([^"]*roster-template\.csv)" download', page)
    assert link is not None
    template = (Path(settings.BASE_DIR) / "static" / "templates" / "roster-template.csv").read_bytes()
    assert template.decode("utf-8-sig").strip() == "username"
    filled = template.decode("utf-8-sig") + "student_wang\r\n"
    assert upload(as_user(li), one, "\ufeff" + filled).count(SAME_ANSWER) == 1


def test_the_student_accepts_on_her_own_page_and_only_then_is_seen(roster_class: dict) -> None:
    li, one, wang = roster_class["li"], roster_class["one"], roster_class["wang"]
    upload(as_user(li), one, "username\nstudent_wang\n")
    invitation = CohortInvitation.objects.get(student=wang)
    mine = as_user(wang)
    page = mine.get("/me/classes/").content.decode()
    assert "counselor_li 邀请你加入一班" in page and "你没有加入任何班级" in page
    mine.post("/me/classes/", {"action": "accept", "invitation": invitation.pk})
    assert CohortMembership.objects.get(student=wang).cohort == one
    assert as_user(li).get(f"/counsel/students/{wang.pk}/").status_code == 200
    page = mine.get("/me/classes/").content.decode()
    assert "一班" in page and "counselor_li" in page and "退出这个班级" in page  # who can see her data
    assert AuditEntry.objects.filter(student=wang, action="class_join", actor_username="student_wang").exists()
    assert Notification.objects.filter(user=li, message="student_wang 加入了一班。").exists()


def test_declining_keeps_the_counselor_out(roster_class: dict) -> None:
    li, one, wang = roster_class["li"], roster_class["one"], roster_class["wang"]
    upload(as_user(li), one, "username\nstudent_wang\n")
    invitation = CohortInvitation.objects.get(student=wang)
    as_user(wang).post("/me/classes/", {"action": "decline", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.status == "declined" and not CohortMembership.objects.exists()
    assert AuditEntry.objects.filter(student=wang, action="class_decline").exists()
    # Another student cannot answer her invitation.
    other = student_account("student_lu")
    as_user(other).post("/me/classes/", {"action": "accept", "invitation": invitation.pk})
    assert not CohortMembership.objects.filter(student=other).exists()


def test_a_student_joins_with_the_code_and_leaves_and_the_counselor_is_told(roster_class: dict) -> None:
    li, one, wang = roster_class["li"], roster_class["one"], roster_class["wang"]
    mine = as_user(wang)
    wrong = mine.post("/me/classes/", {"action": "join", "code": "ZZZZZZZZ"}, follow=True).content.decode()
    assert "没有班级使用这个班级码" in wrong and not CohortMembership.objects.exists()
    typed = one.join_code[:4].lower() + " - " + one.join_code[4:]  # as people type it
    mine.post("/me/classes/", {"action": "join", "code": typed})
    assert CohortMembership.objects.get(student=wang).cohort == one
    mine.post("/me/classes/", {"action": "leave"})
    assert not CohortMembership.objects.exists()
    assert as_user(li).get(f"/counsel/students/{wang.pk}/").status_code == 404
    assert AuditEntry.objects.filter(student=wang, action="class_leave").exists()
    assert "student_wang 退出了一班。" in as_user(li).get("/counsel/").content.decode()


def test_under_14_a_guardian_agrees_to_joining(roster_class: dict) -> None:
    one, xiao = roster_class["one"], roster_class["xiao"]
    mine = as_user(xiao)
    assert "监护人也需同意" in mine.get("/me/classes/").content.decode()
    page = mine.post("/me/classes/", {"action": "join", "code": one.join_code}, follow=True).content.decode()
    assert "须经监护人同意" in page and not CohortMembership.objects.exists()
    mine.post(
        "/me/classes/",
        {
            "action": "join",
            "code": one.join_code,
            "guardian_name": "肖爸爸",
            "guardian_relation": "父亲",
            "guardian_agree": "on",
        },
    )
    membership = CohortMembership.objects.get(student=xiao)
    assert (membership.guardian_name, membership.guardian_relation) == ("肖爸爸", "父亲")


@pytest.mark.parametrize("who", ["li", "zhao", "curator", "root"])
def test_no_one_but_a_student_can_join(roster_class: dict, who: str) -> None:
    with pytest.raises(ClassRefused):
        class_join(student=roster_class[who], code=roster_class["one"].join_code, guardian=Guardian("某", "父亲"))
    assert not CohortMembership.objects.exists()


def test_a_new_code_stops_the_old_one(roster_class: dict) -> None:
    li, one = roster_class["li"], roster_class["one"]
    old = one.join_code
    as_user(li).post(f"/counsel/cohorts/{one.pk}/code/")
    one.refresh_from_db()
    assert one.join_code != old and one.join_code in as_user(li).get(f"/counsel/cohorts/{one.pk}/").content.decode()
    with pytest.raises(ClassRefused):
        class_join(student=roster_class["wang"], code=old)
    assert as_user(roster_class["zhao"]).post(f"/counsel/cohorts/{one.pk}/code/").status_code == 404


def test_the_api_lists_joins_answers_and_leaves(roster_class: dict) -> None:
    li, one, wang = roster_class["li"], roster_class["one"], roster_class["wang"]
    api = APIClient()
    api.force_login(wang)
    assert api.get("/api/v1/me/classes/").json() == {"membership": None, "invitations": []}
    refused = api.post("/api/v1/me/classes/", {"code": "NOPE1234"}, format="json")
    assert refused.status_code == 400 and "code" in refused.json()
    joined = api.post("/api/v1/me/classes/", {"code": one.join_code}, format="json")
    assert joined.status_code == 201 and joined.json()["membership"]["counselors"] == ["counselor_li"]
    assert api.delete("/api/v1/me/classes/").status_code == 204 and not CohortMembership.objects.exists()
    upload(as_user(li), one, "username\nstudent_wang\n")
    invitation = api.get("/api/v1/me/classes/").json()["invitations"][0]
    strange = APIClient()
    strange.force_login(student_account("student_lu"))
    assert (
        strange.post(f"/api/v1/me/invitations/{invitation['id']}/", {"answer": "accept"}, format="json").status_code
        == 404
    )
    answered = api.post(f"/api/v1/me/invitations/{invitation['id']}/", {"answer": "accept"}, format="json")
    assert answered.status_code == 200 and answered.json()["membership"]["name"] == "一班"
    assert api.post("/api/v1/me/classes/", {"code": one.join_code, "cohort": 9}, format="json").status_code == 400


def test_a_roster_that_cannot_be_read_changes_nothing(roster_class: dict) -> None:
    client = as_user(roster_class["li"])
    page = upload(client, roster_class["one"], "username\nstudent_wang\nstudent_wang\n" + "x" * 151 + "\n")
    assert "该用户名在文件中出现了两次" in page and "用户名须为 1 至 150 个字符" in page
    assert "未发出任何邀请" in page and not CohortInvitation.objects.exists()
    page = upload(client, roster_class["one"], 'username\n"' + "y" * 140_000 + '"\n')
    assert "无法读取该 CSV 文件" in page and not CohortInvitation.objects.exists()
