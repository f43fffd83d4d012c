"""Everything that writes the catalog."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from programs.districts import DISTRICTS
from programs.loading import DATA_DIR, SOURCE_DIR, LoadCounts, RowError, parse_links, parse_weight, read_csv, upsert
from programs.models import (
    DEFAULT_YEARS,
    Category,
    GBIndustry,
    IndustryCluster,
    Institution,
    InstitutionKind,
    Level,
    Ownership,
    Program,
    ProgramStatus,
    Specialty,
    SpecialtyClass,
    SpecialtyIndustry,
    level_for_code,
)

CATALOG_FILE = SOURCE_DIR / "vocational-2021.csv"
INSTITUTIONS_FILE = SOURCE_DIR / "chongqing-institutions-moe-2025.csv"
INSTITUTION_EXTRA_FILE = DATA_DIR / "institution-extra.csv"
GB_FILE = SOURCE_DIR / "gbt4754-2017-industries.csv"
CLUSTERS_FILE = DATA_DIR / "industry-clusters.csv"
CLASS_LINKS_FILE = DATA_DIR / "class-industries.csv"
KEYWORD_LINKS_FILE = DATA_DIR / "specialty-industry-keywords.csv"

CATALOG_SOURCE = "教育部《职业教育专业目录（2021年）》"
MOE_LIST_SOURCE = "教育部 全国高等学校名单 (2025-06-20)"
LEVEL_BY_SOURCE = {
    "VOCATIONAL_SECONDARY": Level.SECONDARY,
    "VOCATIONAL_ASSOCIATE": Level.ASSOCIATE,
    "VOCATIONAL_BACHELOR": Level.BACHELOR,
}
LINKS_SOURCE = "programs/data/class-industries.csv + specialty-industry-keywords.csv"
SPECIALTY_CODE = re.compile(r"^[0-9]{6}K?$")


def _parse_catalog(path: Path) -> tuple[list[Category], list[SpecialtyClass], list[Specialty]]:
    categories: dict[str, Category] = {}
    classes: dict[str, SpecialtyClass] = {}
    specialties: dict[str, Specialty] = {}
    columns = ["educationLevel", "itemLevel", "majorCode", "majorName", "parentCode"]
    for line, row in read_csv(path, columns):
        level = LEVEL_BY_SOURCE.get(row["educationLevel"])
        code, name, parent = row["majorCode"], row["majorName"], row["parentCode"]
        if level is None:
            raise RowError(path, line, f"unknown educationLevel {row['educationLevel']!r}")
        if not name:
            raise RowError(path, line, "the name is empty")
        if level_for_code(code) != level:
            raise RowError(path, line, f"code {code!r} does not fit level {row['educationLevel']}")
        item = row["itemLevel"]
        if item == "CATEGORY":
            if not re.fullmatch(r"[0-9]{2}", code):
                raise RowError(path, line, f"a 大类 code has 2 digits, got {code!r}")
            categories[code] = Category(level=level, code=code, name=name)
        elif item == "CLASS":
            if not re.fullmatch(r"[0-9]{4}", code) or parent not in categories or not code.startswith(parent):
                raise RowError(path, line, f"专业类 {code!r} needs a 4-digit code under a known 大类 ({parent!r})")
            classes[code] = SpecialtyClass(category=categories[parent], code=code, name=name)
        elif item == "MAJOR":
            if not SPECIALTY_CODE.fullmatch(code) or parent not in classes or not code.startswith(parent):
                raise RowError(path, line, f"专业 {code!r} needs a 6-digit code under a known 专业类 ({parent!r})")
            if code in specialties:
                raise RowError(path, line, f"duplicate specialty code {code}")
            specialties[code] = Specialty(
                specialty_class=classes[parent],
                level=level,
                code=code,
                name=name,
                years=DEFAULT_YEARS[level],
                source=CATALOG_SOURCE,
            )
        else:
            raise RowError(path, line, f"unknown itemLevel {item!r}")
    return list(categories.values()), list(classes.values()), list(specialties.values())


@transaction.atomic
def catalog_load(*, path: Path = CATALOG_FILE) -> dict[str, LoadCounts]:
    """Load 大类, 专业类 and 专业 from the national catalog file."""
    categories, classes, specialties = _parse_catalog(path)
    reason = f"load_catalog {path.name}"
    counts = {}
    counts["categories"], cat_by_code = upsert(
        model=Category, key=("code",), instances=categories, fields=["level", "name"], reason=reason
    )
    for cls in classes:
        cls.category = cat_by_code[(cls.category.code,)]
    counts["classes"], class_by_code = upsert(
        model=SpecialtyClass, key=("code",), instances=classes, fields=["category_id", "name"], reason=reason
    )
    for spec in specialties:
        spec.specialty_class = class_by_code[(spec.specialty_class.code,)]
    # Years and profile text are curated in the admin once loaded, so a reload keeps them.
    counts["specialties"], _ = upsert(
        model=Specialty,
        key=("code",),
        instances=specialties,
        fields=["specialty_class_id", "level", "name", "source"],
        reason=reason,
    )
    return counts


def _kind_from_moe(level: str, override: str) -> str:
    if override:
        return override
    return InstitutionKind.ASSOCIATE if level == "专科" else InstitutionKind.GENERAL_BACHELOR


def _parse_institution_extra(path: Path) -> dict[str, dict[str, str]]:
    extra: dict[str, dict[str, str]] = {}
    for line, row in read_csv(path, ["name", "district", "kind", "source"]):
        if row["district"] and row["district"] not in DISTRICTS:
            raise RowError(path, line, f"{row['district']!r} is not one of Chongqing's 38 districts")
        if row["kind"] and row["kind"] not in InstitutionKind.values:
            raise RowError(path, line, f"unknown institution kind {row['kind']!r}")
        extra[row["name"]] = row
    return extra


def _parse_institutions(path: Path, extra: dict[str, dict[str, str]]) -> list[Institution]:
    ownership = {"公办": Ownership.PUBLIC, "民办": Ownership.PRIVATE}
    institutions = []
    for line, row in read_csv(path, ["name", "code", "authority", "level", "ownership"]):
        if row["level"] not in {"本科", "专科"}:
            raise RowError(path, line, f"level must be 本科 or 专科, got {row['level']!r}")
        if row["ownership"] not in ownership:
            raise RowError(path, line, f"ownership must be 公办 or 民办, got {row['ownership']!r}")
        if not re.fullmatch(r"[0-9]{10}", row["code"]):
            raise RowError(path, line, f"an MOE code has 10 digits, got {row['code']!r}")
        more = extra.get(row["name"], {})
        source = MOE_LIST_SOURCE + (f"; {more['source']}" if more.get("source") else "")
        institutions.append(
            Institution(
                name=row["name"],
                moe_code=row["code"],
                authority=row["authority"],
                kind=_kind_from_moe(row["level"], more.get("kind", "")),
                district=more.get("district", ""),
                ownership=ownership[row["ownership"]],
                source=source,
                is_sample=False,
            )
        )
    return institutions


@transaction.atomic
def institutions_load(*, path: Path = INSTITUTIONS_FILE, extra_path: Path = INSTITUTION_EXTRA_FILE) -> LoadCounts:
    """Load Chongqing's higher-education institutions from the MOE list."""
    institutions = _parse_institutions(path, _parse_institution_extra(extra_path))
    counts, _ = upsert(
        model=Institution,
        key=("name",),
        instances=institutions,
        fields=["moe_code", "authority", "kind", "district", "ownership", "source", "is_sample"],
        reason=f"load_institutions {path.name}",
    )
    return counts


def _parse_gb(path: Path) -> list[tuple[int, str, list[str], dict[str, str]]]:
    """(level, code, ancestor codes, row) for every entry, parents before children."""
    rows, seen = [], set()
    for line, row in read_csv(path, ["section", "division", "group", "class", "level", "name", "remark"]):
        parts = [row["section"], row["division"], row["group"], row["class"]]
        if row["level"] not in {"1", "2", "3", "4"} or not all(parts[: int(row["level"])]):
            raise RowError(path, line, f"level {row['level']!r} does not match the codes given")
        level = int(row["level"])
        if parts[level - 1] in seen:
            raise RowError(path, line, f"duplicate code {parts[level - 1]}")
        seen.add(parts[level - 1])
        rows.append((level, parts[level - 1], parts[: level - 1], row))
    return sorted(rows, key=lambda r: r[0])


def _gb_load(path: Path, reason: str) -> LoadCounts:
    """Load level by level so each entry's parent is already in the database.

    The source file lacks some 中类 (3-digit) rows, so a 小类's parent is its nearest ancestor present.
    """
    rows = _parse_gb(path)
    total = LoadCounts()
    pk_by_code: dict[str, int] = {}
    for level in (1, 2, 3, 4):
        instances = [
            GBIndustry(
                code=code,
                level=lvl,
                name=row["name"],
                remark=row["remark"],
                parent_id=next((pk_by_code[a] for a in reversed(ancestors) if a in pk_by_code), None),
            )
            for lvl, code, ancestors, row in rows
            if lvl == level
        ]
        counts, by_code = upsert(
            model=GBIndustry,
            key=("code",),
            instances=instances,
            fields=["level", "name", "remark", "parent_id"],
            reason=reason,
        )
        pk_by_code.update({code: obj.pk for (code,), obj in by_code.items()})
        total.created += counts.created
        total.updated += counts.updated
        total.unchanged += counts.unchanged
    return total


def _parse_clusters(path: Path, gb_codes: set[str]) -> tuple[list[IndustryCluster], dict[str, list[str]]]:
    clusters, gb_links = [], {}
    cols = ["code", "name", "name_en", "tier", "position", "verified", "gb_codes", "description"]
    for line, row in read_csv(path, cols):
        if row["tier"] not in {"leading", "pillar", "distinctive", "new_star", "service", "other"}:
            raise RowError(path, line, f"unknown tier {row['tier']!r}")
        if row["verified"] not in {"true", "false"}:
            raise RowError(path, line, "verified must be true or false")
        unknown = [c for c in row["gb_codes"].split() if c not in gb_codes]
        if unknown:
            raise RowError(path, line, f"unknown GB/T 4754-2017 codes: {', '.join(unknown)}")
        clusters.append(
            IndustryCluster(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                tier=row["tier"],
                position=int(row["position"]),
                verified=row["verified"] == "true",
                description=row["description"],
                source="重庆“33618”现代制造业集群体系; see programs/data/README.md",
            )
        )
        gb_links[row["code"]] = row["gb_codes"].split()
    return clusters, gb_links


def _parse_specialty_links(
    class_path: Path, keyword_path: Path, cluster_ids: dict[str, int], specialties: QuerySet[Specialty]
) -> list[SpecialtyIndustry]:
    clusters = set(cluster_ids)
    by_class: dict[str, dict[str, Decimal]] = {}
    for line, row in read_csv(class_path, ["class_name", "links"]):
        by_class[row["class_name"]] = parse_links(class_path, line, row["links"], clusters)
    keywords: list[tuple[str, str, Decimal]] = []
    for line, row in read_csv(keyword_path, ["keyword", "cluster", "weight"]):
        if row["cluster"] not in clusters:
            raise RowError(keyword_path, line, f"unknown industry cluster {row['cluster']!r}")
        keywords.append((row["keyword"], row["cluster"], parse_weight(keyword_path, line, row["weight"])))
    links = []
    for spec in specialties.select_related("specialty_class"):
        weights: dict[str, Decimal] = defaultdict(Decimal, by_class.get(spec.specialty_class.name, {}))
        for keyword, cluster, weight in keywords:
            if keyword in spec.name:
                weights[cluster] = max(weights[cluster], weight)
        links += [
            SpecialtyIndustry(specialty=spec, cluster_id=cluster_ids[code], weight=weight, source=LINKS_SOURCE)
            for code, weight in weights.items()
        ]
    return links


@transaction.atomic
def industries_load(
    *,
    gb_path: Path = GB_FILE,
    clusters_path: Path = CLUSTERS_FILE,
    class_links_path: Path = CLASS_LINKS_FILE,
    keyword_links_path: Path = KEYWORD_LINKS_FILE,
) -> dict[str, LoadCounts]:
    """Load GB/T 4754-2017, the 33618 clusters and every specialty's weighted links to them."""
    reason = "load_industries"
    counts = {"gb_industries": _gb_load(gb_path, reason)}
    gb_by_code = {g.code: g for g in GBIndustry.objects.all()}
    clusters, gb_links = _parse_clusters(clusters_path, set(gb_by_code))
    counts["clusters"], cluster_by_code = upsert(
        model=IndustryCluster,
        key=("code",),
        instances=clusters,
        fields=["name", "name_en", "tier", "position", "verified", "description", "source"],
        reason=reason,
    )
    for (code,), cluster in cluster_by_code.items():
        wanted = {gb_by_code[c].pk for c in gb_links.get(code, [])}
        if set(cluster.gb_industries.values_list("pk", flat=True)) != wanted:
            cluster.gb_industries.set(wanted)
    ids = {code: cluster.pk for (code,), cluster in cluster_by_code.items()}
    links = _parse_specialty_links(class_links_path, keyword_links_path, ids, Specialty.objects.all())
    counts["specialty_links"], _ = upsert(
        model=SpecialtyIndustry,
        key=("specialty_id", "cluster_id"),
        instances=links,
        fields=["weight", "source"],
        reason=reason,
    )
    return counts


@transaction.atomic
def programs_set_status(*, programs: QuerySet[Program], status: str, reason: str) -> int:
    """Publish or archive programs, one history row each. Returns how many changed."""
    if status not in ProgramStatus.values:
        raise ValueError(f"unknown status {status!r}")
    changed = 0
    for program in programs.select_for_update().exclude(status=status):
        program.status = status
        program._change_reason = reason  # type: ignore[attr-defined]  # simple_history reads it
        program.save(update_fields=["status"])
        changed += 1
    return changed
