"""Reads that span relations: the public catalog's lists and pages, and the health report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from programs.models import (
    Category,
    ClusterTier,
    IndustryCluster,
    Institution,
    InstitutionKind,
    Level,
    Program,
    ProgramOutcome,
    ProgramStatus,
    Specialty,
    SpecialtyIndustry,
)


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
    }


def specialty_counts_per_level() -> dict[str, int]:
    return dict(Specialty.objects.values_list("level").annotate(n=Count("pk")).order_by())


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
            "follow_on",
            "preceded_by",
        )
        .filter(code=code)
        .first()
    )


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
