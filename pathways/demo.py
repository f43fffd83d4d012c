"""Demo logins for a development server: one student, one counselor, one catalog admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pathways.counsel.classes import class_join
from pathways.models import (
    Articulation,
    Cohort,
    CohortMembership,
    FormVersion,
    QuizItem,
    RouteKind,
    SkillCategory,
    SpecialtySkillCategory,
)
from pathways.students.consent import consent_record, consent_state
from programs.models import Institution

DEMO_PASSWORD = "zhitu-demo-2026"
CURATOR_GROUP = "catalog_curators"
# Curators keep the routes and the quiz's items true too; student data (attempts, consents) is not theirs.
CURATED_ROUTE_MODELS = [RouteKind, SkillCategory, SpecialtySkillCategory, Articulation, QuizItem, FormVersion]
# The audit of who touched student data names students: only the data-protection role reads it, never curators.
DATA_PROTECTION_GROUP = "data_protection"


def curator_group_ensure() -> Group:
    """The catalog curators' group: every permission on the catalog and route models and their history."""
    group, _ = Group.objects.get_or_create(name=CURATOR_GROUP)
    route_models = [m._meta.model_name for m in CURATED_ROUTE_MODELS]
    route_models += [f"historical{name}" for name in route_models]
    perms = Permission.objects.filter(
        Q(content_type__app_label="programs")
        | Q(content_type__app_label="pathways", content_type__model__in=route_models)
        | Q(content_type__app_label="recommender")  # specialty profiles and model versions: no student data
    )
    group.permissions.set(perms)
    return group


def data_protection_group_ensure() -> Group:
    """数据保护负责人: reads (and exports) the audit of who read or changed student data, and nothing else."""
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="pathways", codename="view_auditentry"))
    return group


@transaction.atomic
def demo_users_create() -> list[User]:
    curators = curator_group_ensure()
    specs = [
        ("demo_student", "student", False),
        ("demo_counselor", "counselor", False),
        ("demo_admin", CURATOR_GROUP, True),
        ("demo_privacy", DATA_PROTECTION_GROUP, True),
    ]
    users = []
    for username, group_name, is_staff in specs:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        group = {CURATOR_GROUP: curators, DATA_PROTECTION_GROUP: data_protection_group_ensure()}.get(group_name)
        group = group or Group.objects.get_or_create(name=group_name)[0]
        user.groups.add(group)
        users.append(user)
    student, counselor = users[0], users[1]
    school = Institution.objects.filter(name="奉节职业教育中心").first()
    if school is not None:
        # A demo class: demo_counselor looks after demo_student and nobody else.
        cohort, _created = Cohort.objects.get_or_create(
            school=school, name="示例班级（示例）", academic_year=timezone.localdate().year
        )
        cohort.counselors.add(counselor)
    if not consent_state(user=student).may_store:
        # A demo student aged 17, who has agreed to the privacy notice, so saving results can be tried.
        consent_record(user=student, birth_year=timezone.localdate().year - 17, birth_month=1)
    if school is not None and not CohortMembership.objects.filter(student=student).exists():
        # The demo student joined the demo class with its code, as any student does.
        class_join(student=student, code=cohort.join_code or "")
    return users
