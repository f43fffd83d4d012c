"""Student accounts and consent (PIPL): what must be on record before anything about a student is stored.

A student agrees to the privacy notice. A student under 14 also needs a guardian's consent: the guardian
confirms, on the same screen, with their name and relation (no SMS or ID check is possible on a closed school
network; the record says who agreed and when). Only the month of birth is kept, to know which rule applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import Consent, ConsentKind, StudentProfile
from pathways.students.roles import STUDENT_GROUP

NOTICE_VERSION = "2026-11"
GUARDIAN_AGE = 14


@dataclass(frozen=True)
class ConsentState:
    has_profile: bool
    student: bool
    guardian_needed: bool
    guardian: bool

    @property
    def may_store(self) -> bool:
        return self.has_profile and self.student and (self.guardian or not self.guardian_needed)


def consent_state(*, user: User | AnonymousUser) -> ConsentState:
    if not getattr(user, "is_authenticated", False):
        return ConsentState(False, False, False, False)
    profile = StudentProfile.objects.filter(user_id=user.pk or 0).first()
    kinds = set(
        Consent.objects.filter(user_id=user.pk or 0, notice_version=NOTICE_VERSION).values_list("kind", flat=True)
    )
    under_age = profile is not None and profile.age_on(timezone.localdate()) < GUARDIAN_AGE
    return ConsentState(profile is not None, ConsentKind.STUDENT in kinds, under_age, ConsentKind.GUARDIAN in kinds)


OLDEST = 80  # years: a birth date further back is a typing mistake, not a student


def birth_problem(*, birth_year: int, birth_month: int) -> str | None:
    """Why a month of birth cannot be a student's (in the future, or over 80 years ago), or None."""
    today = timezone.localdate()
    if not 1 <= birth_month <= 12:
        return _("The month of birth runs from 1 to 12.")
    if (birth_year, birth_month) > (today.year, today.month):
        return _("The month of birth cannot be in the future.")
    if birth_year < max(1950, today.year - OLDEST):  # 1950: the database's own lower bound
        return _("Check the year of birth: it is more than %(n)s years ago.") % {"n": OLDEST}
    return None


def may_store_condition(*, user_id: str, profile: str, today: date) -> Q:
    """`consent_state(...).may_store` as a query condition, for the city recompute's one query: a profile, the
    student's consent to the current notice, and a guardian's unless 14 or older on `today` (the birthday counted
    from the first of the birth month, as `StudentProfile.age_on`). `user_id` reaches the user's id from the model
    queried ("pk" on User, "student_id" on QuizAttempt), `profile` its StudentProfile ("student_profile__", …).
    tests/pathways/students/test_consent_rule.py checks that the two agree on every case."""
    consents = Consent.objects.filter(user_id=OuterRef(user_id), notice_version=NOTICE_VERSION)
    year = today.year - GUARDIAN_AGE
    old_enough = Q(**{f"{profile}birth_year__lt": year}) | Q(
        **{f"{profile}birth_year": year, f"{profile}birth_month__lte": today.month}
    )
    has_profile = Q(**{f"{profile.removesuffix('__')}__isnull": False})
    student = Exists(consents.filter(kind=ConsentKind.STUDENT))
    return has_profile & student & (Exists(consents.filter(kind=ConsentKind.GUARDIAN)) | old_enough)


def is_under_guardian_age(*, birth_year: int, birth_month: int) -> bool:
    return StudentProfile(birth_year=birth_year, birth_month=birth_month).age_on(timezone.localdate()) < GUARDIAN_AGE


@transaction.atomic
def consent_record(
    *, user: User, birth_year: int, birth_month: int, guardian_name: str = "", guardian_relation: str = ""
) -> ConsentState:
    """Record the student's consent, and the guardian's when one is named. Under 14 without a guardian, or a month
    of birth that cannot be a student's: refused."""
    problem = birth_problem(birth_year=birth_year, birth_month=birth_month)
    if problem:
        raise ValueError(problem)
    if is_under_guardian_age(birth_year=birth_year, birth_month=birth_month) and not (
        guardian_name.strip() and guardian_relation.strip()
    ):
        raise PermissionError("A guardian must agree for a student under 14.")
    StudentProfile.objects.update_or_create(user=user, defaults={"birth_year": birth_year, "birth_month": birth_month})
    Consent.objects.create(user=user, kind=ConsentKind.STUDENT, notice_version=NOTICE_VERSION)
    if guardian_name.strip():
        Consent.objects.create(
            user=user,
            kind=ConsentKind.GUARDIAN,
            notice_version=NOTICE_VERSION,
            guardian_name=guardian_name.strip(),
            guardian_relation=guardian_relation.strip(),
        )
    return consent_state(user=user)


@transaction.atomic
def student_register(
    *,
    username: str,
    password: str,
    birth_year: int,
    birth_month: int,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> User:
    """A student account with its consents, in one transaction: no account is left without them."""
    user = User.objects.create_user(username=username, password=password)
    user.groups.add(Group.objects.get_or_create(name=STUDENT_GROUP)[0])
    consent_record(
        user=user,
        birth_year=birth_year,
        birth_month=birth_month,
        guardian_name=guardian_name,
        guardian_relation=guardian_relation,
    )
    return user
