"""The consent rule has one definition in Python (`consent_state`) and one as a query condition for the city
recompute (`may_store_condition`): they agree on every case, on the same day."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pathways.models import Consent, ConsentKind, StudentProfile
from pathways.students.consent import NOTICE_VERSION, consent_state, may_store_condition

pytestmark = pytest.mark.django_db


def births() -> dict[str, tuple[int, int] | None]:
    """No profile; 13; 14 from this month; 14 next month (13 today); 14 last month; 16."""
    today = timezone.localdate()
    year, month = today.year - 14, today.month
    return {
        "none": None,
        "13": (today.year - 13, 1),
        "14 this month": (year, month),
        "14 next month": (year, min(month + 1, 12)) if month < 12 else (year + 1, 1),
        "14 last month": (year, max(month - 1, 1)),
        "16": (today.year - 16, 6),
    }


CONSENTS = {
    "none": [],
    "student": [ConsentKind.STUDENT],
    "guardian only": [ConsentKind.GUARDIAN],
    "both": [ConsentKind.STUDENT, ConsentKind.GUARDIAN],
    "old notice": ["old"],
}


def test_the_python_rule_and_the_query_agree_on_every_case() -> None:
    cases = list(itertools.product(births().items(), CONSENTS.items()))
    users = []
    for n, ((born_label, born), (consent_label, kinds)) in enumerate(cases):
        user = User.objects.create_user(f"rule_{n}", password="pw")
        if born is not None:
            StudentProfile.objects.create(user=user, birth_year=born[0], birth_month=born[1])
        for kind in kinds:
            notice, kind = ("2000-01", ConsentKind.STUDENT) if kind == "old" else (NOTICE_VERSION, kind)
            names = {"guardian_name": "王妈妈", "guardian_relation": "母亲"} if kind == ConsentKind.GUARDIAN else {}
            Consent.objects.create(user=user, kind=kind, notice_version=notice, **names)
        users.append((user, f"{born_label} / {consent_label}"))
    condition = may_store_condition(user_id="pk", profile="student_profile__", today=timezone.localdate())
    by_query = set(User.objects.filter(condition).values_list("pk", flat=True))
    disagree = [label for user, label in users if consent_state(user=user).may_store != (user.pk in by_query)]
    assert disagree == []
    assert 0 < len(by_query) < len(users)  # both answers occur: the test can tell them apart
