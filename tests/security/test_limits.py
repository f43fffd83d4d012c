"""Hostile or careless input: password guessing, floods, huge pages and bodies, fields that must not be writable,
and the headers every page carries."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendation_store
from pathways.models import StudentProfile, StudentRecommendation
from tests.factories import counselor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    cache.clear()  # throttle counts live in the cache


def sign_in(client: Client, username: str, password: str, address: str) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def test_lockout_is_per_user_and_address_so_an_attacker_cannot_lock_a_student_out() -> None:
    User.objects.create_user("student_lin", password="right-password-1")
    attacker, classroom = Client(), Client()
    codes = [sign_in(attacker, "student_lin", "guess", "10.0.0.66") for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the form again with an error, then the fifth failure locks
    locked = attacker.post(
        "/accounts/login/", {"username": "student_lin", "password": "right-password-1"}, REMOTE_ADDR="10.0.0.66"
    )
    assert locked.status_code == 429 and "登录已暂停" in locked.content.decode()
    # The student, at the classroom computer, still signs in.
    assert sign_in(classroom, "student_lin", "right-password-1", "10.0.0.7") == 302
    # And another account on the attacker's machine is not locked either.
    User.objects.create_user("student_he", password="right-password-2")
    assert sign_in(attacker, "student_he", "right-password-2", "10.0.0.66") == 302


def rates(**scoped: str) -> dict:
    return {"REST_FRAMEWORK": {**_rest(), "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, **scoped}}}


def _rest() -> dict:
    from django.conf import settings

    return settings.REST_FRAMEWORK


def score_body() -> dict:
    from pathways.models import FormVersion

    form = FormVersion.objects.get(kind="quick", is_current=True)
    return {
        "form": "quick",
        "version": form.number,
        "answers": [{"item": i.item_id, "value": 3} for i in form.items.all()],
    }


def test_quiz_scoring_is_throttled_per_visitor_with_a_clear_answer() -> None:
    with override_settings(**rates(quiz="3/min")):
        client = APIClient()
        codes = [client.post("/api/v1/quiz/score/", score_body(), format="json").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        last = client.post("/api/v1/quiz/score/", score_body(), format="json")
        assert last.status_code == 429 and int(last["Retry-After"]) > 0 and last.json()["detail"]
        # Another address is counted on its own.
        other = APIClient(REMOTE_ADDR="10.1.1.1")
        assert other.post("/api/v1/quiz/score/", score_body(), format="json").status_code == 200


def test_export_and_recommendations_have_their_own_scopes(six_personas: dict) -> None:
    owner = six_personas["users"]["owner"]
    with override_settings(**rates(export="1/hour", recommendations="2/min")):
        client = APIClient()
        client.force_login(owner)
        assert client.get("/api/v1/me/data/").status_code == 200
        assert client.get("/api/v1/me/data/").status_code == 429
        assert [client.get("/api/v1/me/recommendations/").status_code for _ in range(3)] == [200, 200, 429]
        assert client.get("/api/v1/me/").status_code == 200  # unscoped reads are not held up
        page = Client()
        page.force_login(owner)
        refused = page.post("/me/data/", {"action": "export"})  # the page's export shares the API's count
        assert refused.status_code == 429 and "稍后再试" in refused.content.decode()


def test_page_size_is_capped() -> None:
    response = APIClient().get("/api/v1/programs/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100 and response.json()["count"] > 100


def test_a_request_body_over_the_limit_is_refused_without_a_server_error() -> None:
    big = json.dumps({"form": "quick", "version": 1, "answers": [{"item": 1, "value": 3, "pad": "x" * 2_000_000}]})
    response = APIClient().post("/api/v1/quiz/score/", big, content_type="application/json")
    assert response.status_code in (400, 413)


def test_an_oversized_roster_is_refused_with_a_message(six_personas: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(six_personas["users"]["counselor"])
    upload = SimpleUploadedFile("roster.csv", b"username\n" + b"a" * 300_000, content_type="text/csv")
    response = client.post(
        f"/counsel/cohorts/{six_personas['values']['cohort_id']}/roster/", {"roster": upload}, follow=True
    )
    assert "200 KB" in response.content.decode()


def test_a_student_cannot_patch_a_role_a_counselor_or_a_model_version(six_personas: dict) -> None:
    owner = six_personas["users"]["owner"]
    recommendation_store(attempt=owner.quiz_attempts.first(), stage="junior", district="")
    before = StudentRecommendation.objects.get(student=owner).model_version
    client = APIClient()
    client.force_login(owner)
    for field, value in [
        ("is_staff", True),
        ("is_superuser", True),
        ("groups", ["counselors"]),
        ("counselor", six_personas["users"]["counselor"].pk),
        ("model_version", 999),
        ("username", "someone_else"),
        ("user", six_personas["users"]["other_student"].pk),
    ]:
        response = client.patch("/api/v1/me/", {field: value, "district": "万州区"}, format="json")
        assert response.status_code == 400 and field in response.json(), field
    owner.refresh_from_db()
    assert not owner.is_staff and not owner.is_superuser and owner.username == "walk_wang"
    assert list(owner.groups.values_list("name", flat=True)) == ["student"]
    assert StudentProfile.objects.get(user=owner).district == ""  # nothing of a refused request was applied
    assert StudentRecommendation.objects.get(student=owner).model_version == before
    # The fields that are the student's to change do change.
    response = client.patch("/api/v1/me/", {"district": "万州区", "stage": "secondary"}, format="json")
    assert response.status_code == 200 and response.json()["district"] == "万州区"


def test_a_counselor_cannot_review_another_counselors_student_through_the_api(six_personas: dict) -> None:
    other = counselor("walk_outsider")
    client = APIClient()
    client.force_login(other)
    student = six_personas["values"]["student_id"]
    assert client.get(f"/api/v1/counsel/students/{student}/review/").status_code == 404
    assert (
        client.post(
            f"/api/v1/counsel/students/{student}/review/", {"version": 0, "action": "note", "note": "x"}, format="json"
        ).status_code
        == 404
    )


def test_deleting_my_data_through_the_api_needs_my_username_and_removes_everything(six_personas: dict) -> None:
    owner = six_personas["users"]["owner"]
    client = APIClient()
    client.force_login(owner)
    assert client.delete("/api/v1/me/data/", {"confirm": "nope"}, format="json").status_code == 400
    assert client.delete("/api/v1/me/data/", {"confirm": "walk_wang"}, format="json").status_code == 204
    assert not User.objects.filter(username="walk_wang").exists()
    assert client.get("/api/v1/me/").status_code == 403  # signed out with the account gone


def test_every_page_carries_a_content_security_policy_and_no_inline_style() -> None:
    response = Client().get("/quiz/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert ' style="' not in response.content.decode()


def test_the_api_docs_are_self_hosted() -> None:
    page = Client().get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page and "http://" not in page.replace("http://testserver", "")
    schema = Client().get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/me/data/" in schema["paths"]


@pytest.mark.parametrize(
    "query",
    [
        "page_size=abc",
        "page_size=0",
        "page_size=-5",
        "page_size=1.5",
        "verified=abc",
        "verified=2",
        "page=abc",
        "page=0",
    ],
)
def test_page_size_and_verified_take_only_what_the_schema_says(query: str) -> None:
    response = APIClient().get(f"/api/v1/routes/?{query}")
    assert response.status_code in (400, 404), response.status_code
    assert response.json(), "a message says what is wrong"
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/routes/"]["get"]["parameters"]}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1} and parameters["verified"]["type"] == "boolean"
