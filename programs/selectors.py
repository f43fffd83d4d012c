"""Reads that span relations: the public catalog's lists and pages, and the health report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.utils.translation import gettext as _

from programs.models import (
    Category,
    ClusterTier,
    IndustryCluster,
    Institution,
    InstitutionKind,
    Level,
    Occupation,
    OutcomeMetric,
    ProfileStatus,
    Program,
    ProgramOutcome,
    ProgramStatus,
    Specialty,
    SpecialtyIndustry,
    SpecialtyOccupation,
)
from programs.profiles import SpecialtyFacts, specialty_facts


@dataclass(frozen=True)
class CatalogFilters:
    """What a visitor filters by. Empty strings mean "any"; unknown values match nothing."""

    q: str = ""
    level: str = ""
    category: str = ""
    district: str = ""
    cluster: str = ""
    kind: str = ""


def catalog_counts() -> dict[str, object]:
    """Counts for `catalog_report`: specialties and 大类 per level, institutions per kind, and so on."""

    def by(qs: QuerySet, field: str, choices: list[str]) -> dict[str, int]:
        found = dict(qs.values_list(field).annotate(n=Count("pk")).order_by())
        return {choice: found.get(choice, 0) for choice in choices}

    unlinked = Specialty.objects.filter(~Exists(SpecialtyIndustry.objects.filter(specialty=OuterRef("pk"))))
    return {
        "specialties_per_level": by(Specialty.objects.all(), "level", Level.values),
        "categories_per_level": by(Category.objects.all(), "level", Level.values),
        "institutions_per_kind": by(Institution.objects.all(), "kind", InstitutionKind.values),
        "programs_per_status": by(Program.objects.all(), "status", ProgramStatus.values),
        "industries_per_tier": by(IndustryCluster.objects.all(), "tier", ClusterTier.values),
        "specialties_without_industry": unlinked.count(),
        "specialties_without_industry_codes": list(unlinked.values_list("code", flat=True)[:50]),
        "sample_institutions": Institution.objects.filter(is_sample=True).count(),
        "sample_programs": Program.objects.filter(is_sample=True).count(),
        **_profile_counts(by),
    }


def _profile_counts(by: Callable[[QuerySet, str, list[str]], dict[str, int]]) -> dict[str, object]:
    """The 2021 catalog beside its later additions, and the Ministry's profiles, 接续 links and occupations."""
    catalog, additions = Specialty.objects.filter(is_addition=False), Specialty.objects.filter(is_addition=True)
    without = catalog.exclude(profile_status=ProfileStatus.LOADED).order_by("code")
    return {
        "catalog_2021_per_level": by(catalog, "level", Level.values),
        "additions_per_level": by(additions, "level", Level.values),
        "additions_unverified": additions.filter(addition_verified=False).count(),
        "profiles_per_level": by(catalog.filter(profile_status=ProfileStatus.LOADED), "level", Level.values),
        "specialties_without_profile": [
            {"code": s.code, "name": s.name, "status": s.profile_status, "reason": str(s.get_profile_status_display())}
            for s in without
        ],
        "follow_on_links": Specialty.follow_on.through.objects.count(),
        "occupations": Occupation.objects.count(),
        "specialties_with_occupations": Specialty.objects.filter(occupation_links__isnull=False).distinct().count(),
    }


def specialty_counts_per_level(*, additions: bool = False) -> dict[str, int]:
    """Specialties per level of the 2021 catalog, or (with `additions`) of the later additions."""
    qs = Specialty.objects.filter(is_addition=additions)
    return dict(qs.values_list("level").annotate(n=Count("pk")).order_by())


def specialties_search(*, filters: CatalogFilters) -> QuerySet[Specialty]:
    qs = Specialty.objects.search(filters.q).select_related("specialty_class__category")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.category:
        qs = qs.filter(specialty_class__category__code=filters.category)
    if filters.cluster:
        qs = qs.filter(industry_links__cluster__code=filters.cluster)
    if filters.district:
        qs = qs.filter(
            Exists(Program.objects.published().filter(specialty=OuterRef("pk"), institution__district=filters.district))
        )
    published = Q(programs__status=ProgramStatus.PUBLISHED)
    return qs.annotate(program_count=Count("programs", filter=published, distinct=True)).order_by("code")


def programs_search(*, filters: CatalogFilters) -> QuerySet[Program]:
    """Published programs matching the filters, ordered by specialty code then institution."""
    qs = Program.objects.published().search(filters.q)
    if filters.level:
        qs = qs.filter(specialty__level=filters.level)
    if filters.category:
        qs = qs.filter(specialty__code__startswith=filters.category)
    if filters.district:
        qs = qs.filter(institution__district=filters.district)
    if filters.kind:
        qs = qs.filter(institution__kind=filters.kind)
    if filters.cluster:
        qs = qs.filter(
            Exists(SpecialtyIndustry.objects.filter(specialty=OuterRef("specialty"), cluster__code=filters.cluster))
        )
    return qs.select_related("institution", "specialty").order_by("specialty__code", "institution__name", "pk")


def _latest_outcomes() -> Prefetch:
    return Prefetch("outcomes", queryset=ProgramOutcome.objects.order_by("metric", "-year"))


def specialty_detail(*, code: str) -> Specialty | None:
    return (
        Specialty.objects.select_related("specialty_class__category")
        .prefetch_related(
            Prefetch(
                "industry_links", queryset=SpecialtyIndustry.objects.select_related("cluster").order_by("-weight")
            ),
            Prefetch(
                "programs",
                queryset=Program.objects.published()
                .select_related("institution")
                .prefetch_related(_latest_outcomes())
                .order_by("institution__district", "institution__name"),
                to_attr="published_programs",
            ),
            Prefetch(
                "occupation_links",
                queryset=SpecialtyOccupation.objects.select_related("occupation").order_by("position"),
                to_attr="occupation_list",
            ),
            Prefetch("follow_on", queryset=Specialty.objects.order_by(_level_rank(), "code")),
            "preceded_by",
        )
        .filter(code=code)
        .first()
    )


def specialties_facts() -> dict[str, SpecialtyFacts]:
    """Every specialty's short facts for a recommendation's reason, by code. Two queries."""
    names: dict[int, list[str]] = defaultdict(list)
    links = SpecialtyOccupation.objects.order_by("specialty_id", "position")
    for specialty_id, name in links.values_list("specialty_id", "occupation__name"):
        names[specialty_id].append(name)
    rows = Specialty.objects.values_list("pk", "code", "name", "occupations", "courses")
    return {
        code: specialty_facts(name=name, occupations=occupations, courses=courses, occupation_names=names[pk])
        for pk, code, name, occupations, courses in rows
    }


def follow_on_with_programs(*, specialty: Specialty) -> QuerySet[Specialty]:
    """The Ministry's 接续专业 of `specialty`, each with how many published programs run it (高职专科 first)."""
    published = Q(programs__status=ProgramStatus.PUBLISHED)
    counted = specialty.follow_on.annotate(program_count=Count("programs", filter=published, distinct=True))
    return counted.order_by(_level_rank(), "code")


def _level_rank() -> Case:
    """中职, then 高职专科, then 职业本科: the order a student climbs them."""
    return Case(*(When(level=level, then=rank) for rank, level in enumerate(Level.values)), output_field=IntegerField())


def specialty_related_at_other_levels(*, specialty: Specialty) -> QuerySet[Specialty]:
    """Specialties of the same 专业类 at the other levels: the catalog's parallel class logic."""
    suffix = specialty.specialty_class.code[2:]
    position = int(specialty.code[:2]) % 20
    other_class_codes = [
        f"{base + position:02d}{suffix}" for base in (60, 40, 20) if base + position != int(specialty.code[:2])
    ]
    return Specialty.objects.filter(specialty_class__code__in=other_class_codes).order_by("code")


def program_detail(*, program_id: int) -> Program | None:
    return (
        Program.objects.exclude(status=ProgramStatus.DRAFT)
        .select_related("institution", "specialty__specialty_class__category")
        .prefetch_related(_latest_outcomes(), "institution__tags")
        .filter(pk=program_id)
        .first()
    )


def institution_detail(*, institution_id: int) -> Institution | None:
    programs = Program.objects.published().select_related("specialty").order_by("specialty__code")
    return (
        Institution.objects.prefetch_related(
            "tags", Prefetch("programs", queryset=programs, to_attr="published_programs")
        )
        .filter(pk=institution_id)
        .first()
    )


def institutions_search(*, filters: CatalogFilters) -> QuerySet[Institution]:
    qs = Institution.objects.all()
    if filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.district:
        qs = qs.filter(district=filters.district)
    published = Q(programs__status=ProgramStatus.PUBLISHED)
    return qs.annotate(program_count=Count("programs", filter=published)).order_by("kind", "name")


def clusters_by_tier() -> list[tuple[str, list[IndustryCluster]]]:
    clusters = IndustryCluster.objects.annotate(specialty_count=Count("specialty_links")).order_by("position")
    grouped: dict[str, list[IndustryCluster]] = {tier: [] for tier in ClusterTier.values}
    for cluster in clusters:
        grouped[cluster.tier].append(cluster)
    return [(str(ClusterTier(tier).label), items) for tier, items in grouped.items() if items]


def cluster_detail(*, code: str) -> IndustryCluster | None:
    links = SpecialtyIndustry.objects.select_related("specialty").order_by("-weight", "specialty__code")
    return (
        IndustryCluster.objects.prefetch_related("gb_industries", Prefetch("specialty_links", queryset=links))
        .filter(code=code)
        .first()
    )


COMPARE_MIN, COMPARE_MAX = 2, 4  # programs side by side: fewer says nothing, more no longer fits a phone


class CompareRefused(ValueError):
    """Not two to four distinct programs of the public catalog."""


def programs_compare(*, ids: list[int]) -> list[Program]:
    """Two to four public (published or archived) programs, in the order asked, with what a comparison shows:
    the latest outcomes, the specialty's industries (by weight) and what its graduates do."""
    wanted = list(dict.fromkeys(ids))
    if not COMPARE_MIN <= len(wanted) <= COMPARE_MAX:
        raise CompareRefused(
            _("Choose %(min)s to %(max)s different programs to compare; %(n)s were chosen.")
            % {"min": COMPARE_MIN, "max": COMPARE_MAX, "n": len(wanted)}
        )
    found = {
        program.pk: program
        for program in Program.objects.exclude(status=ProgramStatus.DRAFT)
        .select_related("institution", "specialty")
        .prefetch_related(
            _latest_outcomes(),
            Prefetch(
                "specialty__industry_links",
                queryset=SpecialtyIndustry.objects.select_related("cluster").order_by("-weight", "cluster__position"),
            ),
            Prefetch(
                "specialty__occupation_links",
                queryset=SpecialtyOccupation.objects.select_related("occupation").order_by("position"),
                to_attr="occupation_list",
            ),
        )
        .filter(pk__in=wanted)
    }
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise CompareRefused(_("No public program has the number %(ids)s.") % {"ids": "、".join(missing)})
    return [found[pk] for pk in wanted]


@dataclass(frozen=True)
class ComparisonRow:
    """One line of the comparison: a label and one value per program (None where not published)."""

    label: str
    values: list[object]


def comparison_outcomes(programs: list[Program]) -> list[ComparisonRow]:
    """Per outcome metric that any of the programs reports, each program's latest figure (or None)."""
    latest: list[dict[str, ProgramOutcome]] = []
    for program in programs:
        by_metric: dict[str, ProgramOutcome] = {}
        for outcome in program.outcomes.all():  # ordered by metric, newest year first
            by_metric.setdefault(outcome.metric, outcome)
        latest.append(by_metric)
    return [
        ComparisonRow(str(label), [row.get(metric) for row in latest])
        for metric, label in OutcomeMetric.choices
        if any(metric in row for row in latest)
    ]
