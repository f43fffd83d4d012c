"""No loadable model (none trained, or every file refused, e.g. after the signing key changed): the recommendation
API and page answer 503 with a plain message, and the rest of the site keeps working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from recommender.artifacts import ranker_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_loadable_model() -> Iterator[None]:
    ranker_cache_clear()
    with override_settings(RECOMMENDER_SIGNING_KEY="a-key-no-model-was-signed-with"):
        yield
    ranker_cache_clear()


def test_recommendations_answer_503_with_a_message_and_the_catalog_still_works(no_loadable_model: None) -> None:
    profile = {"R": 0.9, "I": 0.5, "A": 0.1, "S": 0.2, "E": 0.3, "C": 0.4}
    response = APIClient().post("/api/v1/recommendations/", {"profile": profile, "stage": "junior"}, format="json")
    assert response.status_code == 503 and response["Retry-After"] == "300"
    assert "推荐暂时无法提供" in response.json()["detail"]
    assert Client().get("/specialties/").status_code == 200
    assert APIClient().get("/api/v1/routes/").status_code == 200
