"""From a superuser to a student back in after a forgotten password: the roles, the school administrator's page,
one-time codes, and who may see what (issue 16)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from pathways.models import AccountCode, AuditEntry, Cohort, QuizAttempt, SchoolStaff, StaffRole
from pathways.schools.services import staff_account_create
from pathways.students.codes import code_issue
from pathways.students.roles import (
    COUNSELOR_GROUP,
    CURATOR_GROUP,
    DATA_PROTECTION_GROUP,
    SCHOOL_ADMIN_GROUP,
    STUDENT_GROUP,
    role_group,
)
from programs.models import Institution, Program
from tests.factories import InstitutionFactory, student_in

pytestmark = pytest.mark.django_db
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
NEW_PASSWORD = "Chongqing-2026-xyz"


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", password="pw-root-2026")


def school_admin(root: User, school: Institution, username: str = "xiao_admin") -> tuple[User, str]:
    made = staff_account_create(
        school=school, username=username, role=StaffRole.SCHOOL_ADMIN, display_name="", created_by=root
    )
    return made.user, made.code


def password_is(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def redeem(username: str, code: str, password: str = NEW_PASSWORD) -> Client:
    client = Client()
    data = {"username": username, "code": code, "password": password, "password_again": password}
    client.post(reverse("pathways:account_code"), data)
    return client


def test_migrate_made_every_role_and_setup_roles_puts_back_exactly_their_permissions() -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert {STUDENT_GROUP, COUNSELOR_GROUP, SCHOOL_ADMIN_GROUP, CURATOR_GROUP, DATA_PROTECTION_GROUP} <= names
    counselors = Group.objects.get(name=COUNSELOR_GROUP)
    counselors.permissions.add(Permission.objects.get(codename="view_auditentry"))
    call_command("setup_roles", stdout=io.StringIO())
    assert not counselors.permissions.exists()
    curators = set(Group.objects.get(name=CURATOR_GROUP).permissions.values_list("codename", flat=True))
    assert "change_program" in curators and "view_auditentry" not in curators and "view_accountcode" not in curators
    officer = set(Group.objects.get(name=DATA_PROTECTION_GROUP).permissions.values_list("codename", flat=True))
    assert officer == {"view_auditentry", "view_accountcode"}


def test_a_superuser_makes_a_school_administrator_in_the_admin_and_never_types_their_password(root: User) -> None:
    school = Institution.objects.get(name="奉节职业教育中心")
    response = signed_in(root).post(
        reverse("admin:pathways_schoolstaff_add"),
        {"username": "fengjie_admin", "school": school.pk, "display_name": "李主任"},
        follow=True,
    )
    assert response.status_code == 200
    code = CODE.search(response.content.decode()).group(0)  # type: ignore[union-attr]
    admin = User.objects.get(username="fengjie_admin")
    assert not admin.has_usable_password() and admin.groups.filter(name=SCHOOL_ADMIN_GROUP).exists()
    assert admin.school_staff.school == school and admin.school_staff.role == StaffRole.SCHOOL_ADMIN
    assert AccountCode.objects.get(user=admin).code_hash != code.replace("-", "")  # kept only as a keyed hash
    redeem("fengjie_admin", code)
    assert password_is("fengjie_admin", NEW_PASSWORD)


def test_create_staff_account_prints_a_code_for_each_role_and_refuses_an_unknown_school(root: User) -> None:
    out = io.StringIO()
    call_command(
        "create_staff_account",
        "--role",
        "school_admin",
        "--school",
        "奉节职业教育中心",
        "--username",
        "cmd_admin",
        "--by",
        "root",
        stdout=out,
    )
    assert CODE.search(out.getvalue()) and SchoolStaff.objects.filter(user__username="cmd_admin").exists()
    call_command("create_staff_account", "--role", "curator", "--username", "cmd_curator", "--by", "root", stdout=out)
    curator = User.objects.get(username="cmd_curator")
    assert curator.is_staff and curator.groups.filter(name=CURATOR_GROUP).exists() and not curator.has_usable_password()
    with pytest.raises(CommandError, match="No institution"):
        call_command(
            "create_staff_account",
            "--role",
            "school_admin",
            "--school",
            "没有这所学校",
            "--username",
            "x_admin",
            "--by",
            "root",
        )
    with pytest.raises(CommandError, match="not a superuser"):
        call_command("create_staff_account", "--role", "curator", "--username", "y_curator", "--by", "cmd_admin")


def test_the_school_administrator_makes_a_class_and_a_counselor_who_sets_a_password_and_teaches_it(root: User) -> None:
    school = Institution.objects.get(name="奉节职业教育中心")
    admin, _code = school_admin(root, school)
    page = signed_in(admin)
    response = page.post(
        reverse("pathways:school_home"), {"action": "class", "name": "2026级 汽修1班", "academic_year": 2026}
    )
    cohort = Cohort.objects.get(school=school, name="2026级 汽修1班")
    response = page.post(
        reverse("pathways:school_home"), {"action": "counselor", "username": "wang_laoshi", "display_name": "王老师"}
    )
    code = CODE.search(response.content.decode()).group(0)  # type: ignore[union-attr]
    counselor = User.objects.get(username="wang_laoshi")
    assert counselor.groups.filter(name=COUNSELOR_GROUP).exists() and not counselor.has_usable_password()
    page.post(reverse("pathways:school_home"), {"action": "assign", "cohort": cohort.pk, "counselor": counselor.pk})
    assert list(cohort.counselors.all()) == [counselor]
    redeem("wang_laoshi", code)
    assert password_is("wang_laoshi", NEW_PASSWORD)
    teacher = signed_in(User.objects.get(pk=counselor.pk))
    assert cohort.join_code in teacher.get(reverse("pathways:cohort_analytics", args=[cohort.pk])).content.decode()
    shown = page.get(reverse("pathways:school_home")).content.decode()
    assert "wang_laoshi" in shown and cohort.join_code in shown
    response = page.post(
        reverse("pathways:school_home"), {"action": "class", "name": "2026级 汽修1班", "academic_year": 2026}
    )
    assert "already has a class" in response.content.decode() or "已有" in response.content.decode()


def test_a_code_works_once_for_a_day_and_stops_after_five_wrong_tries(root: User) -> None:
    admin, code = school_admin(root, Institution.objects.get(name="奉节职业教育中心"))
    for _try in range(5):
        response = Client().post(
            reverse("pathways:account_code"),
            {
                "username": admin.username,
                "code": "AAAA-BBBB-CCCC",
                "password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
            },
        )
        assert response.status_code == 200 and not User.objects.get(pk=admin.pk).has_usable_password()
    redeem(admin.username, code)  # the right code, too late
    assert not User.objects.get(pk=admin.pk).has_usable_password()

    fresh = code_issue(user=admin, purpose="reset", issued_by=root)
    AccountCode.objects.filter(user=admin, used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    redeem(admin.username, fresh)
    assert not User.objects.get(pk=admin.pk).has_usable_password()

    good = code_issue(user=admin, purpose="reset", issued_by=root)
    redeem(admin.username, good.lower())  # typed in lower case: still the code
    assert password_is(admin.username, NEW_PASSWORD)
    redeem(admin.username, good, "Another-pass-2026")
    assert not password_is(admin.username, "Another-pass-2026")


def test_a_weak_or_mistyped_new_password_keeps_the_code(root: User) -> None:
    admin, code = school_admin(root, Institution.objects.get(name="奉节职业教育中心"))
    response = Client().post(
        reverse("pathways:account_code"),
        {"username": admin.username, "code": code, "password": "123", "password_again": "123"},
    )
    assert response.status_code == 200 and AccountCode.objects.get(user=admin).used_at is None
    redeem(admin.username, code)
    assert password_is(admin.username, NEW_PASSWORD)


def test_a_counselor_issues_an_audited_code_to_their_own_student_only(two_schools: dict) -> None:
    a, b = two_schools["a"], two_schools["b"]
    response = signed_in(a["counselor"]).post(reverse("pathways:student_code_issue", args=[a["student"].pk]))
    code = CODE.search(response.content.decode()).group(0)  # type: ignore[union-attr]
    assert AuditEntry.objects.filter(student=a["student"], action="reset_code_issued", actor=a["counselor"]).exists()
    assert (
        signed_in(a["counselor"]).post(reverse("pathways:student_code_issue", args=[b["student"].pk])).status_code
        == 404
    )
    assert signed_in(a["admin"]).post(reverse("pathways:student_code_issue", args=[a["student"].pk])).status_code == 404
    redeem(a["student"].username, code)
    assert password_is(a["student"].username, NEW_PASSWORD)


@pytest.fixture
def two_schools(root: User) -> dict:
    """School A and school B, each with an administrator, a counselor teaching one class and a student in it."""
    people = {}
    for key, school in (
        ("a", Institution.objects.get(name="奉节职业教育中心")),
        ("b", InstitutionFactory(name="乙校")),
    ):
        admin, _code = school_admin(root, school, f"{key}_admin")
        counselor = staff_account_create(
            school=school, username=f"{key}_teacher", role=StaffRole.COUNSELOR, display_name="", created_by=admin
        ).user
        cohort = Cohort.objects.create(school=school, name=f"{key} 一班", academic_year=2026)
        cohort.counselors.add(counselor)
        attempt = student_in(cohort, f"{key}_student")
        people[key] = {"admin": admin, "counselor": counselor, "cohort": cohort, "student": attempt.student}
    return people


def test_a_school_administrator_sees_counts_but_no_student_answers(two_schools: dict) -> None:
    a = two_schools["a"]
    page = signed_in(a["admin"])
    shown = page.get(reverse("pathways:school_home")).content.decode()
    assert a["student"].username not in shown
    assert f"{a['cohort'].join_code}</code> · 1 名学生已加入" in shown  # one student joined
    attempt = QuizAttempt.objects.get(student=a["student"])
    for url in (
        reverse("pathways:counsel_review", args=[a["student"].pk]),
        reverse("pathways:cohort_analytics", args=[a["cohort"].pk]),
        reverse("pathways:counsel_dashboard"),
        f"/api/v1/counsel/students/{a['student'].pk}/review/",
        f"/api/v1/counsel/cohorts/{a['cohort'].pk}/analytics/",
        f"/api/v1/quiz/attempts/{attempt.pk}/",
    ):
        assert page.get(url).status_code in (403, 404), url
    listing = page.get("/api/v1/counsel/students/")
    assert listing.status_code in (403, 404) or a["student"].username not in listing.content.decode()
    assert page.get(reverse("admin:index")).status_code == 302  # not staff: the admin's sign-in page


def test_a_school_cannot_reach_another_schools_classes_or_counselors(two_schools: dict) -> None:
    a, b = two_schools["a"], two_schools["b"]
    page = signed_in(a["admin"])
    for data in (
        {"action": "assign", "cohort": b["cohort"].pk, "counselor": a["counselor"].pk},
        {"action": "assign", "cohort": a["cohort"].pk, "counselor": b["counselor"].pk},
        {"action": "code", "counselor": b["counselor"].pk},
    ):
        assert page.post(reverse("pathways:school_home"), data).status_code == 404
    assert list(b["cohort"].counselors.all()) == [b["counselor"]]
    assert b["cohort"].join_code not in page.get(reverse("pathways:school_home")).content.decode()
    teacher = signed_in(a["counselor"])
    assert teacher.get(reverse("pathways:cohort_analytics", args=[b["cohort"].pk])).status_code == 404
    assert teacher.get(reverse("pathways:counsel_review", args=[b["student"].pk])).status_code == 404
    assert signed_in(a["counselor"]).get(reverse("pathways:school_home")).status_code == 404


def test_a_curator_sees_neither_the_audit_nor_the_codes_and_the_officer_sees_both(
    curator_chen: User, root: User
) -> None:
    school_admin(root, Institution.objects.get(name="奉节职业教育中心"))
    curator = signed_in(curator_chen)
    for name in ("admin:pathways_auditentry_changelist", "admin:pathways_accountcode_changelist"):
        assert curator.get(reverse(name)).status_code == 403
    officer = User.objects.create_user("officer", password="pw", is_staff=True)
    officer.groups.add(role_group(DATA_PROTECTION_GROUP))
    listing = signed_in(officer).get(reverse("admin:pathways_accountcode_changelist"))
    assert listing.status_code == 200 and "xiao_admin" in listing.content.decode()
    assert signed_in(officer).get(reverse("admin:pathways_schoolstaff_changelist")).status_code == 403


def test_a_signed_in_person_changes_their_own_password(two_schools: dict) -> None:
    student = two_schools["a"]["student"]
    student.set_password("old-pass-2026-x")
    student.save()
    client = signed_in(student)
    response = client.post(
        reverse("pathways:password_change"),
        {"old_password": "old-pass-2026-x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert password_is(student.username, NEW_PASSWORD)
    assert Client().get(reverse("pathways:password_change")).status_code == 302  # signed out: to the sign-in page


@override_settings(DEMO_USERS_ALLOWED=False)
def test_production_writes_no_sample_data_unless_asked_and_load_demo_stops_before_writing() -> None:
    before = (Program.objects.count(), Institution.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("load_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="i-know-this-is-sample"):
        call_command("load_demo", "--no-users", stdout=io.StringIO())
    for command in ("load_sample_data", "load_sample_articulations"):
        with pytest.raises(CommandError, match="i-know-this-is-sample"):
            call_command(command, stdout=io.StringIO())
    assert (Program.objects.count(), Institution.objects.count(), User.objects.count()) == before
    call_command("load_sample_data", "--i-know-this-is-sample", stdout=io.StringIO())  # asked for: idempotent
    assert Program.objects.count() == before[0]


def test_clearsessions_runs_on_the_beat_schedule() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pathways.tasks.clear_expired_sessions" in tasks
    from pathways.tasks import clear_expired_sessions

    clear_expired_sessions.run()  # runs Django's clearsessions without error


@override_settings(PASSWORD_RESET_BY_EMAIL=False)
def test_email_reset_is_off_without_a_mail_server() -> None:
    assert Client().get(reverse("pathways:email_reset")).status_code == 404
    assert "pathways/password/email" not in Client().get(reverse("login")).content.decode()


def test_where_email_is_configured_a_counselor_with_an_address_resets_by_email(root: User) -> None:
    from django.core import mail

    school = Institution.objects.get(name="奉节职业教育中心")
    admin, _code = school_admin(root, school)
    signed_in(admin).post(
        reverse("pathways:school_home"),
        {"action": "counselor", "username": "mail_teacher", "display_name": "", "email": "t@school.example.cn"},
    )
    teacher = User.objects.get(username="mail_teacher")
    teacher.set_password("forgotten-2026-pass")  # set once with the code, then forgotten
    teacher.save()
    assert 'href="/accounts/password/email/"' in Client().get(reverse("login")).content.decode()
    Client().post(reverse("pathways:email_reset"), {"email": "t@school.example.cn"})
    assert len(mail.outbox) == 1 and "mail_teacher" in mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/password/email/\S+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    client = Client()
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert password_is("mail_teacher", NEW_PASSWORD)
