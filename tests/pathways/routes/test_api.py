"""The read-only API: routes, 科类, articulations and pathway queries, paginated and filterable."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from pathways.models import Articulation, RouteKind
from tests.pathways.conftest import YEAR, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_routes_are_listed_with_their_rules(api: APIClient) -> None:
    data = api.get("/api/v1/routes/").json()
    assert data["count"] == RouteKind.objects.count() == 7
    three_four = api.get("/api/v1/routes/3-4/").json()
    assert (three_four["total_years"], three_four["to_levels"]) == (7, ["bachelor"])
    assert three_four["rules"] and all(isinstance(line, str) for line in three_four["rules"])
    assert api.get("/api/v1/routes/", {"admission": "skills_exam"}).json()["count"] == 1


def test_skill_categories_list_their_specialties(api: APIClient) -> None:
    data = api.get("/api/v1/skill-categories/computing/").json()
    assert "710201" in data["specialties"]


def test_articulations_are_paginated_and_filterable(small_city: World, api: APIClient) -> None:
    page = api.get("/api/v1/articulations/", {"academic_year": YEAR}).json()
    assert page["count"] == 5
    one = api.get("/api/v1/articulations/", {"academic_year": YEAR, "route": "3-2"}).json()["results"]
    assert [(a["from_program"]["institution"], a["to_program"]["specialty_code"]) for a in one] == [
        ("甲中职", "510201")
    ]
    assert one[0]["total_years"] == 5 and "转段考核" in one[0]["assessment"]
    sized = api.get("/api/v1/articulations/", {"page_size": 3}).json()
    assert len(sized["results"]) == 3 and sized["next"]
    assert api.get("/api/v1/articulations/", {"page_size": 1000}).json()["results"].__len__() == 100
    district = api.get("/api/v1/articulations/", {"academic_year": YEAR, "district": "沙坪坝区"}).json()
    assert district["count"] == 2


def test_the_flagged_filter_finds_articulations_of_archived_programs(small_city: World, api: APIClient) -> None:
    small_city.q2.status = "archived"
    small_city.q2.save()
    data = api.get("/api/v1/articulations/", {"academic_year": YEAR, "flagged": "true"}).json()
    assert [a["id"] for a in data["results"]] == [small_city.skills.pk]
    assert data["results"][0]["flagged"] is True and data["results"][0]["flag_reasons"]
    assert Articulation.objects.flagged().filter(academic_year=YEAR).count() == 1


def test_a_pathway_query_answers_with_known_pathways(small_city: World, api: APIClient) -> None:
    data = api.get("/api/v1/pathways/", {"start": "program", "program": small_city.p1.pk}).json()
    assert data["count"] == 5 and data["academic_year"] == YEAR
    years = sorted(p["total_years"] for p in data["results"])
    assert years == [5, 6, 7, 7, 8]
    step = data["results"][0]["steps"][0]
    assert step["is_start"] and step["program"]["institution"] == "甲中职"
    paged = api.get("/api/v1/pathways/", {"start": "junior", "district": "万州区", "page_size": 3, "page": 3}).json()
    assert paged["count"] == 8 and len(paged["results"]) == 2 and paged["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "junior"}, "district"),
        ({"start": "program"}, "program"),
        ({"start": "program", "program": 999999999}, "program"),
        ({"start": "junior", "district": "火星区"}, "district"),
        ({"start": "junior", "district": "万州区", "max_years": 0}, "max_years"),
        ({"start": "junior", "district": "万州区", "routes": "7+1"}, "routes"),
        ({"start": "nowhere"}, "start"),
    ],
)
def test_a_bad_pathway_query_gets_a_400_naming_the_field(api: APIClient, params: dict, field: str) -> None:
    response = api.get("/api/v1/pathways/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_is_read_only(small_city: World, api: APIClient) -> None:
    assert api.post("/api/v1/articulations/", {}).status_code in (401, 403, 405)
    assert api.delete(f"/api/v1/articulations/{small_city.three_two.pk}/").status_code in (401, 403, 405)
    assert Articulation.objects.filter(pk=small_city.three_two.pk).exists()
