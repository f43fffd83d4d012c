"""Demo logins for a development server: one student, one counselor, one catalog admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pathways.consent import consent_record, consent_state
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
from programs.models import Institution

DEMO_PASSWORD = "zhitu-demo-2026"
CURATOR_GROUP = "catalog_curators"
# Curators keep the routes and the quiz's items true too; student data (attempts, consents) is not theirs.
CURATED_ROUTE_MODELS = [RouteKind, SkillCategory, SpecialtySkillCategory, Articulation, QuizItem, FormVersion]
# ...and may read (and export) the audit of who touched student data, never the data itself.


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
    audit = Permission.objects.filter(content_type__app_label="pathways", codename="view_auditentry")
    group.permissions.set(list(perms) + list(audit))
    return group


@transaction.atomic
def demo_users_create() -> list[User]:
    curators = curator_group_ensure()
    specs = [
        ("demo_student", "student", False),
        ("demo_counselor", "counselor", False),
        ("demo_admin", CURATOR_GROUP, True),
    ]
    users = []
    for username, group_name, is_staff in specs:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        group = curators if group_name == CURATOR_GROUP else Group.objects.get_or_create(name=group_name)[0]
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
        CohortMembership.objects.get_or_create(student=student, defaults={"cohort": cohort})
    if not consent_state(user=student).may_store:
        # A demo student aged 17, who has agreed to the privacy notice, so saving results can be tried.
        consent_record(user=student, birth_year=timezone.localdate().year - 17, birth_month=1)
    return users
