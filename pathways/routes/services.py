"""Everything that writes the route data: route kinds, 职教高考 skills categories and their specialties."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from pathways.models import RouteKind, SkillCategory, SpecialtySkillCategory
from programs.loading import LoadCounts, RowError, read_csv, upsert
from programs.models import Level, Specialty

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ROUTES_FILE = DATA_DIR / "routes.csv"
SKILL_CATEGORIES_FILE = DATA_DIR / "skill-categories.csv"
SPECIALTY_CATEGORIES_FILE = DATA_DIR / "secondary-skill-categories.csv"

ROUTE_TEXT_FIELDS = [
    "position",
    "name",
    "short_name",
    "name_en",
    "short_name_en",
    "admission",
    "entry",
    "from_level",
    "to_levels",
    "first_years",
    "second_years",
    "total_years",
    "exam",
    "exam_en",
    "exam_when",
    "exam_when_en",
    "on_failure",
    "on_failure_en",
    "same_specialty_required",
    "summary",
    "summary_en",
    "rules",
    "rules_en",
    "verified",
    "source",
]
CATEGORY_FIELDS = ["name", "name_en", "position", "verified", "description", "description_en"]

M = TypeVar("M", bound=models.Model)


def _flag(path: Path, line: int, raw: str) -> bool:
    if raw not in ("true", "false"):
        raise RowError(path, line, f"expected true or false, got {raw!r}")
    return raw == "true"


def _number(path: Path, line: int, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise RowError(path, line, f"{raw!r} is not a whole number")
    return int(raw)


def _checked(instance: M, path: Path, line: int) -> M:
    """Run the model's own rules (choices, constraints, clean) and report a failure against the row."""
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as exc:
        parts = [" ".join(v) if k == NON_FIELD_ERRORS else f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
        raise RowError(path, line, "; ".join(parts)) from exc
    return instance


def _parse_routes(path: Path) -> list[RouteKind]:
    routes = []
    for line, row in read_csv(path, ["code", *ROUTE_TEXT_FIELDS]):
        values: dict[str, object] = {field: row[field] for field in ROUTE_TEXT_FIELDS}
        for field in ("position", "first_years", "second_years", "total_years"):
            values[field] = _number(path, line, row[field])
        for field in ("same_specialty_required", "verified"):
            values[field] = _flag(path, line, row[field])
        routes.append(_checked(RouteKind(code=row["code"], **values), path, line))
    return routes


def _parse_categories(path: Path) -> list[SkillCategory]:
    categories = []
    for line, row in read_csv(path, ["code", *CATEGORY_FIELDS]):
        values: dict[str, object] = {field: row[field] for field in CATEGORY_FIELDS}
        values["position"] = _number(path, line, row["position"])
        values["verified"] = _flag(path, line, row["verified"])
        categories.append(_checked(SkillCategory(code=row["code"], **values), path, line))
    return categories


def _parse_specialty_categories(path: Path, categories: dict[str, SkillCategory]) -> list[SpecialtySkillCategory]:
    specialties = {s.code: s for s in Specialty.objects.filter(level=Level.SECONDARY)}
    links, seen = [], set()
    for line, row in read_csv(path, ["specialty_code", "skill_category"]):
        code, category = row["specialty_code"], categories.get(row["skill_category"])
        if code not in specialties:
            raise RowError(path, line, f"{code!r} is not a 中职 specialty of the catalog")
        if category is None:
            raise RowError(path, line, f"unknown skills category {row['skill_category']!r}")
        if code in seen:
            raise RowError(path, line, f"{code} appears twice")
        seen.add(code)
        links.append(SpecialtySkillCategory(specialty=specialties[code], category=category))
    return links


@transaction.atomic
def routes_load(
    *,
    routes_path: Path = ROUTES_FILE,
    categories_path: Path = SKILL_CATEGORIES_FILE,
    specialty_categories_path: Path = SPECIALTY_CATEGORIES_FILE,
) -> dict[str, LoadCounts]:
    """Load the route kinds, the 科类 and each 中职 specialty's 科类. Every file is parsed before any write."""
    if not Specialty.objects.filter(level=Level.SECONDARY).exists():
        raise RuntimeError("Load the catalog (load_catalog) first.")
    routes = _parse_routes(routes_path)
    categories = _parse_categories(categories_path)
    counts: dict[str, LoadCounts] = {}
    field_names = [cast(models.Field, RouteKind._meta.get_field(f)).attname for f in ROUTE_TEXT_FIELDS]
    counts["route_kinds"], _ = upsert(
        model=RouteKind, key=("code",), instances=routes, fields=field_names, reason="load_routes"
    )
    counts["skill_categories"], saved = upsert(
        model=SkillCategory, key=("code",), instances=categories, fields=CATEGORY_FIELDS, reason="load_routes"
    )
    by_code = {key[0]: category for key, category in saved.items()}
    links = _parse_specialty_categories(specialty_categories_path, by_code)
    counts["specialty_skill_categories"], _ = upsert(
        model=SpecialtySkillCategory,
        key=("specialty_id",),
        instances=links,
        fields=["category_id"],
        reason="load_routes",
    )
    return counts
