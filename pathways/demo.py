"""Demo logins for a development server: a student, a counselor, a catalog curator, the data-protection officer and
the school administrator of the demo class's school."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pathways.counsel.classes import class_join
from pathways.models import Cohort, CohortMembership, SchoolStaff, StaffRole
from pathways.students.consent import consent_record, consent_state
from pathways.students.roles import (
    COUNSELOR_GROUP,
    CURATOR_GROUP,
    DATA_PROTECTION_GROUP,
    SCHOOL_ADMIN_GROUP,
    STUDENT_GROUP,
    roles_ensure,
)
from programs.models import Institution

DEMO_PASSWORD = "zhitu-demo-2026"


@transaction.atomic
def demo_users_create() -> list[User]:
    groups = roles_ensure()
    specs = [
        ("demo_student", STUDENT_GROUP, False),
        ("demo_counselor", COUNSELOR_GROUP, False),
        ("demo_admin", CURATOR_GROUP, True),
        ("demo_privacy", DATA_PROTECTION_GROUP, True),
        ("demo_school", SCHOOL_ADMIN_GROUP, False),
    ]
    users = []
    for username, group_name, is_staff in specs:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(groups[group_name])
        users.append(user)
    student, counselor = users[0], users[1]
    school = Institution.objects.filter(name="奉节职业教育中心").first()
    if school is not None:
        # A demo class: demo_counselor looks after demo_student and nobody else.
        cohort, _created = Cohort.objects.get_or_create(
            school=school, name="示例班级（示例）", academic_year=timezone.localdate().year
        )
        cohort.counselors.add(counselor)
        # demo_school runs the school: its classes and counselors (demo_counselor among them), no student data.
        SchoolStaff.objects.get_or_create(user=users[4], defaults={"school": school, "role": StaffRole.SCHOOL_ADMIN})
        SchoolStaff.objects.get_or_create(user=counselor, defaults={"school": school, "role": StaffRole.COUNSELOR})
    if not consent_state(user=student).may_store:
        # A demo student aged 17, who has agreed to the privacy notice, so saving results can be tried.
        consent_record(user=student, birth_year=timezone.localdate().year - 17, birth_month=1)
    if school is not None and not CohortMembership.objects.filter(student=student).exists():
        # The demo student joined the demo class with its code, as any student does.
        class_join(student=student, code=cohort.join_code or "")
    return users
