"""Specialty interest profiles from O*NET 29.3 through the team's crosswalk (recommender/data/).

A specialty's occupations are those of its first matching override (a 6-digit code beats a name keyword),
else those of its 专业类. Occupations are filtered to the Job Zones a graduate of that level can enter
(中职 1-3, 高职专科 2-4, 职业本科 3-5); when none fits, all are kept. The profile is the mean of their O*NET
occupational-interest ratings (1-7), rescaled to 0-1. Profiles an admin set are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction

from programs.loading import LoadCounts, RowError, read_csv, upsert
from programs.models import Level, Specialty
from recommender.models import AREAS, ProfileSource, SpecialtyProfile

DATA_DIR = Path(__file__).resolve().parent / "data"
ONET_FILE = DATA_DIR / "onet-interests-29.3.csv"
CLASS_FILE = DATA_DIR / "class-onet.csv"
OVERRIDES_FILE = DATA_DIR / "specialty-onet-overrides.csv"
JOB_ZONES = {Level.SECONDARY: (1, 3), Level.ASSOCIATE: (2, 4), Level.BACHELOR: (3, 5)}
ONET_CREDIT = "O*NET 29.3 Database by USDOL/ETA, CC BY 4.0"


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    job_zone: int
    ratings: np.ndarray  # R I A S E C, 1-7


def onet_occupations(path: Path = ONET_FILE) -> dict[str, Occupation]:
    found = {}
    for line, row in read_csv(path, ["code", "title", "job_zone", *AREAS]):
        try:
            ratings = np.array([float(row[a]) for a in AREAS])
        except ValueError as exc:
            raise RowError(path, line, "ratings must be numbers") from exc
        found[row["code"]] = Occupation(row["code"], row["title"], int(row["job_zone"] or 3), ratings)
    return found


def _codes(path: Path, line: int, raw: str, known: dict[str, Occupation]) -> list[str]:
    codes = raw.split()
    unknown = [c for c in codes if c not in known]
    if not codes or unknown:
        raise RowError(path, line, f"unknown or missing O*NET codes: {' '.join(unknown) or '(none)'}")
    return codes


def crosswalk(known: dict[str, Occupation]) -> tuple[dict[str, list[str]], list[tuple[str, list[str]]]]:
    """The class mapping and the ordered overrides, checked against the O*NET codes."""
    classes = {
        row["class_name"]: _codes(CLASS_FILE, line, row["onet_codes"], known)
        for line, row in read_csv(CLASS_FILE, ["class_name", "onet_codes"])
    }
    overrides = [
        (row["match"], _codes(OVERRIDES_FILE, line, row["onet_codes"], known))
        for line, row in read_csv(OVERRIDES_FILE, ["match", "onet_codes"])
    ]
    return classes, overrides


def _override_for(specialty: Specialty, overrides: list[tuple[str, list[str]]]) -> tuple[str, list[str]] | None:
    exact = [o for o in overrides if o[0] == specialty.code]
    if exact:
        return exact[0]
    return next(((m, codes) for m, codes in overrides if not m.isdigit() and m in specialty.name), None)


def profile_of(
    specialty: Specialty,
    classes: dict[str, list[str]],
    overrides: list[tuple[str, list[str]]],
    known: dict[str, Occupation],
) -> SpecialtyProfile:
    """The profile of one specialty, with its provenance, unsaved."""
    override = _override_for(specialty, overrides)
    class_name = specialty.specialty_class.name
    if override is None and class_name not in classes:
        raise RowError(CLASS_FILE, 1, f"no O*NET occupations for 专业类 {class_name} ({specialty.code})")
    source, codes = (ProfileSource.OVERRIDE, override[1]) if override else (ProfileSource.CLASS, classes[class_name])
    low, high = JOB_ZONES[Level(specialty.level)]
    suited = [c for c in codes if low <= known[c].job_zone <= high] or codes
    vector = (np.mean([known[c].ratings for c in suited], axis=0) - 1) / 6
    why = f"override “{override[0]}”" if override else f"专业类 {class_name}"
    titles = "; ".join(f"{c} {known[c].title} (JZ{known[c].job_zone})" for c in suited)
    provenance = f"{why}: mean O*NET interest ratings of {titles}. Job Zones {low}-{high}. {ONET_CREDIT}."
    values = {area.lower(): round(float(np.clip(v, 0, 1)), 4) for area, v in zip(AREAS, vector, strict=True)}
    return SpecialtyProfile(specialty=specialty, source=source, provenance=provenance, **values)


@transaction.atomic
def specialty_profiles_build() -> dict[str, LoadCounts]:
    """Write every specialty's profile from the crosswalk; profiles an admin set are left alone."""
    known = onet_occupations()
    classes, overrides = crosswalk(known)
    admin_set = set(SpecialtyProfile.objects.filter(source=ProfileSource.ADMIN).values_list("specialty_id", flat=True))
    specialties = Specialty.objects.select_related("specialty_class").exclude(pk__in=admin_set)
    profiles = [profile_of(s, classes, overrides, known) for s in specialties]
    fields = ["r", "i", "a", "s", "e", "c", "source", "provenance"]
    counts, _ = upsert(
        model=SpecialtyProfile, key=("specialty_id",), instances=profiles, fields=fields, reason="build_profiles"
    )
    return {"specialty_profiles": counts}
