"""The route graph: every pathway from a starting point to the programs it can reach.

Nodes are published programs and exam nodes (one per 职教高考 科类 and one per 专升本 专业类); edges are
live articulations, keyed by articulation id, plus the free edges from each program to the exams its
students may sit. networkx holds the graph and proves it acyclic when it is built. Stage levels rise
on every edge, so no pathway has more than MAX_EDGES edges.

Pathways are counted and paged without listing them all. A junior-school student in a central district
has about 18,000 pathways; `count` walks the graph once with memoisation (one entry per node, years so
far and "has used a route"), and `page` skips whole subtrees by their counts. networkx's generic
`all_simple_edge_paths` took 770 ms to list those 18,000 pathways; this takes a few milliseconds (see
docs/benchmarks.md). Order is depth-first with each node's edges sorted by route, years, quota and name,
so a page is stable.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import networkx as nx
from django.db import connection

from pathways.models import Admission, Articulation, RouteKind, SpecialtySkillCategory
from programs.districts import AREA_OF_DISTRICT
from programs.models import (
    IndustryCluster,
    Institution,
    Level,
    OutcomeMetric,
    Program,
    ProgramOutcome,
    Specialty,
    SpecialtyIndustry,
)
from programs.profiles import SpecialtyFacts
from programs.selectors import specialties_facts

MAX_EDGES = 5  # 初中 → 中职 → (职教高考) → 高职 → (专升本) → 本科
ENTRY = "entry"  # the route of the first step from 初中 into a 中职 program (中考 / 注册入学)
EXAM_EDGE = "exam"  # the free edge from a program to an exam node


class Edge(NamedTuple):
    target: int | str
    route: str
    years: int
    quota: int | None
    articulation: int | None


class ProgramNode(NamedTuple):
    level: str
    district: str
    institution: str
    specialty_code: str
    years: int
    quota: int | None
    clusters: frozenset[int]
    specialty_id: int
    class_id: int


@dataclass
class RouteGraph:
    """The graph of one academic year, with the rows a page of pathways shows, so a query reads nothing more."""

    academic_year: int
    graph: nx.MultiDiGraph
    programs: dict[int, ProgramNode]
    out: dict[int | str, list[Edge]]
    direct: list[Edge]  # 五年一贯制: entered straight from 初中
    route_order: dict[str, int]
    program_rows: dict[int, Program] = field(default_factory=dict)
    articulation_rows: dict[int, Articulation] = field(default_factory=dict)
    routes: dict[str, RouteKind] = field(default_factory=dict)
    clusters_by_specialty: dict[int, list[IndustryCluster]] = field(default_factory=dict)
    employment: dict[int, float] = field(default_factory=dict)  # latest employment rate per program
    facts: dict[str, SpecialtyFacts] = field(default_factory=dict)  # every specialty's jobs and courses, by code

    @cached_property
    def entries_from_junior(self) -> list[Edge]:
        """The first steps open to a 初中 graduate: any 中职 program, or a 五年一贯制 place."""
        secondary = [
            Edge(pk, ENTRY, node.years, node.quota, None)
            for pk, node in self.programs.items()
            if node.level == Level.SECONDARY
        ]
        return sorted(secondary + self.direct, key=self._edge_key)

    def _edge_key(self, edge: Edge) -> tuple:
        node = self.programs.get(edge.target) if isinstance(edge.target, int) else None
        names = (node.institution, node.specialty_code) if node else (str(edge.target), "")
        return (self.route_order.get(edge.route, 0), edge.years, -(edge.quota or 0), *names)


def _exam_node(admission: str, key: int) -> str:
    return f"{admission}:{key}"


def _program_nodes(academic_year: int) -> dict[int, ProgramNode]:
    clusters: dict[int, set[int]] = {}
    for specialty_id, cluster_id in SpecialtyIndustry.objects.values_list("specialty_id", "cluster_id"):
        clusters.setdefault(specialty_id, set()).add(cluster_id)
    rows = (
        Program.objects.published()
        .filter(academic_year=academic_year)
        .values_list(
            "pk",
            "specialty__level",
            "institution__district",
            "institution__name",
            "specialty__code",
            "specialty__years",
            "quota",
            "specialty_id",
            "specialty__specialty_class_id",
        )
    )
    return {
        pk: ProgramNode(
            level, district, name, code, years, quota, frozenset(clusters.get(specialty_id, ())), specialty_id, class_id
        )
        for pk, level, district, name, code, years, quota, specialty_id, class_id in rows
    }


def graph_build(*, academic_year: int) -> RouteGraph:
    """Read the published programs and live articulations of one academic year into a graph."""
    programs = _program_nodes(academic_year)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(programs)
    categories = dict(SpecialtySkillCategory.objects.values_list("specialty_id", "category_id"))
    for pk, node in programs.items():
        if node.level == Level.SECONDARY and node.specialty_id in categories:
            graph.add_edge(pk, _exam_node(Admission.SKILLS_EXAM, categories[node.specialty_id]), key=EXAM_EDGE)
        elif node.level == Level.ASSOCIATE:
            graph.add_edge(pk, _exam_node(Admission.UPGRADE_EXAM, node.class_id), key=EXAM_EDGE)
    direct: list[Edge] = []
    links = (
        Articulation.objects.live()
        .filter(academic_year=academic_year)
        .values_list(
            "pk",
            "route__code",
            "route__admission",
            "from_program_id",
            "from_skill_category_id",
            "from_class_id",
            "to_program_id",
            "first_years",
            "second_years",
            "quota",
        )
    )
    for pk, route, admission, from_program, category, klass, to_program, first, second, quota in links:
        if to_program not in programs:
            continue
        attrs = {"route": route, "years": second, "quota": quota}
        if admission == Admission.PARTNERSHIP and from_program in programs:
            graph.add_edge(from_program, to_program, key=pk, **attrs)
        elif admission == Admission.SKILLS_EXAM:
            graph.add_edge(_exam_node(admission, category), to_program, key=pk, **attrs)
        elif admission == Admission.UPGRADE_EXAM:
            graph.add_edge(_exam_node(admission, klass), to_program, key=pk, **attrs)
        elif admission == Admission.DIRECT:
            direct.append(Edge(to_program, route, first + second, quota, pk))
    if not nx.is_directed_acyclic_graph(graph):
        raise ValueError(f"The route graph of {academic_year} has a loop: {nx.find_cycle(graph)}")
    routes = {route.code: route for route in RouteKind.objects.all()}
    result = RouteGraph(academic_year, graph, programs, {}, direct, {c: r.position for c, r in routes.items()})
    _attach_rows(result, routes)
    for node in graph.nodes:
        edges = [
            Edge(
                v,
                data.get("route", EXAM_EDGE),
                data.get("years", 0),
                data.get("quota"),
                key if isinstance(key, int) else None,
            )
            for _, v, key, data in graph.out_edges(node, keys=True, data=True)
        ]
        result.out[node] = sorted(edges, key=result._edge_key)
    return result


def _attach_rows(result: RouteGraph, routes: dict[str, RouteKind]) -> None:
    result.routes = routes
    result.program_rows = Program.objects.select_related("institution", "specialty").in_bulk(result.programs)
    used = {key for _, _, key in result.graph.edges(keys=True) if isinstance(key, int)} | {
        e.articulation for e in result.direct
    }
    result.articulation_rows = Articulation.objects.select_related(
        "route", "from_skill_category", "from_class"
    ).in_bulk(used)
    specialties = {node.specialty_id for node in result.programs.values()}
    links = SpecialtyIndustry.objects.filter(specialty_id__in=specialties).select_related("cluster")
    for link in links.order_by("specialty_id", "-weight", "cluster__position"):
        result.clusters_by_specialty.setdefault(link.specialty_id, []).append(link.cluster)
    rates = ProgramOutcome.objects.filter(program_id__in=result.programs, metric=OutcomeMetric.EMPLOYMENT_RATE)
    for program_id, value in rates.order_by("program_id", "year").values_list("program_id", "value"):
        result.employment[program_id] = float(value)
    result.facts = specialties_facts()


_cache: dict[int, tuple[tuple, RouteGraph]] = {}
_lock = threading.Lock()


SIGNED_MODELS = (
    Articulation,
    RouteKind,
    Program,
    ProgramOutcome,
    Institution,
    Specialty,
    SpecialtyIndustry,
    SpecialtySkillCategory,
)


@functools.cache
def _signature_sql() -> str:
    # Built once: reaching `Model.history` builds a manager class each time, which costs more than the query.
    parts = [f"(SELECT MAX(history_id) FROM {m.history.model._meta.db_table})" for m in SIGNED_MODELS]
    parts.append(f"(SELECT MAX(academic_year) FROM {Articulation._meta.db_table})")
    return "SELECT " + ", ".join(parts)


def _signature() -> tuple:
    """The last history id of every model behind the graph, and the latest articulation year, in one query.

    simple-history writes a row on every create, change and delete, so any change moves the signature.
    """
    with connection.cursor() as cursor:
        cursor.execute(_signature_sql())
        return tuple(cursor.fetchone())


def graph_signature() -> tuple:
    """What the route data looks like now: it changes with any program, route, institution or industry edit."""
    return _signature()


def graph_get(*, academic_year: int | None = None) -> RouteGraph | None:
    """The graph of a year (default: the latest year with articulations), rebuilt only when its data changed."""
    signature = _signature()
    year = academic_year or signature[-1]
    if year is None:
        return None
    with _lock:
        cached = _cache.get(year)
        if cached and cached[0] == signature:
            return cached[1]
    built = graph_build(academic_year=year)
    with _lock:
        _cache[year] = (signature, built)
    # The graph lives as long as the process: keep the cyclic garbage collector from walking its
    # tens of thousands of objects on every full collection (a 60-100 ms pause mid-request otherwise).
    gc.freeze()
    return built


def graph_cache_clear() -> None:
    with _lock:
        _cache.clear()


SCOPES = ("district", "area", "city")


@dataclass(frozen=True)
class PathwayFilters:
    """What the student asks for, around the home `district`.

    `scope` (district, area or city) bounds the first school a 初中 graduate enters; with `near_home` it bounds
    every school on the pathway. `routes` keeps pathways that use only those route kinds (and at least one).
    """

    district: str = ""
    scope: str = "city"
    near_home: bool = False
    routes: frozenset[str] = frozenset()
    max_years: int | None = None
    cluster: int | None = None
    target: int | None = None  # only pathways that end at this program (a student's plan)


@dataclass(frozen=True)
class RawPathway:
    """A pathway as graph edges: the start program (if any) and the edges taken."""

    start: int | None
    edges: tuple[Edge, ...]
    total_years: int


@dataclass
class Walk:
    """One query over the graph: counts with memoisation, then pages in depth-first order."""

    graph: RouteGraph
    filters: PathwayFilters
    start: int | None  # None: a 初中 graduate
    fit: dict[str, float] | None = None  # specialty code → the student's fit: pathways to a better fit come first
    _memo: dict[tuple, int] = field(default_factory=dict)
    _best: dict[int | str, float] = field(default_factory=dict)

    @cached_property
    def start_years(self) -> int:
        return self.graph.programs[self.start].years if self.start is not None else 0

    def _in_scope(self, district: str) -> bool:
        home, scope = self.filters.district, self.filters.scope
        if not home or scope == "city":
            return True
        if scope == "district":
            return district == home
        return AREA_OF_DISTRICT.get(district) == AREA_OF_DISTRICT.get(home)

    def _node_allowed(self, node: int | str) -> bool:
        if not isinstance(node, int):
            return True
        program = self.graph.programs.get(node)
        return program is not None and (not self.filters.near_home or self._in_scope(program.district))

    def _edges(self, node: int | str | None, years: int) -> Iterator[Edge]:
        if node is None:
            edges = [
                e for e in self.graph.entries_from_junior if self._in_scope(self.graph.programs[int(e.target)].district)
            ]
        else:
            edges = self.graph.out.get(node, [])
        routes, max_years = self.filters.routes, self.filters.max_years
        for edge in edges:
            if routes and edge.route not in routes and edge.route not in (ENTRY, EXAM_EDGE):
                continue
            if max_years is not None and years + edge.years > max_years:
                continue
            if self._node_allowed(edge.target):
                yield edge

    def _ends_here(self, node: int | str | None, depth: int, used: bool) -> bool:
        if not isinstance(node, int) or depth == 0 or (self.filters.routes and not used):
            return False
        if self.filters.target is not None and node != self.filters.target:
            return False
        return self.filters.cluster is None or self.filters.cluster in self.graph.programs[node].clusters

    def _used(self, used: bool, edge: Edge) -> bool:
        return used or edge.route in self.filters.routes

    def count_from(self, node: int | str | None, years: int, used: bool, depth: int) -> int:
        """Pathways that continue from `node` (itself included when it may end one)."""
        key = (node, years, used, depth)
        if key not in self._memo:
            total = int(self._ends_here(node, depth, used))
            if depth < MAX_EDGES:
                for edge in self._edges(node, years):
                    total += self.count_from(edge.target, years + edge.years, self._used(used, edge), depth + 1)
            self._memo[key] = total
        return self._memo[key]

    def count(self) -> int:
        return self.count_from(self.start, self.start_years, False, 0)

    def best_fit(self, node: int | str) -> float:
        """The best fit of any program on or after `node` (the graph is acyclic, so this ends)."""
        if node not in self._best:
            fit = self.fit or {}
            own = fit.get(self.graph.programs[node].specialty_code, -1.0) if isinstance(node, int) else -1.0
            later = [self.best_fit(edge.target) for edge in self.graph.out.get(node, [])]
            self._best[node] = max([own, *later])
        return self._best[node]

    def _ordered(self, node: int | str | None, years: int) -> list[Edge]:
        """The edges in the order pages list them: the graph's, or by the best fit they lead to."""
        edges = list(self._edges(node, years))
        if self.fit:
            edges.sort(key=lambda edge: -self.best_fit(edge.target))
        return edges

    def groups(self) -> list[tuple[Edge, int]]:
        """The first moves from the start, in the order pages list them, each with how many pathways follow it."""
        moves = []
        for edge in self._ordered(self.start, self.start_years):
            n = self.count_from(edge.target, self.start_years + edge.years, self._used(False, edge), 1)
            if n:
                moves.append((edge, n))
        return moves

    def reach(self) -> dict[str, set[int]]:
        """Per route kind (ENTRY for the 中考), the programs entered by it on at least one matching pathway."""
        found: dict[str, set[int]] = {}
        seen: set[tuple] = set()
        stack: list[tuple] = [(self.start, self.start_years, False, 0)]
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            node, years, used, depth = state
            if depth >= MAX_EDGES:
                continue
            for edge in self._edges(node, years):
                after = (edge.target, years + edge.years, self._used(used, edge), depth + 1)
                if not self.count_from(*after):
                    continue
                if isinstance(edge.target, int) and edge.route != EXAM_EDGE:
                    found.setdefault(edge.route, set()).add(edge.target)
                stack.append(after)
        return found

    def page(self, offset: int, limit: int) -> list[RawPathway]:
        page = _Page(limit=limit)
        self._collect(self.start, self.start_years, False, (), skip=offset, page=page)
        return page.found

    def _collect(self, node, years, used, path, *, skip: int, page: _Page) -> int:
        """Append pathways to the page after skipping `skip` of them; return how many are still to skip."""
        if self._ends_here(node, len(path), used):
            if skip:
                skip -= 1
            elif not page.full:
                page.found.append(RawPathway(self.start, path, years))
        if len(path) >= MAX_EDGES:
            return skip
        for edge in self._ordered(node, years):
            if page.full:
                break
            next_years, next_used = years + edge.years, self._used(used, edge)
            size = self.count_from(edge.target, next_years, next_used, len(path) + 1)
            if skip >= size:
                skip -= size
                continue
            skip = self._collect(edge.target, next_years, next_used, (*path, edge), skip=skip, page=page)
        return skip


@dataclass
class _Page:
    """The pathways of one page, filled by the depth-first walk."""

    limit: int
    found: list[RawPathway] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit
