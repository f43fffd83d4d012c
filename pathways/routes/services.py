"""Everything that writes the route data: route kinds, 职教高考 skills categories and their specialties."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from pathways.models import Articulation, ExamBatch, ExamCutoff, RouteKind, SkillCategory, SpecialtySkillCategory
from programs.loading import LoadCounts, RowError, read_csv, upsert
from programs.models import Level, Specialty

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ROUTES_FILE = DATA_DIR / "routes.csv"
SKILL_CATEGORIES_FILE = DATA_DIR / "skill-categories.csv"
SPECIALTY_CATEGORIES_FILE = DATA_DIR / "secondary-skill-categories.csv"
CUTOFFS_FILE = DATA_DIR / "chongqing-zhongzhi-exam-cutoffs-2022.csv"
CUTOFFS_SOURCE = "重庆市高职分类考试（中职类）最低控制线，重庆人文科技学院招生网转载（2022-07-10）"
BATCHES = {"应用型本科批": ExamBatch.BACHELOR, "高职对口专科批": ExamBatch.ASSOCIATE}

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
        # Uniqueness is the loader's own business (a file may update rows that exist); check constraints are not.
        instance.full_clean(validate_unique=False, validate_constraints=False)
        for constraint in type(instance)._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                constraint.validate(type(instance), instance)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        parts = [" ".join(v) if k == NON_FIELD_ERRORS else f"{k}: {' '.join(v)}" for k, v in errors.items()]
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


def _parse_cutoffs(path: Path, categories: dict[str, SkillCategory]) -> list[ExamCutoff]:
    by_name = {category.name: category for category in categories.values()}
    cutoffs, seen = [], set()
    for line, row in read_csv(path, ["year", "batch", "skill_category", "culture_min", "skills_min", "note"]):
        batch, category = BATCHES.get(row["batch"]), by_name.get(row["skill_category"])
        if batch is None:
            raise RowError(path, line, f"unknown batch {row['batch']!r} (expected {' or '.join(BATCHES)})")
        if category is None:
            raise RowError(path, line, f"unknown 科类 {row['skill_category']!r}")
        year = _number(path, line, row["year"])
        if (year, batch, category.pk) in seen:
            raise RowError(path, line, f"a second {year} {row['batch']} line for {category.name}")
        seen.add((year, batch, category.pk))
        culture = _number(path, line, row["culture_min"])
        if year is None or culture is None:
            raise RowError(path, line, "the year and the culture line are required")
        cutoff = ExamCutoff(
            year=year,
            batch=batch,
            skill_category=category,
            culture_min=culture,
            skills_min=_number(path, line, row["skills_min"]),
            note=row["note"],
            source=CUTOFFS_SOURCE,
        )
        cutoffs.append(_checked(cutoff, path, line))
    return cutoffs


@transaction.atomic
def routes_load(
    *,
    routes_path: Path = ROUTES_FILE,
    categories_path: Path = SKILL_CATEGORIES_FILE,
    specialty_categories_path: Path = SPECIALTY_CATEGORIES_FILE,
    cutoffs_path: Path = CUTOFFS_FILE,
) -> dict[str, LoadCounts]:
    """Load the route kinds, the 科类, each 中职 specialty's 科类 and the 科类' published cut-off lines.

    Every file is parsed before it writes, all in one transaction. Lines an admin added for other years stay.
    """
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
    cutoffs = _parse_cutoffs(cutoffs_path, by_code)
    counts["exam_cutoffs"], _ = upsert(
        model=ExamCutoff,
        key=("year", "batch", "skill_category_id"),
        instances=cutoffs,
        fields=["culture_min", "skills_min", "note", "source"],
        reason="load_routes",
    )
    counts["skill_categories"].deleted = _categories_not_in_file({c.code for c in categories})
    return counts


def _categories_not_in_file(codes: set[str]) -> int:
    """Delete the 科类 the file no longer lists (earlier invented ones), with the sample articulations that use them.

    The sample generator makes those rows again from the new 科类. A real articulation on such a 科类 stops the load:
    an admin moves it first.
    """
    stale = SkillCategory.objects.exclude(code__in=codes)
    real = Articulation.objects.filter(from_skill_category__in=stale, is_sample=False)
    if real.exists():
        names = "、".join(sorted({str(a.from_skill_category) for a in real}))
        raise RuntimeError(
            f"The 科类 {names} are no longer in the list but real articulations use them: move them first."
        )
    Articulation.objects.filter(from_skill_category__in=stale, is_sample=True).delete()
    SpecialtySkillCategory.objects.filter(category__in=stale).delete()
    removed = stale.count()
    stale.delete()
    return removed
