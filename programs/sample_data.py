"""Plausible sample data for what no public source lists: 中职 schools and who runs which specialty.

Everything written here has is_sample=True and says so in the UI. The generator is seeded, so
running it twice writes the same rows (and the second run changes nothing). Orders of size follow
DOMAIN.md: about 125 中职 schools and about 3,300 programs (专业点) across Chongqing.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from programs.districts import CENTRAL_DISTRICTS, DISTRICTS
from programs.loading import DATA_DIR, LoadCounts, RowError, read_csv, upsert
from programs.models import (
    Institution,
    InstitutionKind,
    InstitutionTag,
    Level,
    OutcomeMetric,
    Ownership,
    Program,
    ProgramOutcome,
    ProgramStatus,
    Specialty,
)

SEED = 2021
ACADEMIC_YEAR = 2025
OUTCOME_YEAR = 2024
SAMPLE_SOURCE = "示例数据 (sample data, generated)"
NAMED_SCHOOLS_FILE = DATA_DIR / "secondary-schools-named.csv"
SECONDARY_SCHOOLS = 125

# Relative share of program offerings per 大类, by its position (01 农林牧渔 ... 19 公共管理与服务).
# Weighted towards the manufacturing, electronics, commerce and health sectors Chongqing's
# specialties mostly serve (88% of them serve pillar industries).
CATEGORY_WEIGHT = {
    1: 4,
    2: 2,
    3: 2.5,
    4: 5,
    5: 1,
    6: 12,
    7: 2,
    8: 1.5,
    9: 2.5,
    10: 8,
    11: 14,
    12: 7,
    13: 12,
    14: 6,
    15: 7,
    16: 2,
    17: 6,
    18: 1,
    19: 2.5,
}

# A college's name says what it focuses on; its focus 大类 get six times the weight.
NAME_FOCUS = {
    "护理": [12],
    "医药": [12, 9],
    "健康": [12],
    "幼儿师范": [17],
    "旅游": [14],
    "电力": [3],
    "水利": [5, 3],
    "化工": [7],
    "农业": [1, 9],
    "交通": [10],
    "公共运输": [10],
    "传媒": [16, 15],
    "艺术": [15],
    "财经": [13],
    "商务": [13],
    "经贸": [13],
    "工商": [13],
    "建筑": [4],
    "城市管理": [19, 4],
    "安全": [2],
    "能源": [3],
    "资源与环境": [2],
    "电子": [11],
    "信息": [11],
    "电讯": [11],
    "电信": [11],
    "数字": [11],
    "工业": [6],
    "机电": [6],
    "制造": [6],
    "智能": [6, 11],
    "航天": [6],
    "工程": [4, 6],
    "理工": [6],
    "科技": [11],
    "安防": [18],
    "青年": [17],
    "五一": [6],
    "轻工": [8],
    "工贸": [6, 13],
    "海联": [13],
    "应用技术": [6, 13],
    "三峡": [1, 14],
}

SECONDARY_CN_NUMBERS = "一二三四五六七八"


def _district_short(name: str) -> str:
    for suffix in ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name[:-1] if len(name) > 2 else name


def _secondary_school_names(rng: random.Random, named: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(name, district) for sample 中职 schools: at least two per district, more in the central ones."""
    per_district = {d: 2 for d in DISTRICTS}
    for row in named:
        per_district[row["district"]] -= 1
    weights = [3 if d in CENTRAL_DISTRICTS else 1 for d in DISTRICTS]
    while sum(per_district.values()) + len(named) < SECONDARY_SCHOOLS:
        per_district[rng.choices(DISTRICTS, weights=weights)[0]] += 1
    schools = []
    for district, count in per_district.items():
        for n in range(count):
            suffix = "" if n == 0 else f"（{SECONDARY_CN_NUMBERS[n]}）"
            schools.append((f"{_district_short(district)}示例职业学校{suffix}", district))
    return schools


def _named_schools() -> list[dict[str, str]]:
    rows = []
    for line, row in read_csv(NAMED_SCHOOLS_FILE, ["name", "district", "ownership", "source"]):
        if row["district"] not in DISTRICTS or row["ownership"] not in Ownership.values:
            raise RowError(NAMED_SCHOOLS_FILE, line, "unknown district or ownership")
        rows.append(row)
    return rows


def _secondary_schools(rng: random.Random) -> list[Institution]:
    named = _named_schools()
    schools = [
        Institution(
            name=r["name"],
            kind=InstitutionKind.SECONDARY,
            district=r["district"],
            ownership=r["ownership"],
            source=r["source"],
            is_sample=False,
        )
        for r in named
    ]
    for name, district in _secondary_school_names(rng, named):
        ownership = Ownership.PRIVATE if rng.random() < 0.2 else Ownership.PUBLIC
        schools.append(
            Institution(
                name=name,
                kind=InstitutionKind.SECONDARY,
                district=district,
                ownership=ownership,
                authority="区县教委",
                source=SAMPLE_SOURCE,
                is_sample=True,
            )
        )
    return schools


def _pick_specialties(
    rng: random.Random, by_position: dict[int, list[Specialty]], focus: list[int], count: int
) -> list[Specialty]:
    positions = [p for p in CATEGORY_WEIGHT if by_position.get(p)]
    weights = [CATEGORY_WEIGHT[p] * (6 if p in focus else 1) for p in positions]
    chosen: dict[str, Specialty] = {}
    for _ in range(count * 4):
        if len(chosen) >= count:
            break
        position = rng.choices(positions, weights=weights)[0]
        spec = rng.choice(by_position[position])
        chosen[spec.code] = spec
    return sorted(chosen.values(), key=lambda s: s.code)


def _focus_for(institution: Institution, rng: random.Random, positions: list[int]) -> list[int]:
    focus = [p for key, ps in NAME_FOCUS.items() if key in institution.name for p in ps]
    return focus or rng.sample(positions, 2)


def _tuition(rng: random.Random, level: str, ownership: str) -> int:
    if level == Level.SECONDARY:
        # Public 中职 tuition is waived nationally; private schools charge.
        return 0 if ownership == Ownership.PUBLIC else rng.randrange(4000, 9001, 500)
    base = {str(Level.ASSOCIATE): (4800, 6800), str(Level.BACHELOR): (6000, 8500)}[level]
    if ownership == Ownership.PRIVATE:
        base = (base[0] * 2, base[1] * 2 + 2000)
    return rng.randrange(base[0], base[1] + 1, 100)


def _quota(rng: random.Random, level: str) -> int:
    return rng.choice([45, 50, 90, 100, 135, 150]) if level == Level.SECONDARY else rng.randrange(40, 241, 10)


def _status(rng: random.Random) -> str:
    roll = rng.random()
    return ProgramStatus.DRAFT if roll < 0.04 else ProgramStatus.ARCHIVED if roll < 0.07 else ProgramStatus.PUBLISHED


def _plan_programs(rng: random.Random, institutions: list[Institution]) -> list[Program]:
    by_level: dict[str, dict[int, list[Specialty]]] = {lvl: {} for lvl in Level.values}
    for spec in (
        Specialty.objects.filter(is_addition=False).select_related("specialty_class__category").order_by("code")
    ):
        position = int(spec.code[:2]) % 20
        by_level[spec.level].setdefault(position, []).append(spec)
    plan = []
    for inst in sorted(institutions, key=lambda i: i.name):
        focus = _focus_for(inst, rng, list(CATEGORY_WEIGHT))
        if inst.kind == InstitutionKind.SECONDARY:
            batches = [(Level.SECONDARY, rng.randint(9, 17))]
        elif inst.kind == InstitutionKind.ASSOCIATE:
            batches = [(Level.ASSOCIATE, rng.randint(27, 43))]
        elif inst.kind == InstitutionKind.VOCATIONAL_BACHELOR:
            batches = [(Level.BACHELOR, rng.randint(14, 22)), (Level.ASSOCIATE, rng.randint(20, 30))]
        else:
            continue  # 普通本科 run the general undergraduate catalog, not this one.
        for level, count in batches:
            for spec in _pick_specialties(rng, by_level[level], focus, count):
                plan.append(
                    Program(
                        institution=inst,
                        specialty=spec,
                        academic_year=ACADEMIC_YEAR,
                        status=_status(rng),
                        quota=_quota(rng, level),
                        quota_source=SAMPLE_SOURCE,
                        tuition=_tuition(rng, level, inst.ownership),
                        tuition_source=SAMPLE_SOURCE,
                        is_sample=True,
                    )
                )
    return plan


def _plan_outcomes(rng: random.Random, programs: list[Program]) -> list[ProgramOutcome]:
    salary: dict[str, tuple[int, int]] = {
        Level.SECONDARY: (2800, 4200),
        Level.ASSOCIATE: (3500, 5600),
        Level.BACHELOR: (4500, 6800),
    }
    continuation: dict[str, tuple[int, int]] = {
        Level.SECONDARY: (55, 85),
        Level.ASSOCIATE: (10, 30),
        Level.BACHELOR: (5, 20),
    }
    outcomes = []
    for program in programs:
        if program.status == ProgramStatus.DRAFT or rng.random() < 0.25:
            continue
        level = program.specialty.level
        values = {
            OutcomeMetric.EMPLOYMENT_RATE: rng.uniform(86, 98.5),
            OutcomeMetric.MATCH_RATE: rng.uniform(55, 88),
            OutcomeMetric.STARTING_SALARY: rng.randrange(*salary[level], 100),
            OutcomeMetric.CONTINUATION_RATE: rng.uniform(*continuation[level]),
        }
        outcomes += [
            ProgramOutcome(
                program=program,
                metric=metric,
                value=Decimal(f"{value:.1f}"),
                year=OUTCOME_YEAR,
                source=SAMPLE_SOURCE,
                is_sample=True,
            )
            for metric, value in values.items()
        ]
    return outcomes


@transaction.atomic
def sample_data_load() -> dict[str, LoadCounts]:
    """Write the sample 中职 schools, programs and outcomes. Needs the catalog and institutions loaded."""
    if not Specialty.objects.exists() or not Institution.objects.filter(is_sample=False).exists():
        raise RuntimeError("Load the catalog (load_catalog) and institutions (load_institutions) first.")
    rng = random.Random(SEED)
    reason = "load_sample_data"
    counts = {}
    counts["secondary_schools"], _ = upsert(
        model=Institution,
        key=("name",),
        instances=_secondary_schools(rng),
        fields=["kind", "district", "ownership", "authority", "source", "is_sample"],
        reason=reason,
    )
    _tag_model_schools(rng)
    institutions = list(Institution.objects.exclude(kind=InstitutionKind.GENERAL_BACHELOR))
    planned = _plan_programs(rng, institutions)
    counts["programs"], by_key = upsert(
        model=Program,
        key=("institution_id", "specialty_id", "academic_year"),
        instances=planned,
        fields=["status", "quota", "quota_source", "tuition", "tuition_source", "is_sample"],
        reason=reason,
    )
    for program in planned:
        saved = by_key[(program.institution_id, program.specialty_id, program.academic_year)]
        program.pk = saved.pk
    counts["outcomes"], _ = upsert(
        model=ProgramOutcome,
        key=("program_id", "metric", "year"),
        instances=_plan_outcomes(rng, planned),
        fields=["value", "source", "is_sample"],
        reason=reason,
    )
    return counts


def _tag_model_schools(rng: random.Random) -> None:
    """30 sample schools carry the 国家示范中职 tag, as 30 such schools exist in Chongqing (seed article)."""
    tag, _ = InstitutionTag.objects.get_or_create(
        name="国家示范中职（示例）", defaults={"description": "Sample tag on sample schools"}
    )
    sample_schools = list(Institution.objects.filter(is_sample=True, kind=InstitutionKind.SECONDARY).order_by("name"))
    chosen = {s.pk for s in rng.sample(sample_schools, min(30, len(sample_schools)))}
    tagged = set(tag.institutions.values_list("pk", flat=True))
    # Changed from the institution side, so each institution's history records its tags.
    for school in sample_schools:
        if school.pk in chosen - tagged:
            school.tags.add(tag)
        elif school.pk in tagged - chosen:
            school.tags.remove(tag)
