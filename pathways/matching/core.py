"""The scoring core that the one-student path (recommendations.py) and the city recompute (recompute.py) both
use, so both give the same lists: the table of programs a stage can enter, the bounded nudges, the similarity of
profiles to specialties, the re-ranker's reorder, the diversity cap and the basis a stored set is computed from.
Neither path imports the other.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from pathways.routes.graph import EXAM_EDGE, RouteGraph, graph_signature
from programs.districts import AREA_OF_DISTRICT
from programs.models import ClusterTier, Level
from recommender.artifacts import ranker_get
from recommender.models import ModelVersion
from recommender.ranking import Ranker, capped_walk

STAGES = ("junior", "secondary", "associate")
WEIGHTS = {"near": 0.08, "route": 0.15, "demand": 0.05, "employment": 0.03, "places": 0.02}
TIER_DEMAND: dict[str, float] = {
    ClusterTier.LEADING: 1.0,
    ClusterTier.PILLAR: 0.85,
    ClusterTier.DISTINCTIVE: 0.7,
    ClusterTier.NEW_STAR: 0.7,
    ClusterTier.SERVICE: 0.5,
    ClusterTier.OTHER: 0.3,
}
PER_SPECIALTY, PER_CATEGORY = 1, 3
CACHE_LIMIT = 2048  # derived arrays kept per program table (about 12 kB each)
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """How a student at a stage can get into a program: a route kind and who it admits."""

    route: str
    via: str
    quota: int | None


@dataclass
class ProgramTable:
    """Every program a student at one stage can enter, as arrays the scoring reads without a Python loop."""

    ids: np.ndarray
    columns: np.ndarray  # the specialty's column in the model's scores
    categories: np.ndarray
    specialty_ids: np.ndarray
    districts: np.ndarray
    areas: np.ndarray
    features: dict[str, np.ndarray]
    entries: dict[int, list[Entry]]
    onward: dict[int, frozenset[str]] = field(default_factory=dict)  # the routes out of each program, by code
    specialty_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # per row: 0..S-1
    category_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # per row: 0..C-1
    # Read-only arrays derived from the table, kept with it (it is cached per graph, model version and stage):
    # per route code, per district, and per (district, preferred routes).
    _cache: dict[tuple, Any] = field(default_factory=dict, repr=False, compare=False)

    def cached(self, key: tuple, make: Callable[[], T]) -> T:
        """`make()` once per key (an array comes back read-only). Bounded: districts times route choices stay in the
        hundreds."""
        found = self._cache.get(key)
        if found is None:
            found = make()
            if isinstance(found, np.ndarray):
                found.setflags(write=False)
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    score_columns: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # the distinct `columns`
    score_slot: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # per row: its column's place

    def __post_init__(self) -> None:
        if len(self.specialty_index) != len(self.ids):
            self.specialty_index = np.unique(self.specialty_ids, return_inverse=True)[1]
            self.category_index = np.unique(self.categories, return_inverse=True)[1]
        self.score_columns, self.score_slot = np.unique(self.columns, return_inverse=True)

    def capped(self, ordered: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The diversity cap over rows of candidates: one program per specialty and PER_CATEGORY per 大类."""
        groups = [(self.specialty_index, PER_SPECIALTY), (self.category_index, PER_CATEGORY)]
        return capped_walk(ordered, groups, k)


def _source_stage(graph: RouteGraph, node: object) -> str | None:
    if isinstance(node, str):
        return "secondary" if node.startswith("skills_exam") else "associate"
    level = graph.programs[node].level  # type: ignore[index]
    return {str(Level.SECONDARY): "secondary", str(Level.ASSOCIATE): "associate"}.get(level)


def _entries(graph: RouteGraph, stage: str) -> dict[int, list[Entry]]:
    found: dict[int, list[Entry]] = defaultdict(list)
    if stage == "all":  # every program any student can enter: for re-ranker training rows
        for one in STAGES:
            for pk, entries in _entries(graph, one).items():
                found[pk].extend(entries)
        return found
    if stage == "junior":
        for edge in graph.entries_from_junior:
            found[edge.target].append(Entry(edge.route, "", edge.quota))  # type: ignore[index]
        return found
    for source, target, key, data in graph.graph.edges(keys=True, data=True):
        if key == EXAM_EDGE or not isinstance(target, int) or _source_stage(graph, source) != stage:
            continue
        articulation = graph.articulation_rows.get(key)
        via = str(articulation.from_skill_category or articulation.from_class or "") if articulation else ""
        if articulation and articulation.from_program_id:
            via = str(graph.program_rows[articulation.from_program_id].institution)
        found[target].append(Entry(data["route"], via, data.get("quota")))
    return found


def _table(graph: RouteGraph, ranker: Ranker, stage: str) -> ProgramTable:
    column_of = {code: n for n, code in enumerate(ranker.index.codes)}
    entries = _entries(graph, stage)
    ids = [pk for pk in entries if graph.programs[pk].specialty_code in column_of]
    rows = [graph.program_rows[pk] for pk in ids]
    quota = np.array([math.log1p(r.quota or 0) for r in rows]) if rows else np.zeros(0)
    demand = [
        max((TIER_DEMAND.get(c.tier, 0.3) for c in graph.clusters_by_specialty.get(r.specialty_id, [])), default=0.3)
        for r in rows
    ]
    employment = np.array([graph.employment.get(pk, np.nan) for pk in ids])
    return ProgramTable(
        ids=np.array(ids),
        columns=np.array([column_of[graph.programs[pk].specialty_code] for pk in ids]),
        categories=np.array([r.specialty.code[:2] for r in rows]),
        specialty_ids=np.array([r.specialty_id for r in rows]),
        districts=np.array([r.institution.district for r in rows]),
        areas=np.array([AREA_OF_DISTRICT.get(r.institution.district, "") for r in rows]),
        features={
            "places": quota / max(quota.max(initial=0), 1),
            "demand": np.array(demand),
            "employment": np.nan_to_num((employment - 80) / 20, nan=0.3).clip(0, 1),
        },
        entries=entries,
        onward=_onward(graph, ids),
    )


def _onward(graph: RouteGraph, ids: list[int]) -> dict[int, frozenset[str]]:
    """The route codes that lead on from each program (a 中职 program's 3+2, 五年制, 3+4 or 职教高考)."""
    onward: dict[int, set[str]] = defaultdict(set)
    for source, target, data in graph.graph.out_edges(ids, data=True):
        if data.get("route"):
            onward[source].add(str(data["route"]))
        elif isinstance(target, str):  # the exam a 中职 or 高职 student sits: the routes its node leads to
            onward[source].update(
                str(d["route"]) for _e, _t, d in graph.graph.out_edges(target, data=True) if d.get("route")
            )
    return {pk: frozenset(routes) for pk, routes in onward.items()}


_tables: dict[tuple, ProgramTable] = {}
_lock = threading.Lock()


def program_table(graph: RouteGraph, version: ModelVersion | None, ranker: Ranker, stage: str) -> ProgramTable:
    key = (id(graph), version.pk if version else None, stage)
    with _lock:
        if key in _tables:
            return _tables[key]
    table = _table(graph, ranker, stage)
    with _lock:
        if len(_tables) > 12:
            _tables.clear()
        _tables[key] = table
    return table


def nearness(table: ProgramTable, district: str) -> np.ndarray:
    """1 for a program in the student's district, 0.5 in the same area of the city, else 0 (read-only, cached)."""

    def make() -> np.ndarray:
        if not district:
            return np.zeros(len(table.ids))
        area = AREA_OF_DISTRICT.get(district)
        return np.where(table.districts == district, 1.0, np.where(table.areas == area, 0.5, 0.0))

    return table.cached(("near", district), make)


def _route_mask(table: ProgramTable, route: str) -> np.ndarray:
    """True for each program entered by `route` or leading on by it (computed once per table and route)."""

    def make() -> np.ndarray:
        return np.array(
            [any(e.route == route for e in table.entries[pk]) or route in table.onward.get(pk, ()) for pk in table.ids],
            dtype=bool,
        )

    return table.cached(("route", route), make)


def preferred(table: ProgramTable, routes: frozenset[str]) -> np.ndarray:
    """1 for a program the student can enter by a route they prefer, or that leads on by one (a 初中 student who
    likes 3+2 prefers the 中职 programs with a 3+2 partner), else 0 (read-only, cached)."""

    def make() -> np.ndarray:
        mask = np.zeros(len(table.ids), dtype=bool)
        for route in routes:
            mask |= _route_mask(table, route)
        return mask.astype(float)

    return table.cached(("preferred", *sorted(routes)), make)


def pair_features(table: ProgramTable, similarity: np.ndarray, district: str, routes: frozenset[str]) -> np.ndarray:
    """One row per program in the table: the re-ranker's FEATURES, in order."""
    f = table.features
    return np.column_stack(
        [similarity, nearness(table, district), preferred(table, routes), f["demand"], f["employment"], f["places"]]
    )


def nudges(table: ProgramTable, district: str, routes: frozenset[str] = frozenset()) -> np.ndarray:
    """What the cold start adds to each program's similarity (the COLD_WEIGHTS sum without it).

    Elementwise, in a fixed order, so one student and a block of a thousand get bit-identical scores (a BLAS dot
    product rounds differently for one row than for many). Read-only, cached on the table per district and routes.
    """

    def make() -> np.ndarray:
        f = table.features
        fixed = (
            WEIGHTS["demand"] * f["demand"] + WEIGHTS["employment"] * f["employment"] + WEIGHTS["places"] * f["places"]
        )
        return WEIGHTS["near"] * nearness(table, district) + (WEIGHTS["route"] * preferred(table, routes) + fixed)

    return table.cached(("nudges", district, *sorted(routes)), make)


def table_scores(ranker: Ranker, table: ProgramTable, vectors: np.ndarray) -> np.ndarray:
    """The score of each profile for each specialty the table's programs teach (n x len(table.score_columns); a
    program's is at its `score_slot`): a stage's ~500 specialties, not all 1,490. Both paths ask for the same columns,
    and one profile is scored as a block of two: OpenBLAS computes a single row as a gemv, whose sums round
    differently from the gemm of a block. So one student's numbers are bit-identical to the city recompute's."""
    blocks = np.vstack([vectors, vectors])[: max(len(vectors), 2)]
    return ranker.column_scores(blocks, table.score_columns)[: len(vectors)]


def top_specialties(ranker: Ranker, vectors: np.ndarray, level: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`Ranker.top_k`, with one profile scored as a block of two for the same reason as `table_scores`."""
    top, scores = ranker.top_k(np.vstack([vectors, vectors])[: max(len(vectors), 2)], level, k)
    return top[: len(vectors)], scores[: len(vectors)]


def exploration_scores(ranker: Ranker, table: ProgramTable, level: str, k: int) -> np.ndarray:
    """For a flat profile, in place of similarity: the exploration spread's order, its specialties first."""
    wanted = {int(c): n for n, c in enumerate(ranker.exploration(level, k))}
    return -np.array([wanted.get(int(c), len(wanted)) for c in table.columns], dtype=float)


COLD_WEIGHTS = np.array(
    [1.0, WEIGHTS["near"], WEIGHTS["route"], WEIGHTS["demand"], WEIGHTS["employment"], WEIGHTS["places"]]
)
RERANK_DEPTH = 50


def _order(ranker: Ranker, features: np.ndarray | None, cold: np.ndarray) -> np.ndarray:
    """Program rows best first: the cold-start score, then the learned re-ranker over its top rows when it is on."""
    order = np.argsort(-cold, kind="stable")
    if ranker.reranker is None or features is None:
        return order
    head = order[:RERANK_DEPTH]
    learned = ranker.reranker.predict_proba(features[head])[:, 1]
    return np.concatenate([head[np.lexsort((-cold[head], -learned))], order[RERANK_DEPTH:]])


def ranked_rows(
    *,
    ranker: Ranker,
    table: ProgramTable,
    similarity: np.ndarray,
    district: str,
    routes: frozenset[str],
    explore: np.ndarray | None,
    k: int,
) -> list[int]:
    """One student's program rows, best first, diverse. `similarity` is per table row; `explore` is set when flat."""
    extra = nudges(table, district, routes)
    if explore is not None:  # never ranked by a shape it does not have: the exploration spread, near home first
        return _diverse(np.argsort(-(explore + extra), kind="stable"), table, k)
    features = pair_features(table, similarity, district, routes) if ranker.reranker is not None else None
    return _diverse(_order(ranker, features, similarity + extra), table, k)


def _diverse(order: np.ndarray, table: ProgramTable, k: int) -> list[int]:
    picked, taken, _last = table.capped(np.asarray(order)[None, :], k)
    return [int(row) for row in picked[0, : taken[0]]]


def recommendation_basis() -> str:
    """The model version and the catalog state a set is computed from; a set with another basis is stale."""
    version, _ranker = ranker_get()
    digest = hashlib.sha256(repr(graph_signature()).encode()).hexdigest()[:20]
    return f"v{version.number if version else 0}:{digest}"
