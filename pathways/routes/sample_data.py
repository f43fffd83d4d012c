"""Labelled sample articulations for Chongqing, built from the national follow-on logic.

No public list says which 中职 program feeds which 高职 or 本科 program, so the partners are chosen plausibly: a
program of a specialty the Ministry lists as 接续 (its 2022 专业简介, `Specialty.follow_on`), in the same area of the
city where one exists. Only a specialty with no 接续 list at that level falls back to the same 专业类 at the next
level (71 02 ↔ 51 02 ↔ 31 02), and its row's source says so. The published orders of size are kept: 3+4 had 800
places over 16 专业点 (2021), and 五年制 had 15 中职 schools and 34 专业点 feeding 8 高职 colleges with 2,000 places.
Sizes with no published figure (3+2, 五年一贯制, 专本贯通, the open exams) are picked to be plausible. Every row is
is_sample=True. The generator is seeded: a second run writes nothing.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction

from pathways.models import Articulation, RouteKind, SpecialtySkillCategory
from pathways.models.validation import articulation_check
from programs.districts import AREA_OF_DISTRICT
from programs.loading import LoadCounts, upsert
from programs.models import InstitutionKind, Level, Program, Specialty, SpecialtyClass
from programs.sample_data import ACADEMIC_YEAR, SAMPLE_SOURCE

SEED = 2021
CLASS_FALLBACK_SOURCE = f"{SAMPLE_SOURCE}; 按同一专业类配对（该专业无接续专业举例）"
# Colleges named in the seed articles that run 五年制 in this sample; the list is filled up to 8.
FIVE_YEAR_COLLEGES = [
    "重庆三峡职业学院",
    "重庆城市职业学院",
    "重庆公共运输职业学院",
    "重庆城市管理职业学院",
    "重庆工程职业技术学院",
    "重庆电力高等专科学校",
    "重庆科创职业学院",
]


@dataclass(frozen=True)
class Size:
    programs: int
    places: int
    schools: int = 0
    colleges: int = 0


THREE_FOUR = Size(programs=16, places=800)  # published, 2021
FIVE_YEAR = Size(programs=34, places=2000, schools=15, colleges=8)  # published, 2021
THREE_TWO = Size(programs=80, places=3600, schools=40, colleges=16)  # sample size, no published figure
FIVE_YEAR_INTEGRATED = Size(programs=24, places=1080, colleges=8)  # sample size
ASSOCIATE_BACHELOR = Size(programs=10, places=400)  # sample size

FIELDS = [
    "quota",
    "first_years",
    "second_years",
    "same_specialty_required",
    "is_sample",
    "source",
]
KEY = ("route_id", "academic_year", "from_program_id", "from_skill_category_id", "from_class_id", "to_program_id")


def counterpart_class(code: str, level: str) -> str:
    """The same 专业类 at another level: 7102 (中职) ↔ 5102 (高职专科) ↔ 3102 (职业本科)."""
    offset: dict[str, int] = {Level.SECONDARY: 60, Level.ASSOCIATE: 40, Level.BACHELOR: 20}
    return f"{offset[level] + int(code[:2]) % 20:02d}{code[2:]}"


def split_places(rng: random.Random, total: int, parts: int, step: int = 5) -> list[int]:
    """`parts` quotas in multiples of `step` that add up to `total` exactly."""
    weights = [rng.uniform(0.75, 1.25) for _ in range(parts)]
    quotas = [max(step, round(total * w / sum(weights) / step) * step) for w in weights]
    quotas[-1] += total - sum(quotas)
    return quotas


class Catalog:
    """The published 2025 programs, indexed the ways the generator asks for them."""

    def __init__(self) -> None:
        programs = (
            Program.objects.published()
            .filter(academic_year=ACADEMIC_YEAR)
            .select_related("institution", "specialty__specialty_class")
            .order_by("pk")
        )
        self.by_level_class: dict[tuple[str, str], list[Program]] = defaultdict(list)
        self.by_level: dict[str, list[Program]] = defaultdict(list)
        self.by_specialty: dict[int, list[Program]] = defaultdict(list)
        for program in programs:
            level = program.specialty.level
            self.by_level_class[(level, program.specialty.specialty_class.code)].append(program)
            self.by_level[level].append(program)
            self.by_specialty[program.specialty_id].append(program)
        self.follow_on: dict[tuple[int, str], set[int]] = defaultdict(set)  # (specialty, later level) -> specialties
        links = Specialty.follow_on.through.objects.values_list(
            "from_specialty_id", "to_specialty_id", "to_specialty__level"
        )
        for earlier, later, level in links:
            self.follow_on[(earlier, level)].add(later)

    def by_follow_on(self, program: Program, level: str) -> bool:
        """Whether the program's specialty has a 接续 list at `level` (else its partners follow the 专业类)."""
        return (program.specialty_id, level) in self.follow_on

    def partners(self, program: Program, level: str, kinds: set[str] | None = None) -> list[Program]:
        """Programs at `level` of the specialty's 接续专业 (or, without a list, of its 专业类), own area first."""
        if self.by_follow_on(program, level):
            later = self.follow_on[(program.specialty_id, level)]
            found = [p for specialty in sorted(later) for p in self.by_specialty.get(specialty, [])]
        else:
            code = counterpart_class(program.specialty.specialty_class.code, level)
            found = self.by_level_class.get((level, code), [])
        found = [p for p in found if kinds is None or p.institution.kind in kinds]
        area = AREA_OF_DISTRICT.get(program.institution.district)
        return sorted(found, key=lambda p: (AREA_OF_DISTRICT.get(p.institution.district) != area, p.pk))


class Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.catalog = Catalog()
        self.routes = {route.code: route for route in RouteKind.objects.all()}
        self.planned: list[Articulation] = []

    def add(self, route: str, to_program: Program, quota: int, **sources: object) -> None:
        kind = self.routes[route]
        first = kind.first_years or 3
        second = kind.second_years or to_program.specialty.years
        source = sources.get("from_program")
        by_class = isinstance(source, Program) and not self.catalog.by_follow_on(source, to_program.specialty.level)
        self.planned.append(
            Articulation(
                route=kind,
                academic_year=ACADEMIC_YEAR,
                to_program=to_program,
                quota=quota,
                first_years=first,
                second_years=second,
                same_specialty_required=kind.same_specialty_required,
                is_sample=True,
                source=CLASS_FALLBACK_SOURCE if by_class else SAMPLE_SOURCE,
                **sources,
            )
        )

    def pairs(self, sources: list[Program], level: str, count: int, kinds: set[str] | None = None) -> list[tuple]:
        """Up to `count` (earlier, later) pairs, one per earlier program, with no program used twice."""
        used: set[int] = {a.from_program_id for a in self.planned if a.from_program_id}
        result: list = []
        for source in sources:
            if len(result) >= count:
                break
            partners = self.catalog.partners(source, level, kinds)
            if source.pk not in used and partners:
                result.append((source, partners[self.rng.randrange(min(3, len(partners)))]))
                used.add(source.pk)
        return result

    def partnership(self, route: str, pairs: list[tuple], places: int) -> None:
        for (source, target), quota in zip(pairs, split_places(self.rng, places, len(pairs)), strict=True):
            self.add(route, target, quota, from_program=source)

    def shuffled(self, items: list[Program]) -> list[Program]:
        items = list(items)
        self.rng.shuffle(items)
        return items

    def three_four(self) -> None:
        secondary = [p for p in self.shuffled(self.catalog.by_level[Level.SECONDARY]) if p.institution.is_sample]
        pairs = self.pairs(secondary, Level.BACHELOR, THREE_FOUR.programs)
        self.partnership("3-4", pairs, THREE_FOUR.places)

    def five_year(self) -> None:
        colleges = self._colleges(FIVE_YEAR_COLLEGES, FIVE_YEAR.colleges)
        schools = self._schools_feeding(colleges, FIVE_YEAR.schools)
        sources = [p for p in self.shuffled(self.catalog.by_level[Level.SECONDARY]) if p.institution in schools]
        pairs = self._per_school(sources, colleges, FIVE_YEAR.programs, len(schools))
        self.partnership("five-year", pairs, FIVE_YEAR.places)

    def three_two(self) -> None:
        colleges = self._colleges([], THREE_TWO.colleges)
        schools = self._schools_feeding(colleges, THREE_TWO.schools)
        sources = [p for p in self.shuffled(self.catalog.by_level[Level.SECONDARY]) if p.institution in schools]
        pairs = self._per_school(sources, colleges, THREE_TWO.programs, len(schools))
        self.partnership("3-2", pairs, THREE_TWO.places)

    def associate_bachelor(self) -> None:
        associate = self.shuffled(self.catalog.by_level[Level.ASSOCIATE])
        pairs = self.pairs(associate, Level.BACHELOR, ASSOCIATE_BACHELOR.programs)
        self.partnership("associate-bachelor", pairs, ASSOCIATE_BACHELOR.places)

    def five_year_integrated(self) -> None:
        taken = {a.to_program.institution for a in self.planned if a.route.code == "five-year"}
        colleges = self._colleges([], FIVE_YEAR_INTEGRATED.colleges, exclude=taken)
        targets = [p for p in self.shuffled(self.catalog.by_level[Level.ASSOCIATE]) if p.institution in colleges]
        targets = targets[: FIVE_YEAR_INTEGRATED.programs]
        for target, quota in zip(
            targets, split_places(self.rng, FIVE_YEAR_INTEGRATED.places, len(targets)), strict=True
        ):
            self.add("five-year-integrated", target, quota)

    def skills_exam(self) -> None:
        """Every published 高职 program, and half the 本科 ones, admit one 科类: the most common among the 中职
        specialties that list its specialty as 接续, or else among its 专业类's 中职 side."""
        category_of_class, category_of_follow_on = _category_of_secondary_class(), _category_of_follow_on()
        for program in self.catalog.by_level[Level.ASSOCIATE] + self.catalog.by_level[Level.BACHELOR]:
            level = program.specialty.level
            category = category_of_follow_on.get(program.specialty_id) or category_of_class.get(
                counterpart_class(program.specialty.specialty_class.code, Level.SECONDARY)
            )
            if category is None or (level == Level.BACHELOR and self.rng.random() < 0.5):
                continue
            share = self.rng.uniform(0.2, 0.5) if level == Level.ASSOCIATE else self.rng.uniform(0.1, 0.2)
            quota = max(5, round((program.quota or 40) * share / 5) * 5)
            self.add("skills-exam", program, quota, from_skill_category_id=category)

    def upgrade(self) -> None:
        """Every published 本科 program admits 专升本 students from its 专业类's 高职 side."""
        classes = dict(SpecialtyClass.objects.filter(category__level=Level.ASSOCIATE).values_list("code", "pk"))
        for program in self.catalog.by_level[Level.BACHELOR]:
            class_id = classes.get(counterpart_class(program.specialty.specialty_class.code, Level.ASSOCIATE))
            if class_id is not None:
                self.add("upgrade", program, self.rng.randrange(20, 61, 5), from_class_id=class_id)

    def _colleges(self, named: list[str], count: int, exclude: set | None = None) -> list:
        associate = {
            p.institution
            for p in self.catalog.by_level[Level.ASSOCIATE]
            if p.institution.kind == InstitutionKind.ASSOCIATE
        } - (exclude or set())
        chosen = sorted((c for c in associate if c.name in named), key=lambda c: c.name)
        rest = sorted((c for c in associate if c.name not in named), key=lambda c: c.name)
        return chosen + self.rng.sample(rest, max(0, count - len(chosen)))

    def _schools_feeding(self, colleges: list, count: int) -> list:
        """`count` sample 中职 schools with at least two programs a college in `colleges` can continue."""
        college_set = set(colleges)
        used = {a.from_program.institution for a in self.planned if a.from_program is not None}
        feeding: Counter = Counter()
        for program in self.catalog.by_level[Level.SECONDARY]:
            school = program.institution
            partners = self.catalog.partners(program, Level.ASSOCIATE)
            if school.is_sample and school not in used and any(p.institution in college_set for p in partners):
                feeding[school] += 1
        candidates = sorted((s for s, n in feeding.items() if n >= 2), key=lambda s: s.name)
        return self.rng.sample(candidates, min(count, len(candidates)))

    def _per_school(self, sources: list[Program], colleges: list, count: int, schools: int) -> list[tuple]:
        """Pairs spread over the schools (one each before any gets two), and over the colleges, least used first."""
        college_set = set(colleges)
        by_school: dict = defaultdict(list)
        for source in sources:
            partners = [p for p in self.catalog.partners(source, Level.ASSOCIATE) if p.institution in college_set]
            if partners:
                by_school[source.institution].append((source, partners))
        load: Counter = Counter()
        result: list[tuple] = []
        for rank in range(count):
            for school in sorted(by_school, key=lambda s: s.name):
                if len(result) < count and rank < len(by_school[school]):
                    source, partners = by_school[school][rank]
                    target = min(partners, key=lambda p: (load[p.institution], p.pk))
                    load[target.institution] += 1
                    result.append((source, target))
        return result


def _category_of_secondary_class() -> dict[str, int]:
    """The most common 科类 among each 中职 专业类's specialties."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for class_code, category_id in SpecialtySkillCategory.objects.values_list(
        "specialty__specialty_class__code", "category_id"
    ):
        votes[class_code][category_id] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


def _category_of_follow_on() -> dict[int, int]:
    """For each later specialty, the most common 科类 among the 中职 specialties that list it as 接续."""
    votes: dict[int, Counter] = defaultdict(Counter)
    links = Specialty.follow_on.through.objects.filter(from_specialty__level=Level.SECONDARY)
    categories = dict(SpecialtySkillCategory.objects.values_list("specialty_id", "category_id"))
    for earlier, later in links.values_list("from_specialty_id", "to_specialty_id"):
        if earlier in categories:
            votes[later][categories[earlier]] += 1
    return {later: min(c, key=lambda k: (-c[k], k)) for later, c in votes.items()}


@transaction.atomic
def sample_articulations_load() -> dict[str, LoadCounts]:
    """Write the sample articulations. Needs the sample programs and the route data loaded."""
    if not RouteKind.objects.exists() or not Program.objects.filter(is_sample=True).exists():
        raise RuntimeError("Load the sample data (load_sample_data) and the routes (load_routes) first.")
    generator = Generator()
    for step in (
        generator.three_four,
        generator.five_year,
        generator.three_two,
        generator.associate_bachelor,
        generator.five_year_integrated,
        generator.skills_exam,
        generator.upgrade,
    ):
        step()
    for articulation in generator.planned:
        articulation_check(articulation=articulation)
    counts, _ = upsert(
        model=Articulation, key=KEY, instances=generator.planned, fields=FIELDS, reason="load_sample_articulations"
    )
    planned = {tuple(getattr(a, f) for f in KEY) for a in generator.planned}
    stale = [
        pk
        for pk, *key in Articulation.objects.filter(is_sample=True).values_list("pk", *KEY)
        if tuple(key) not in planned
    ]
    Articulation.objects.filter(pk__in=stale).delete()  # sample rows an earlier generator made and this one does not
    counts.deleted = len(stale)
    return {"articulations": counts}


def sample_size_report() -> dict[str, dict[str, int]]:
    """Per route: articulations, places, earlier schools and later institutions among the sample rows."""
    report = {}
    for route in RouteKind.objects.all():
        rows = Articulation.objects.filter(route=route, is_sample=True)
        report[route.code] = {
            "articulations": rows.count(),
            "places": sum(q or 0 for q in rows.values_list("quota", flat=True)),
            "earlier_schools": rows.exclude(from_program=None).values("from_program__institution").distinct().count(),
            "later_institutions": rows.values("to_program__institution").distinct().count(),
        }
    return report
