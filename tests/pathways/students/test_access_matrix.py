"""The access matrix: every student-data page and endpoint, as each role and owner, with each method.

Denial is the default: a signed-in user reaching a row that is not theirs gets 404 (never a hint that it exists);
an anonymous visitor is sent to sign in (HTML) or refused (API).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendations_for_attempt
from tests.factories import two_classes

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "other_student", "counselor", "other_counselor", "curator", "anonymous"]
# target -> personas allowed; everyone else is denied
TARGETS = {
    ("html", "GET", "/quiz/history/{attempt}/"): {"owner"},
    ("html", "GET", "/quiz/history/{attempt}/recommendations/"): {"owner"},
    ("html", "POST", "/quiz/history/{attempt}/recommendations/"): {"owner"},
    ("html", "POST", "/quiz/history/{attempt}/recommendations/feedback/"): {"owner"},
    ("html", "GET", "/quiz/history/compare/?a={attempt}&b={attempt}"): {"owner"},
    ("html", "GET", "/counsel/students/{student}/"): {"counselor"},
    ("html", "POST", "/counsel/students/{student}/"): {"counselor"},
    ("html", "GET", "/counsel/cohorts/{cohort}/"): {"counselor"},
    ("html", "GET", "/counsel/"): {"counselor", "other_counselor"},
    ("api", "GET", "/api/v1/quiz/attempts/{attempt}/"): {"owner"},
    ("api", "POST", "/api/v1/recommendations/feedback/"): {"owner"},
    ("api", "GET", "/api/v1/counsel/students/{student}/review/"): {"counselor"},
    ("api", "POST", "/api/v1/counsel/students/{student}/review/"): {"counselor"},
}


@pytest.fixture
def people(curator_chen: User) -> dict:
    people = two_classes(curator_chen, "access")
    wang = people["attempt"]
    suggested = recommendations_for_attempt(attempt=wang, stage="junior").programs[0].program.pk
    return {
        "users": people["users"],
        "attempt": wang.pk,
        "student": wang.student_id,
        "cohort": people["cohort"].pk,
        "suggested": suggested,
    }


def body_for(path: str, people: dict) -> dict:
    if "counsel/students" in path:
        return {"version": 0, "action": "note", "note": "留言"}
    if "feedback" in path:
        return {"attempt": people["attempt"], "program": people["suggested"], "kind": "save"}
    return {"stage": "junior"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", list(TARGETS), ids=lambda t: f"{t[0]}-{t[1]}-{t[2]}")
def test_access(people: dict, persona: str, target: tuple[str, str, str]) -> None:
    kind, method, template = target
    path = template.format(**people)
    user = people["users"][persona]
    client = APIClient() if kind == "api" else Client()
    if user is not None:
        client.force_login(user)
    data = body_for(path, people)
    if method == "GET":
        response = client.get(path)
    elif kind == "api":
        response = client.post(path, data, format="json")
    else:
        response = client.post(path, data)
    allowed = persona in TARGETS[target]
    if allowed:
        assert response.status_code in (200, 201, 302), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    elif user is None:
        if kind == "api":
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404, f"{persona} {method} {path}: {response.status_code}"
