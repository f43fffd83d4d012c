"""Everything that writes the catalog."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from programs.districts import DISTRICTS
from programs.loading import (
    DATA_DIR,
    SOURCE_DIR,
    LoadCounts,
    RowError,
    parse_links,
    parse_weight,
    read_csv,
    read_xlsx,
    upsert,
)
from programs.models import (
    DEFAULT_YEARS,
    Category,
    GBIndustry,
    IndustryCluster,
    Institution,
    InstitutionKind,
    Level,
    Occupation,
    Ownership,
    ProfileStatus,
    Program,
    ProgramStatus,
    Specialty,
    SpecialtyClass,
    SpecialtyIndustry,
    SpecialtyOccupation,
    level_for_code,
)
from programs.profiles import ORDER, PROFILE_SOURCE, Profile, class_profiles

CATALOG_FILE = SOURCE_DIR / "vocational-2021.csv"
INSTITUTIONS_FILE = SOURCE_DIR / "chongqing-institutions-moe-2025.csv"
INSTITUTION_EXTRA_FILE = DATA_DIR / "institution-extra.csv"
GB_FILE = SOURCE_DIR / "gbt4754-2017-industries.csv"
CLUSTERS_FILE = DATA_DIR / "industry-clusters.csv"
CLASS_LINKS_FILE = DATA_DIR / "class-industries.csv"
KEYWORD_LINKS_FILE = DATA_DIR / "specialty-industry-keywords.csv"
PROFILES_DIR = SOURCE_DIR / "moe-profiles-2022"
FOLLOW_ON_RENAMES_FILE = DATA_DIR / "follow-on-renames.csv"
OCCUPATIONS_FILE = SOURCE_DIR / "specialty-occupations-2023.xlsx"
OCCUPATION_CODES_FILE = SOURCE_DIR / "occupations-2022-ocr.csv"
# The three sheets of the table for our levels; the fourth (普通本科) is for a catalog this product does not hold.
OCCUPATION_SHEETS = ("中职-专业职业对照", "高职专业-专业职业对照", "职教本科-专业职业对照")
OCCUPATION_CODE = re.compile(r"^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$")

CATALOG_SOURCE = "教育部《职业教育专业目录（2021年）》"
ADDITIONS_FILE = SOURCE_DIR / "vocational-catalog-with-additions-2025.xlsx"
ADDITIONS_SHEET = "全部专业"
ADDITIONS_SOURCE = "职业教育专业目录增补（二手汇编，待核实）"
ADDITION_LEVELS = {"中职": Level.SECONDARY, "高职专科": Level.ASSOCIATE, "职教本科": Level.BACHELOR}
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


def _parse_additions(
    path: Path, known: set[str], classes: dict[str, SpecialtyClass], categories: dict[str, Category]
) -> tuple[list[SpecialtyClass], list[Specialty]]:
    """The compilation's rows whose code the 2021 catalog lacks (its codes drop the K suffix, so compare without),
    and the 专业类 that only additions have (e.g. 3304 统计类 at 职业本科)."""
    additions: dict[str, Specialty] = {}
    new_classes: dict[str, SpecialtyClass] = {}
    columns = ["专业代码", "专业名称", "专业类代码", "专业类", "专业大类代码", "层次", "备注"]
    for line, row in read_xlsx(path, ADDITIONS_SHEET, columns):
        code, name, class_code = row["专业代码"], row["专业名称"], row["专业类代码"]
        level = ADDITION_LEVELS.get(row["层次"])
        if level is None:
            raise RowError(path, line, f"unknown 层次 {row['层次']!r}")
        if not SPECIALTY_CODE.fullmatch(code) or level_for_code(code) != level or not code.startswith(class_code):
            raise RowError(path, line, f"专业代码 {code!r} does not fit 层次 {row['层次']} and 专业类 {class_code}")
        if not name:
            raise RowError(path, line, "the name is empty")
        if code.rstrip("K") in known:
            continue
        if class_code not in classes and class_code not in new_classes:
            category = categories.get(row["专业大类代码"])
            if category is None or not class_code.startswith(category.code) or not row["专业类"]:
                raise RowError(path, line, f"专业类 {class_code!r} needs a name and a known 大类")
            new_classes[class_code] = SpecialtyClass(category=category, code=class_code, name=row["专业类"])
        if code in additions:
            raise RowError(path, line, f"duplicate specialty code {code}")
        year = re.match(r"([0-9]{4})年", row["备注"])
        additions[code] = Specialty(
            specialty_class=classes.get(class_code) or new_classes[class_code],
            level=level,
            code=code,
            name=name,
            years=DEFAULT_YEARS[level],
            source=ADDITIONS_SOURCE,
            is_addition=True,
            added_in=int(year.group(1)) if year else None,
            profile_status=ProfileStatus.ADDITION,
        )
    return list(new_classes.values()), list(additions.values())


@transaction.atomic
def additions_load(*, path: Path = ADDITIONS_FILE) -> LoadCounts:
    """Load the specialties added to the catalog after 2021, from a secondary compilation, marked 待核实.

    An admin confirms each against the Ministry's 增补 notice (`addition_verified`), which a reload keeps.
    """
    known = {code.rstrip("K") for code in Specialty.objects.filter(is_addition=False).values_list("code", flat=True)}
    classes = {c.code: c for c in SpecialtyClass.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    new_classes, additions = _parse_additions(path, known, classes, categories)
    reason = f"load_catalog {path.name}"
    _, classes_now = upsert(
        model=SpecialtyClass, key=("code",), instances=new_classes, fields=["category_id", "name"], reason=reason
    )
    for specialty in additions:
        specialty.specialty_class = classes_now[(specialty.specialty_class.code,)]
    fields = ["specialty_class_id", "level", "name", "source", "is_addition", "added_in", "profile_status"]
    counts, _ = upsert(model=Specialty, key=("code",), instances=additions, fields=fields, reason=reason)
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


# The Ministry's 专业简介 (2022) and the 接续专业 links ----------------------------------------------------------------


@dataclass
class ProfilesReport:
    specialties: LoadCounts
    follow_on_links: int
    follow_on_unmatched: list[str]  # "460101 机械设计与制造 → 职业本科 某某" for names that match no specialty
    placed_by: dict[str, int]  # how many blocks were matched by "code", "name" or "position"

    def __str__(self) -> str:
        placed = ", ".join(f"{n} by {how}" for how, n in sorted(self.placed_by.items()))
        return (
            f"specialties {self.specialties} (blocks placed {placed}); {self.follow_on_links} follow-on links, "
            f"{len(self.follow_on_unmatched)} follow-on names that match no specialty"
        )


def _follow_on_renames(path: Path) -> dict[tuple[str, str], str]:
    """(level, name as the 简介 writes it) -> the catalog's name."""
    renames = {}
    for line, row in read_csv(path, ["level", "name", "catalog_name"]):
        if row["level"] not in Level.values:
            raise RowError(path, line, f"unknown level {row['level']!r}")
        renames[(row["level"], row["name"])] = row["catalog_name"]
    return renames


FOLLOW_ON_LEVELS: dict[str, tuple[str, ...]] = {
    Level.SECONDARY: ("associate", "bachelor"),
    Level.ASSOCIATE: ("bachelor",),
}


def _profile_fields(profile: Profile, current: Specialty) -> Specialty:
    incoming = Specialty(code=current.code, **profile.fields)
    incoming.years = profile.years or current.years
    incoming.follow_on_undergraduate = "、".join(profile.follow_on.get("undergraduate", []))
    incoming.profile_status, incoming.profile_source = ProfileStatus.LOADED, PROFILE_SOURCE
    return incoming


PROFILE_FIELDS = [*ORDER[:-1], "follow_on_undergraduate", "years", "profile_status", "profile_source"]


@transaction.atomic
def profiles_load(*, directory: Path = PROFILES_DIR, renames_path: Path = FOLLOW_ON_RENAMES_FILE) -> ProfilesReport:
    """Load every specialty's 专业简介 and its 接续专业 from the Ministry's Markdown files. Idempotent.

    A block that cannot be placed in its 专业类 raises RowError (file and line) and nothing is written. A 接续 name is
    matched to a specialty of the next level by its exact name, then through `follow-on-renames.csv`; the names that
    match neither are reported.
    """
    specialties = list(Specialty.objects.filter(is_addition=False).select_related("specialty_class").order_by("code"))
    by_class: dict[str, list[Specialty]] = defaultdict(list)
    for specialty in specialties:
        by_class[specialty.specialty_class.code].append(specialty)
    status = {s.code: ProfileStatus.NO_FILE for s in specialties}
    profiles: dict[str, Profile] = {}
    placed_by: dict[str, int] = defaultdict(int)
    for path in sorted(directory.glob("*.md")):
        members = by_class.get(path.name[:4], [])
        found = class_profiles(path, [(s.code, s.name) for s in members])
        if found.unplaced:
            line, reason = found.unplaced[0]
            raise RowError(path, line, reason)
        for specialty in members:
            status[specialty.code] = ProfileStatus.NOT_FOUND
        for code in found.omitted:
            status[code] = ProfileStatus.OMITTED
        for profile in found.profiles:
            profiles[profile.code] = profile
            placed_by[profile.how] += 1
    reason = "load_profiles 2022"
    loaded = [_profile_fields(profiles[s.code], s) for s in specialties if s.code in profiles]
    counts, _ = upsert(model=Specialty, key=("code",), instances=loaded, fields=PROFILE_FIELDS, reason=reason)
    # Without a profile only the status changes: text an admin typed for such a specialty stays.
    missing = [Specialty(code=s.code, profile_status=status[s.code]) for s in specialties if s.code not in profiles]
    more, _ = upsert(model=Specialty, key=("code",), instances=missing, fields=["profile_status"], reason=reason)
    counts += more
    links, unmatched = _follow_on_links(specialties, profiles, _follow_on_renames(renames_path))
    return ProfilesReport(
        specialties=counts, follow_on_links=links, follow_on_unmatched=unmatched, placed_by=dict(placed_by)
    )


def _follow_on_links(
    specialties: list[Specialty], profiles: dict[str, Profile], renames: dict[tuple[str, str], str]
) -> tuple[int, list[str]]:
    """Set each profiled specialty's follow_on to the named next-level specialties; return (links, unmatched)."""
    names = {(s.level, s.name): s.pk for s in Specialty.objects.all()}
    wanted: dict[int, set[int]] = {}
    unmatched = []
    for specialty in specialties:
        profile = profiles.get(specialty.code)
        if profile is None:
            continue
        targets: set[int] = set()
        for level in FOLLOW_ON_LEVELS.get(specialty.level, ()):
            for name in profile.follow_on.get(level, []):
                pk = names.get((level, name)) or names.get((level, renames.get((level, name), "")))
                if pk is None:
                    unmatched.append(f"{specialty.code} {specialty.name} → {Level(level).label} {name}")
                else:
                    targets.add(pk)
        wanted[specialty.pk] = targets
    through = Specialty.follow_on.through
    current: dict[int, set[int]] = defaultdict(set)
    for source, target in through.objects.values_list("from_specialty_id", "to_specialty_id"):
        current[source].add(target)
    by_pk = {s.pk: s for s in specialties}
    for pk, targets in wanted.items():
        if current[pk] != targets:
            by_pk[pk].follow_on.set(targets)
    return sum(len(t) for t in wanted.values()), unmatched


# What graduates do: the specialty–occupation table ---------------------------------------------------------------


@dataclass
class OccupationsReport:
    occupations: LoadCounts
    links: LoadCounts
    not_in_code_list: list[str]  # "code name" of occupations the OCR'd 2022 list lacks
    names_differ: list[str]  # "code: table name / OCR name", where the table's name is kept

    def __str__(self) -> str:
        return (
            f"occupations {self.occupations}; links {self.links}; {len(self.not_in_code_list)} codes not in the "
            f"OCR'd 2022 list, {len(self.names_differ)} names that differ from it (the table's name is kept)"
        )


def _parse_occupation_table(path: Path, specialties: dict[str, int]) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """(occupation code -> name, [(specialty pk, occupation code)] in the table's order)."""
    names: dict[str, str] = {}
    links: list[tuple[int, str]] = []
    for sheet in OCCUPATION_SHEETS:
        for line, row in read_xlsx(path, sheet, ["专业代码", "专业名称", "职业编码", "职业名称"]):
            where = f"{sheet}, row {line}"
            code, occupation, name = row["专业代码"], row["职业编码"], row["职业名称"]
            if not SPECIALTY_CODE.fullmatch(code):
                raise RowError(path, line, f"{where}: 专业代码 {code!r} is not a 6-digit code")
            if not OCCUPATION_CODE.fullmatch(occupation) or not name:
                raise RowError(path, line, f"{where}: 职业编码 {occupation!r} is not of the form 6-18-01-01")
            specialty = specialties.get(code.rstrip("K"))
            if specialty is None:
                raise RowError(path, line, f"{where}: unknown specialty {code} {row['专业名称']}")
            if names.setdefault(occupation, name) != name:
                raise RowError(path, line, f"{where}: {occupation} is named both {names[occupation]} and {name}")
            links.append((specialty, occupation))
    return names, links


@transaction.atomic
def occupations_load(*, path: Path = OCCUPATIONS_FILE, codes_path: Path = OCCUPATION_CODES_FILE) -> OccupationsReport:
    """Link every specialty to its 职业分类大典 (2022) occupations from 人社部's 2023 table. Idempotent.

    The OCR'd code list checks the table: a code it lacks, or a name it spells otherwise, is reported; the table's
    name is kept (the OCR's, where it differs, is kept beside it).
    """
    specialties = {code.rstrip("K"): pk for code, pk in Specialty.objects.values_list("code", "pk")}
    names, links = _parse_occupation_table(path, specialties)
    ocr = {row["code"]: row["name"] for _line, row in read_csv(codes_path, ["code", "name"])}
    occupations = [
        Occupation(code=code, name=name, ocr_name=ocr.get(code, "") if ocr.get(code, name) != name else "")
        for code, name in sorted(names.items())
    ]
    reason = f"load_occupations {path.name}"
    occupation_counts, by_code = upsert(
        model=Occupation, key=("code",), instances=occupations, fields=["name", "ocr_name"], reason=reason
    )
    positions: dict[int, int] = defaultdict(int)
    wanted = []
    for specialty, code in dict.fromkeys(links):
        wanted.append(
            SpecialtyOccupation(specialty_id=specialty, occupation=by_code[(code,)], position=positions[specialty])
        )
        positions[specialty] += 1
    link_counts, _ = upsert(
        model=SpecialtyOccupation,
        key=("specialty_id", "occupation_id"),
        instances=wanted,
        fields=["position"],
        reason=reason,
    )
    keep = {(link.specialty_id, link.occupation_id) for link in wanted}
    stale = [
        pk
        for pk, specialty, occupation in SpecialtyOccupation.objects.values_list("pk", "specialty_id", "occupation_id")
        if (specialty, occupation) not in keep
    ]
    SpecialtyOccupation.objects.filter(pk__in=stale).delete()
    return OccupationsReport(
        occupations=occupation_counts,
        links=link_counts,
        not_in_code_list=[f"{o.code} {o.name}" for o in occupations if o.code not in ocr],
        names_differ=[f"{o.code}: {o.name} / {o.ocr_name}" for o in occupations if o.ocr_name],
    )
