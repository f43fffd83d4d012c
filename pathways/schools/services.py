"""A school administrator's work: the school's classes, its counselor accounts and who teaches which class.

Everything is scoped to the administrator's own school through `access`; another school's class or counselor is
not found. No function here reads a student's answers or results: the overview counts students and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from pathways.models import CodePurpose, Cohort, SchoolStaff, StaffRole
from pathways.students import access
from pathways.students.codes import code_issue
from pathways.students.roles import (
    COUNSELOR_GROUP,
    CURATOR_GROUP,
    DATA_PROTECTION_GROUP,
    SCHOOL_ADMIN_GROUP,
    role_group,
)
from programs.models import Institution
from programs.web.inputs import line_ok


class SchoolRefused(ValueError):
    """The change cannot be made; the message says why."""


@dataclass(frozen=True)
class NewAccount:
    user: User
    code: str  # shown once to whoever made the account


def _school(admin: User) -> Institution:
    school = access.school_admin_school(admin)
    if school is None:
        raise Http404
    return school


def username_check(username: str) -> str:
    """The username as it will be stored, or SchoolRefused saying what is wrong with it."""
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise SchoolRefused(" ".join(exc.messages)) from None
    if not 3 <= len(username) <= 150:
        raise SchoolRefused(_("A username has 3 to 150 characters."))
    if User.objects.filter(username__iexact=username).exists():
        raise SchoolRefused(_("The username %(name)s is taken.") % {"name": username})
    return username


@transaction.atomic
def staff_account_create(
    *, school: Institution, username: str, role: str, display_name: str, created_by: User, email: str = ""
) -> NewAccount:
    """A counselor or school administrator account with no password, and the one-time code that sets it."""
    if role not in StaffRole.values:
        raise SchoolRefused(_("Unknown role."))
    if not line_ok(display_name) or len(display_name.strip()) > 64:
        raise SchoolRefused(_("The name shown to students has at most 64 characters on one line."))
    user = User(username=username_check(username), email=email.strip(), is_active=True)
    user.set_unusable_password()
    user.save()
    user.groups.add(role_group(COUNSELOR_GROUP if role == StaffRole.COUNSELOR else SCHOOL_ADMIN_GROUP))
    SchoolStaff.objects.create(
        user=user, school=school, role=role, display_name=display_name.strip(), created_by=created_by
    )
    return NewAccount(user=user, code=code_issue(user=user, purpose=CodePurpose.ACTIVATE, issued_by=created_by))


def counselor_create(*, admin: User, username: str, display_name: str, email: str = "") -> NewAccount:
    return staff_account_create(
        school=_school(admin),
        username=username,
        role=StaffRole.COUNSELOR,
        display_name=display_name,
        created_by=admin,
        email=email,
    )


def class_create(*, admin: User, name: str, academic_year: int) -> Cohort:
    school = _school(admin)
    name = name.strip()
    if not name or not line_ok(name) or len(name) > 64:
        raise SchoolRefused(_("A class name has 1 to 64 characters on one line."))
    if not 2000 <= academic_year <= 2100:
        raise SchoolRefused(_("The academic year is a year such as 2026."))
    try:
        with transaction.atomic():
            return Cohort.objects.create(school=school, name=name, academic_year=academic_year)
    except IntegrityError:
        raise SchoolRefused(_("The school already has a class of that name in that year.")) from None


def _counselor(admin: User, counselor_id: int) -> User:
    counselor = access.counselors_for_school_admin(admin=admin).filter(pk=counselor_id).first()
    if counselor is None:
        raise Http404
    return counselor


def _cohort(admin: User, cohort_id: int) -> Cohort:
    cohort = access.cohorts_for_school_admin(admin=admin).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


def class_counselor_set(*, admin: User, cohort_id: int, counselor_id: int, assigned: bool) -> Cohort:
    """Assign a counselor of the school to one of its classes, or take them off it."""
    cohort, counselor = _cohort(admin, cohort_id), _counselor(admin, counselor_id)
    if assigned:
        cohort.counselors.add(counselor)
    else:
        cohort.counselors.remove(counselor)
    return cohort


def counselor_code_issue(*, admin: User, counselor_id: int) -> NewAccount:
    """A one-time code for a counselor of the school who forgot the password (or never set one)."""
    counselor = _counselor(admin, counselor_id)
    purpose = CodePurpose.RESET if counselor.has_usable_password() else CodePurpose.ACTIVATE
    return NewAccount(user=counselor, code=code_issue(user=counselor, purpose=purpose, issued_by=admin))


def school_classes(*, admin: User) -> QuerySet[Cohort]:
    """The school's classes with how many students joined and the counselors assigned: counts, no student rows."""
    return (
        access.cohorts_for_school_admin(admin=admin)
        .annotate(students=Count("memberships", distinct=True))
        .prefetch_related("counselors")
        .order_by("-academic_year", "name")
    )


def school_counselors(*, admin: User) -> QuerySet[User]:
    return (
        access.counselors_for_school_admin(admin=admin)
        .select_related("school_staff")
        .annotate(classes=Count("cohorts_counseled", distinct=True))
        .order_by("username")
    )


ADMIN_ROLES = {"curator": CURATOR_GROUP, "data_protection": DATA_PROTECTION_GROUP}


@transaction.atomic
def admin_account_create(*, username: str, role: str, created_by: User) -> NewAccount:
    """A staff account for the admin (a catalog curator or the data-protection role), with no password and the
    one-time code that sets it. Neither role belongs to a school or sees the other's pages."""
    if role not in ADMIN_ROLES:
        raise SchoolRefused(_("Unknown role."))
    user = User(username=username_check(username), is_staff=True, is_active=True)
    user.set_unusable_password()
    user.save()
    user.groups.add(role_group(ADMIN_ROLES[role]))
    return NewAccount(user=user, code=code_issue(user=user, purpose=CodePurpose.ACTIVATE, issued_by=created_by))
