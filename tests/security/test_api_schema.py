"""Schemathesis against the OpenAPI schema, once per role: generated requests to every operation, in process, on
the test database. Every response must be a documented status, with a documented content type and a body that fits
its schema; no request may give a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.matching.recommendations import recommendation_store
from tests.factories import counselor, student_in

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
CHECKS = [status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]
ROLES = ["anonymous", "student", "counselor", "curator"]
CSRF = "zhitucsrfsecretforschemathesis01"  # 32 characters: an unmasked token is accepted as cookie and header


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests go through Django's real WSGI handler, which closes the database connection when a request ends (as
    it should in production). Inside a test's transaction that would drop the transaction; Django's own test client
    disconnects the same handler, so do that here too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(request: pytest.FixtureRequest, curator_chen: User) -> dict[str, str]:
    """Session and CSRF headers for the role under test (a counselor with a class, a student with a saved result)."""
    from pathways.models import Cohort
    from programs.models import Institution

    cache.clear()
    cohort = Cohort.objects.create(
        school=Institution.objects.get(name="奉节职业教育中心"), name="一班", academic_year=2026
    )
    li = counselor("fuzz_li")
    cohort.counselors.add(li)
    attempt = student_in(cohort, "fuzz_wang")
    recommendation_store(attempt=attempt, stage="junior", district="")
    user = {"anonymous": None, "student": attempt.student, "counselor": li, "curator": curator_chen}[request.param]
    cookies = f"csrftoken={CSRF}"
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies += f"; sessionid={client.cookies['sessionid'].value}"
    return {"Cookie": cookies, "X-CSRFToken": CSRF}


@pytest.mark.parametrize("role_headers", ROLES, indirect=True)
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case, role_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)
