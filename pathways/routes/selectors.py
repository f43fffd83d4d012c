"""Reads across the route data: pathway queries, route pages and the routes into and out of a program."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pathways.models import (
    Articulation,
    ExamBatch,
    ExamCutoff,
    QuizAttempt,
    RouteKind,
    SkillCategory,
    SpecialtySkillCategory,
    StudentProfile,
)
from pathways.models.validation import LEVEL_RANK
from pathways.routes.graph import ENTRY, PathwayFilters, RawPathway, RouteGraph, Walk, graph_get
from pathways.routes.timeline import Stage, Timeline, timeline_for
from programs.models import DEFAULT_YEARS, IndustryCluster, Level, Program, Specialty
from recommender.artifacts import ranker_get
from recommender.models import AREAS

CLUSTERS_SHOWN = 4


def current_academic_year() -> int | None:
    """The latest academic year with articulations, or with programs when there are none yet."""
    year = Articulation.objects.aggregate(y=Max("academic_year"))["y"]
    return year or Program.objects.aggregate(y=Max("academic_year"))["y"]


@dataclass
class Step:
    program: Program
    route: RouteKind | None  # None: where the student starts, or the 中考 entry into 中职
    years: int
    first_year: int
    last_year: int
    quota: int | None
    articulation: Articulation | None = None
    is_start: bool = False
    line: ExamCutoff | None = None  # the latest published line of the 科类 an open exam admits, for its batch

    @property
    def exam(self) -> str:
        if self.is_start:
            return ""
        if self.route is None:
            return _("中考 / enrolment")
        return self.articulation.assessment if self.articulation and self.articulation.assessment else self.route.exam

    @property
    def via(self) -> str:
        """Who may enter by an open exam: the 科类 or the 专业类."""
        if self.articulation is None:
            return ""
        return str(self.articulation.from_skill_category or self.articulation.from_class or "")


@dataclass
class Pathway:
    steps: list[Step]
    total_years: int
    clusters: list[IndustryCluster] = field(default_factory=list)

    @property
    def routes(self) -> list[RouteKind]:
        return [s.route for s in self.steps if s.route is not None]

    @property
    def exams(self) -> list[str]:
        return [s.exam for s in self.steps if s.exam]

    @property
    def bottleneck_quota(self) -> int | None:
        quotas = [s.quota for s in self.steps if not s.is_start and s.quota is not None]
        return min(quotas) if quotas else None

    @property
    def end(self) -> Program:
        return self.steps[-1].program

    @property
    def first_move(self) -> Step:
        """The first step taken (the start itself is not a move): what the explorer groups pathways by."""
        return self.steps[1] if self.steps[0].is_start and len(self.steps) > 1 else self.steps[0]

    @property
    def timeline(self) -> Timeline:
        return timeline_for(Stage(s.program.specialty.level, s.first_year, s.years, s.exam) for s in self.steps)


@dataclass
class PathwayPage:
    count: int
    pathways: list[Pathway]
    academic_year: int | None


def pathway_walk(
    *, start: Program | None, filters: PathwayFilters, fit: dict[str, float] | None = None
) -> tuple[Walk | None, int | None]:
    """The walk over the graph of the start's academic year; None when nothing can start there."""
    graph = graph_get(academic_year=start.academic_year if start is not None else None)
    if graph is None:
        return None, None
    if start is not None and start.pk not in graph.programs:
        return None, graph.academic_year  # a draft or archived program starts nothing
    return Walk(graph, filters, start.pk if start is not None else None, fit), graph.academic_year


def pathways_search(*, start: Program | None, filters: PathwayFilters, offset: int = 0, limit: int = 20) -> PathwayPage:
    """Every pathway from `start` (None: a 初中 graduate in `filters.district`), counted and paged."""
    walk, year = pathway_walk(start=start, filters=filters)
    if walk is None:
        return PathwayPage(0, [], year)
    return PathwayPage(walk.count(), _materialise(walk.graph, walk.page(offset, limit)), year)


def latest_cutoffs() -> dict[tuple[int, str], ExamCutoff]:
    """The latest year's line of each 科类 in each batch, keyed (skill category id, batch). One query."""
    latest: dict[tuple[int, str], ExamCutoff] = {}
    for cutoff in ExamCutoff.objects.order_by("-year"):
        latest.setdefault((cutoff.skill_category_id, cutoff.batch), cutoff)
    return latest


def _line_for(articulation: Articulation | None, program: Program, lines: dict) -> ExamCutoff | None:
    if articulation is None or articulation.from_skill_category_id is None:
        return None
    batch = ExamBatch.BACHELOR if program.specialty.level == Level.BACHELOR else ExamBatch.ASSOCIATE
    return lines.get((articulation.from_skill_category_id, batch))


def _materialise(graph: RouteGraph, raw: list[RawPathway]) -> list[Pathway]:
    """Pathways with their programs, articulations, routes and end industries, all from the cached graph."""
    programs, articulations = graph.program_rows, graph.articulation_rows
    lines = latest_cutoffs() if any(e.articulation for r in raw for e in r.edges) else {}
    pathways = []
    for r in raw:
        steps: list[Step] = []
        year = 0
        if r.start is not None:
            program = programs[r.start]
            steps.append(
                Step(program, None, program.specialty.years, 1, program.specialty.years, program.quota, is_start=True)
            )
            year = program.specialty.years
        for edge in r.edges:
            if not isinstance(edge.target, int):
                continue  # an exam node: shown on the step it leads to
            route = graph.routes.get(edge.route) if edge.route != ENTRY else None
            articulation = articulations.get(edge.articulation or 0)
            program = programs[edge.target]
            steps.append(
                Step(
                    program,
                    route,
                    edge.years,
                    year + 1,
                    year + edge.years,
                    edge.quota,
                    articulation,
                    line=_line_for(articulation, program, lines),
                )
            )
            year += edge.years
        clusters = graph.clusters_by_specialty.get(steps[-1].program.specialty_id, [])[:CLUSTERS_SHOWN]
        pathways.append(Pathway(steps, r.total_years, clusters))
    return pathways


def routes_with_counts(*, academic_year: int | None) -> QuerySet[RouteKind]:
    live = Articulation.objects.live().filter(academic_year=academic_year or 0).values("pk")
    return RouteKind.objects.annotate(
        articulation_count=Count("articulations", filter=Q(articulations__in=live), distinct=True),
        places=Sum("articulations__quota", filter=Q(articulations__in=live)),
    ).order_by("position")


def route_detail(*, code: str) -> RouteKind | None:
    return RouteKind.objects.filter(code=code).first()


def articulations_search(
    *, route: RouteKind | None = None, academic_year: int | None = None, district: str = "", q: str = ""
) -> QuerySet[Articulation]:
    qs = Articulation.objects.select_related(
        "route",
        "from_program__institution",
        "from_program__specialty",
        "from_skill_category",
        "from_class",
        "to_program__institution",
        "to_program__specialty",
    )
    if route is not None:
        qs = qs.filter(route=route)
    if academic_year is not None:
        qs = qs.filter(academic_year=academic_year)
    if district:
        qs = qs.filter(Q(from_program__institution__district=district) | Q(to_program__institution__district=district))
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(to_program__institution__name__icontains=text)
            | Q(to_program__specialty__name__icontains=text)
            | Q(from_program__institution__name__icontains=text)
            | Q(from_program__specialty__name__icontains=text)
        )
    return qs


@dataclass
class ProgramRoutes:
    """The routes into a program and out of it, including the open exams its students may sit."""

    into: list[Articulation]
    out: list[Articulation]
    skill_category: SkillCategory | None
    skills_exam_places: int
    skills_exam_programs: int
    upgrade_places: int
    upgrade_programs: int


def routes_for_program(*, program: Program) -> ProgramRoutes:
    related = (
        "route",
        "from_program__institution",
        "from_program__specialty",
        "from_skill_category",
        "from_class",
        "to_program__institution",
        "to_program__specialty",
    )
    into = list(Articulation.objects.live().filter(to_program=program).select_related(*related))
    out = list(Articulation.objects.live().filter(from_program=program).select_related(*related))
    category = _skill_category(program.specialty)
    year_live = Articulation.objects.live().filter(academic_year=program.academic_year)
    skills = year_live.filter(from_skill_category=category) if category else year_live.none()
    upgrade = (
        year_live.filter(from_class_id=program.specialty.specialty_class_id)
        if program.specialty.level == Level.ASSOCIATE
        else year_live.none()
    )
    skills_sum = skills.aggregate(n=Count("pk"), places=Sum("quota"))
    upgrade_sum = upgrade.aggregate(n=Count("pk"), places=Sum("quota"))
    return ProgramRoutes(
        into, out, category, skills_sum["places"] or 0, skills_sum["n"], upgrade_sum["places"] or 0, upgrade_sum["n"]
    )


def route_names_into(*, programs: Iterable[Program]) -> dict[int, list[str]]:
    """The names of the route kinds that lead into each program (its live articulations), sorted, in one query."""
    names: dict[int, set[str]] = {}
    into = Articulation.objects.live().filter(to_program__in=[p.pk for p in programs]).select_related("route")
    for articulation in into:
        names.setdefault(articulation.to_program_id, set()).add(articulation.route.display_short_name)
    return {program_id: sorted(found) for program_id, found in names.items()}


def _skill_category(specialty: Specialty) -> SkillCategory | None:
    link = SpecialtySkillCategory.objects.filter(specialty=specialty).select_related("category").first()
    return link.category if link else None


@dataclass
class SpecialtyRoutes:
    """Per route kind: how many live articulations lead into and out of a specialty's programs, and places."""

    into: list[dict]
    out: list[dict]
    skill_category: SkillCategory | None


def routes_for_specialty(*, specialty: Specialty) -> SpecialtyRoutes:
    live = Articulation.objects.live()

    def summary(qs: QuerySet[Articulation]) -> list[dict]:
        rows = qs.values("route__code", "route__position").annotate(n=Count("pk"), places=Sum("quota"))
        routes = {r.code: r for r in RouteKind.objects.all()}
        return [
            {"route": routes[row["route__code"]], "count": row["n"], "places": row["places"] or 0}
            for row in rows.order_by("route__position")
        ]

    into = live.filter(to_program__specialty=specialty)
    out = live.filter(from_program__specialty=specialty)
    category = _skill_category(specialty)
    if category is not None:
        out = out | live.filter(from_skill_category=category)
    if specialty.level == Level.ASSOCIATE:
        out = out | live.filter(from_class_id=specialty.specialty_class_id)
    return SpecialtyRoutes(summary(into), summary(out), category)


def skill_categories_with_specialties() -> list[SkillCategory]:
    """The 科类 with their specialties and, as `lines`, the latest year's cut-off of each batch (本科 first)."""
    categories = list(SkillCategory.objects.prefetch_related("specialty_links__specialty").order_by("position"))
    latest = latest_cutoffs()
    for category in categories:
        category.lines = [latest[(category.pk, b)] for b in ExamBatch.values if (category.pk, b) in latest]  # type: ignore[attr-defined]
    return categories


def start_program_choices(*, q: str, limit: int = 20) -> list[Program]:
    """Published 中职 and 高职 programs matching a school or specialty name, for the explorer's picker."""
    if not q.strip():
        return []
    qs = Program.objects.published().search(q).filter(specialty__level__in=[Level.SECONDARY, Level.ASSOCIATE])
    return list(qs.select_related("institution", "specialty").order_by("institution__name", "specialty__code")[:limit])


class RouteReach:
    """One line of the explorer's summary: a route kind (None: enrolment after the 中考) and what it enters."""

    def __init__(self, *, code: str, route: RouteKind | None, programs: int, schools: int, levels: list[str]) -> None:
        self.code, self.route, self.programs, self.schools = code, route, programs, schools
        self.link = ""  # the explorer's query narrowed to this route kind (set by the view)
        self.level_labels = [str(Level(level).label) for level in levels]


def student_fit(*, user: AbstractBaseUser | AnonymousUser) -> dict[str, float] | None:
    """A signed-in student's fit to each specialty (code → score), from their latest saved quiz, for ordering the
    explorer; None for anyone else, and for a student who turned profiling off."""
    if not isinstance(user, User):
        return None
    if StudentProfile.objects.filter(user=user, profiling_opt_out=True).exists():
        return None
    attempt = QuizAttempt.objects.filter(student=user).order_by("-completed_at", "-pk").first()
    if attempt is None or not attempt.scores:
        return None
    _version, ranker = ranker_get()
    vector = np.array([[attempt.scores[area] / 40 for area in AREAS]])
    return dict(zip(ranker.index.codes.tolist(), ranker.scores(vector)[0].tolist(), strict=True))


@dataclass
class PathwayGroup:
    """The pathways that begin with the same first move: into one school's program, or to one open exam."""

    program: Program | None  # the program first entered (None: an exam, whose programs are many)
    route: RouteKind | None  # the route of that move (None: enrolment after the 中考)
    exam: str  # the exam's name for an exam group
    count: int
    pathways: list[Pathway]


class PathwayGroups:
    """The explorer's list: the first moves (by fit when known), each with its count and its first pathways; a lazy
    sequence that Django's paginator pages. The pathways shown are those of PathwayResults, at the same places."""

    SHOWN = 2  # pathways shown per group; the rest are a tap away

    def __init__(self, results: PathwayResults) -> None:
        self.results = results
        moves = results.walk.groups() if results.walk is not None else []
        self.moves = moves
        self.starts = [0]
        for _edge, n in moves:
            self.starts.append(self.starts[-1] + n)

    def __len__(self) -> int:
        return len(self.moves)

    def __getitem__(self, index: slice) -> list[PathwayGroup]:
        if not isinstance(index, slice):
            raise TypeError("PathwayGroups is read a page (a slice) at a time.")
        groups = []
        for n in range(*index.indices(len(self.moves))):
            edge, count = self.moves[n]
            shown = self.results[self.starts[n] : self.starts[n] + min(count, self.SHOWN)]
            first = shown[0].first_move if shown else None
            is_exam = not isinstance(edge.target, int)
            groups.append(
                PathwayGroup(
                    program=None if is_exam or first is None else first.program,
                    route=first.route if first is not None else None,
                    exam=first.exam if is_exam and first is not None else "",
                    count=count,
                    pathways=shown,
                )
            )
        return groups


class PathwayResults:
    """Every pathway of a query as a lazy sequence: its length is the exact count, a slice reads one page.

    Django's Paginator and DRF's pagination page it like a queryset.
    """

    def __init__(self, *, start: Program | None, filters: PathwayFilters, fit: dict[str, float] | None = None) -> None:
        self.walk, self.academic_year = pathway_walk(start=start, filters=filters, fit=fit)
        self.by_fit = bool(fit)

    def summary(self) -> list[RouteReach]:
        """Before the list: per route kind, how many programs at how many schools it enters on these pathways."""
        if self.walk is None:
            return []
        graph = self.walk.graph
        reach = self.walk.reach()
        kinds = {r.code: r for r in RouteKind.objects.filter(code__in=list(reach)).order_by("position")}
        order = [ENTRY, *kinds]
        return [
            RouteReach(
                code=code,
                route=kinds.get(code),
                programs=len(reach[code]),
                schools=len({graph.programs[pk].institution for pk in reach[code]}),
                levels=sorted({graph.programs[pk].level for pk in reach[code]}, key=lambda v: LEVEL_RANK.get(v, 0)),
            )
            for code in order
            if code in reach
        ]

    def __len__(self) -> int:
        return self.walk.count() if self.walk is not None else 0

    def __getitem__(self, index: slice) -> list[Pathway]:
        if not isinstance(index, slice):
            raise TypeError("PathwayResults is read a page (a slice) at a time.")
        offset = index.start or 0
        stop = index.stop if index.stop is not None else len(self)
        if self.walk is None or stop <= offset:
            return []
        return _materialise(self.walk.graph, self.walk.page(offset, stop - offset))


def route_timeline(*, route: RouteKind) -> Timeline:
    """The shape of a route kind: its stages, their usual years and the exam between them."""
    later = route.to_level_list[0]
    if not route.from_level:
        return timeline_for([Stage(later, 1, route.total_years or DEFAULT_YEARS[later])])
    first = route.first_years or DEFAULT_YEARS[route.from_level]
    second = route.second_years or DEFAULT_YEARS[later]
    return timeline_for([Stage(route.from_level, 1, first), Stage(later, first + 1, second, route.exam)])


ONWARD_LOOKED_AT = 400  # pathways read from the planned program (each a few steps; the graph's order)


def pathway_whole(*, to_plan: Pathway | None, plan: Program) -> Pathway | None:
    """The whole route to the goal: the way to the planned program (when known) and on from it to the highest
    stage it leads to (a 本科 where one is reachable), by the fewest years; one pathway, its years counted on."""
    onward_all = PathwayResults(start=plan, filters=PathwayFilters(scope="city"))
    onward = min(
        onward_all[0 : min(len(onward_all), ONWARD_LOOKED_AT)],
        key=lambda p: (-LEVEL_RANK.get(p.end.specialty.level, 0), p.total_years),
        default=None,
    )
    if onward is None or len(onward.steps) < 2:
        return to_plan
    if to_plan is None:
        return onward
    shift = to_plan.total_years - onward.steps[0].last_year
    later = [replace(s, first_year=s.first_year + shift, last_year=s.last_year + shift) for s in onward.steps[1:]]
    return Pathway([*to_plan.steps, *later], onward.total_years + shift, onward.clusters)
