"""Demo logins for a development server: a student, a counselor, a catalog curator, the data-protection officer and
the school administrator of the demo class's school."""

from __future__ import annotations

import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pathways.counsel.classes import class_join
from pathways.matching.feedback import feedback_record
from pathways.matching.recommendations import recommendation_store
from pathways.models import (
    Cohort,
    CohortMembership,
    FormVersion,
    Notification,
    QuizAttempt,
    SchoolStaff,
    StaffRole,
    Stage,
    StudentProfile,
)
from pathways.plans.services import plan_choose
from pathways.quiz.services import answers_check, quiz_attempt_save
from pathways.students.consent import consent_record, consent_state
from pathways.students.roles import (
    COUNSELOR_GROUP,
    CURATOR_GROUP,
    DATA_PROTECTION_GROUP,
    SCHOOL_ADMIN_GROUP,
    STUDENT_GROUP,
    role_group,
    roles_ensure,
)
from programs.models import Institution, Program

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
    if school is not None:
        demo_class_load(cohort=cohort)
    return users


SAMPLE_STUDENTS = 40
SAMPLE_NAME = "示例学生{n:02d}"
# Where the demo class's sample students live: mostly the school's own county, some from its neighbours.
SAMPLE_DISTRICTS = ["奉节县"] * 6 + ["云阳县", "巫山县", "巫溪县", "万州区"]
SAMPLE_REASONS = {
    "save": ["离家近", "喜欢动手", "以后好就业", ""],
    "dismiss": ["学费太高", "不喜欢这个方向", "太远了", ""],
}


def demo_class_load(*, cohort: Cohort) -> int:
    """About forty labelled sample students (示例学生01…, `StudentProfile.is_sample`) in the demo class, so that the
    counselor's dashboard, the spread of interests and the places alert look like a real class: seeded, varied
    interests (two of them flat), stages and districts; each saved a quick quiz and joined with the class code, and
    some saved or dismissed suggestions or chose a plan. They have no password: nobody signs in as them. Idempotent."""
    rng = random.Random(2026)
    form = FormVersion.objects.get(kind="quick", is_current=True)
    items = list(form.items.all())
    group = role_group(STUDENT_GROUP)
    made = 0
    for n in range(1, SAMPLE_STUDENTS + 1):
        leading = rng.sample("RIASEC", 2)
        stage = Stage.SECONDARY if rng.random() < 0.2 else Stage.JUNIOR
        district = rng.choice(SAMPLE_DISTRICTS)
        age, month = rng.choice([14, 15, 15, 16, 16, 17]), rng.randint(1, 12)
        values = [_sample_answer(rng, item.area, leading, flat=n in (7, 23)) for item in items]
        user, created = User.objects.get_or_create(username=SAMPLE_NAME.format(n=n))
        if not created:
            continue
        user.set_unusable_password()
        user.save()
        user.groups.add(group)
        consent_record(user=user, birth_year=timezone.localdate().year - age, birth_month=month)
        StudentProfile.objects.filter(user=user).update(is_sample=True, stage=stage, district=district)
        class_join(student=user, code=cohort.join_code or "")
        sheet = answers_check(
            kind=form.kind,
            version_number=form.number,
            answers=[(i.item_id, v) for i, v in zip(items, values, strict=True)],
        )
        attempt = quiz_attempt_save(student=user, sheet=sheet)
        stored = recommendation_store(attempt=attempt, stage=stage, district=district)
        _sample_choices(rng, user, attempt, [p["program"] for p in stored.programs])
        made += 1
    # The joins told the class's counselors forty times; for sample students that news is not news.
    Notification.objects.filter(user__in=cohort.counselors.all(), message__startswith="示例学生").update(
        read_at=timezone.now()
    )
    return made


def _sample_answer(rng: random.Random, area: str, leading: list[str], *, flat: bool) -> int:
    if flat:
        return 3
    if area == leading[0]:
        return rng.choice([4, 5, 5])
    if area == leading[1]:
        return rng.choice([3, 4, 5])
    return rng.choice([1, 2, 2, 3])


def _sample_choices(rng: random.Random, user: User, attempt: QuizAttempt, programs: list[int]) -> None:
    """Some sample students save or dismiss a suggestion (with or without a reason) and a few choose a plan."""
    if not programs:
        return
    for kind, chance, pick in (("save", 0.5, programs[0]), ("dismiss", 0.3, programs[-1])):
        if rng.random() < chance:
            program = Program.objects.get(pk=pick)
            feedback_record(
                actor=user, attempt=attempt, program=program, kind=kind, reason=rng.choice(SAMPLE_REASONS[kind])
            )
    if rng.random() < 0.25:
        plan_choose(student=user, program_id=programs[0])
