"""Shared fixtures. The real catalog (and its labelled sample data) is loaded once per test session
into the test database; each test runs in a transaction that is rolled back."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from pathways.matching.recommendations import recommendation_store
from pathways.models import CohortInvitation, QuizItem
from pathways.plans.services import plan_choose
from pathways.students.roles import CURATOR_GROUP, role_group
from programs.models import Institution, Program
from tests.factories import two_classes


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests (browser tests among them) run last: pytest-django empties the tables after each."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("transactional") is not None
            or "tests/browser/" in str(item.fspath).replace("\\", "/")
        )
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """`item.failed_call` tells a fixture's teardown that the test failed (for screenshots and worker logs)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def chinese_between_tests() -> Iterator[None]:
    """Each test starts in the default language: a page asked for in English leaves English active in this thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    """The catalog, routes and quiz, reloaded if an earlier transactional test's flush emptied them."""
    if not QuizItem.objects.exists():
        call_command("load_demo", "--no-users", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-users", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def curator_chen(db: None) -> User:
    """`curator_chen` keeps the catalog true: staff, in the catalog curators' group, not a superuser."""
    user = User.objects.create_user("curator_chen", password="pw-curator-chen", is_staff=True)
    user.groups.add(role_group(CURATOR_GROUP))
    return user


@pytest.fixture
def student_wang(db: None) -> User:
    """`student_wang` is a student with an account: never staff, must never reach the admin."""
    return User.objects.create_user("student_wang", password="pw-student-wang")


@pytest.fixture
def curator_client(curator_chen: User) -> Client:
    client = Client()
    client.force_login(curator_chen)
    return client


@pytest.fixture
def six_personas(curator_chen: User) -> dict:
    """The personas of the URL walk and the security tests (tests.factories.two_classes, prefix "walk"): `walk_wang`
    owns a saved result, a stored set, a plan and an invitation to 二班; `walk_li` counsels her class; `walk_zhang`,
    `walk_zhao`, `curator_chen` and an anonymous visitor must see nothing of hers."""
    people = two_classes(curator_chen, "walk")
    attempt, one = people["attempt"], people["cohort"]
    recommendation_store(attempt=attempt, stage="junior", district="")
    plan_choose(student=attempt.student, program_id=Program.objects.published().first().pk)
    invitation = CohortInvitation.objects.create(
        cohort=people["other_cohort"], student=attempt.student, invited_by=people["users"]["other_counselor"]
    )
    values = {
        "attempt_id": attempt.pk,
        "student_id": attempt.student_id,
        "cohort_id": one.pk,
        "invitation_id": invitation.pk,
        "program_id": Program.objects.published().first().pk,
        "institution_id": Institution.objects.first().pk,
        "kind": "quick",
        "uidb64": "MQ",  # an email reset link's parts: a user id and a token that is not valid
        "token": "set-password",
    }
    return {"values": values, "users": people["users"], "attempt": attempt.pk}
