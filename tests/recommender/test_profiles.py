"""Specialty interest profiles: every specialty has one, they pass the sanity list, and an admin's override stays."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from programs.models import Specialty
from recommender.models import ProfileSource, SpecialtyProfile
from recommender.profiles import DATA_DIR, specialty_profiles_build

pytestmark = pytest.mark.django_db

SANITY = list(csv.DictReader((DATA_DIR / "sanity-checks.csv").open(encoding="utf-8")))


def test_every_specialty_has_a_profile_with_provenance() -> None:
    assert SpecialtyProfile.objects.count() == Specialty.objects.count() == 1490  # 1,349 of 2021 and 141 additions
    for profile in SpecialtyProfile.objects.all()[:50]:
        assert "O*NET 29.3" in profile.provenance and "JZ" in profile.provenance


def test_the_sanity_list_is_long() -> None:
    assert len(SANITY) >= 100
    assert {row["code"][:2] for row in SANITY} >= {"52", "72", "53", "46", "66", "57", "77"}


@pytest.mark.parametrize("row", SANITY, ids=[f"{r['code']}-{r['name']}" for r in SANITY])
def test_a_specialty_leads_with_the_expected_area(row: dict[str, str]) -> None:
    profile = SpecialtyProfile.objects.get(specialty__code=row["code"])
    assert profile.specialty.name == row["name"]
    assert profile.code[0] in row["expected"], f"{row['name']} leads with {profile.code}, expected {row['expected']}"


@pytest.mark.parametrize(
    ("code", "lead"),
    [
        ("720201", "S"),
        ("520201", "S"),
        ("570102K", "S"),
        ("530302", "C"),
        ("550101", "A"),
        ("500211", "R"),
        ("530701", "E"),
        ("530605", "E"),
    ],
)
def test_the_examples_of_the_issue(code: str, lead: str) -> None:
    assert SpecialtyProfile.objects.get(specialty__code=code).code[0] == lead


def test_an_admin_override_is_kept_with_history(curator_client: Client) -> None:
    profile = SpecialtyProfile.objects.get(specialty__code="520201")
    response = curator_client.post(
        f"/admin/recommender/specialtyprofile/{profile.pk}/change/",
        {
            "r": 0.2,
            "i": 0.5,
            "a": 0.3,
            "s": 0.95,
            "e": 0.4,
            "c": 0.35,
            "provenance": profile.provenance,
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.s, profile.source) == (0.95, ProfileSource.ADMIN)
    assert "curator_chen" in profile.provenance
    specialty_profiles_build()
    profile.refresh_from_db()
    assert profile.s == 0.95  # a rebuild from the crosswalk leaves an admin's profile alone
    assert profile.history.latest().history_user.username == "curator_chen"


def test_the_crosswalk_files_are_documented() -> None:
    readme = (Path(DATA_DIR) / "README.md").read_text(encoding="utf-8")
    assert "class-onet.csv" in readme and "CC BY 4.0" in readme
