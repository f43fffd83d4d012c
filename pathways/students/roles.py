"""The roles and what each may do, made the same way on every installation: after every `migrate` (the
`post_migrate` hook in `pathways.apps`) and by `manage.py setup_roles`. Idempotent: a role's permissions are set to
exactly its list each time, so a permission granted by hand to a role's group does not linger.

- student: no admin permissions; everything is their own rows (`access`).
- counselor: no admin permissions; the students of the classes they are assigned (`access`).
- school_admin (学校管理员): no admin permissions; their own school's classes, counselors and programs, through the
  school pages; never a student's answers or results.
- catalog_curators: the catalog, routes, quiz items and model versions in the admin; no student data, no audit.
- data_protection (数据保护负责人): reads the audit of student data and of one-time codes; nothing else.
"""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STUDENT_GROUP = "student"
COUNSELOR_GROUP = "counselor"
SCHOOL_ADMIN_GROUP = "school_admin"
CURATOR_GROUP = "catalog_curators"
DATA_PROTECTION_GROUP = "data_protection"
ROLES = (STUDENT_GROUP, COUNSELOR_GROUP, SCHOOL_ADMIN_GROUP, CURATOR_GROUP, DATA_PROTECTION_GROUP)

# Curators keep the routes and the quiz's items true too; student data (attempts, consents) is not theirs.
CURATED_ROUTE_MODELS = [
    "routekind",
    "skillcategory",
    "specialtyskillcategory",
    "articulation",
    "quizitem",
    "formversion",
]


def _curator_permissions() -> Q:
    route_models = CURATED_ROUTE_MODELS + [f"historical{name}" for name in CURATED_ROUTE_MODELS]
    return (
        Q(content_type__app_label="programs")
        | Q(content_type__app_label="pathways", content_type__model__in=route_models)
        | Q(content_type__app_label="recommender")  # specialty profiles and model versions: no student data
        | Q(content_type__app_label="pathways", codename="view_recomputerun")  # the progress of a version's recompute
    )


def _data_protection_permissions() -> Q:
    return Q(content_type__app_label="pathways", codename__in=["view_auditentry", "view_accountcode"])


def roles_ensure() -> dict[str, Group]:
    """Every role's group with exactly its permissions."""
    for config in django_apps.get_app_configs():
        create_permissions(config, verbosity=0)  # the permissions exist before they are granted, in any app order
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[CURATOR_GROUP].permissions.set(Permission.objects.filter(_curator_permissions()))
    groups[DATA_PROTECTION_GROUP].permissions.set(Permission.objects.filter(_data_protection_permissions()))
    for name in (STUDENT_GROUP, COUNSELOR_GROUP, SCHOOL_ADMIN_GROUP):
        groups[name].permissions.clear()
    return groups


def roles_after_migrate(sender: object, **kwargs: object) -> None:
    """post_migrate: once per `migrate`, when the last app's signal comes (every table exists by then)."""
    configs = list(django_apps.get_app_configs())
    if sender is configs[-1] and kwargs.get("using", "default") == "default":
        roles_ensure()


def role_group(name: str) -> Group:
    """One role's group, with every role made as above."""
    return roles_ensure()[name]
