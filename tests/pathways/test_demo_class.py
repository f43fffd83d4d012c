"""The demo's sample class: about forty labelled sample students, so the counselor's pages look like a real class."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from pathways.demo import SAMPLE_STUDENTS, demo_users_create
from pathways.models import QuizAttempt, StudentProfile, StudentRecommendation
from tests.factories import as_user

pytestmark = pytest.mark.django_db


def test_the_demo_class_has_forty_varied_labelled_sample_students_and_loading_twice_adds_none() -> None:
    demo_users_create()
    samples = StudentProfile.objects.filter(is_sample=True)
    assert samples.count() == SAMPLE_STUDENTS
    assert samples.filter(user__membership__cohort__name="示例班级（示例）").count() == SAMPLE_STUDENTS
    assert (
        len(set(samples.values_list("district", flat=True))) >= 4
        and len(set(samples.values_list("stage", flat=True))) == 2
    )
    assert QuizAttempt.objects.filter(student__student_profile__is_sample=True).count() == SAMPLE_STUDENTS
    assert (
        len(set(QuizAttempt.objects.filter(student__student_profile__is_sample=True).values_list("code", flat=True)))
        > 10
    )
    assert StudentRecommendation.objects.filter(student__student_profile__is_sample=True).count() == SAMPLE_STUDENTS
    assert not any(u.has_usable_password() for u in User.objects.filter(student_profile__is_sample=True))
    demo_users_create()
    assert StudentProfile.objects.filter(is_sample=True).count() == SAMPLE_STUDENTS
    page = as_user(User.objects.get(username="demo_counselor")).get("/counsel/").content.decode()
    assert "示例学生01" in page and page.count("badge-sample") >= 40
