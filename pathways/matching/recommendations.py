"""Recommendations for a student: specialties and programs ranked for an interest profile and what the student told
us (stage, district, preferred routes), each with the route that reaches it, the industries it feeds, a fit label
and an explanation; and the 33618 clusters those programs lead into.

The ranking is the recommender's shape similarity (see recommender/ranking.py). Cold-start program scores add small,
bounded nudges to it, so interests always come first:

    score = similarity + 0.08 near home + 0.05 preferred route + 0.05 cluster demand + 0.03 employment + 0.02 places

Diversity: at most one program per specialty and three per 专业大类 in the list. A flat profile is never ranked by
similarity: it gets the exploration spread across 大类, and says why.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import (
    Decision,
    QuizAttempt,
    RecommendationFeedback,
    ReviewItem,
    RouteKind,
    StudentProfile,
    StudentRecommendation,
)
from pathways.models.quiz import POSITIVE_FEEDBACK
from pathways.routes.graph import EXAM_EDGE, RouteGraph, graph_get, graph_signature
from programs.districts import AREA_OF_DISTRICT
from programs.models import ClusterTier, IndustryCluster, Level, Program
from recommender.artifacts import ranker_get
from recommender.explain import explain, explain_exploration, fit_label
from recommender.models import AREAS, ModelVersion
from recommender.ranking import Ranker, profiles_are_flat
from recommender.reranker import FeedbackSet

log = logging.getLogger(__name__)

STAGES = ("junior", "secondary", "associate")
WEIGHTS = {"near": 0.08, "route": 0.05, "demand": 0.05, "employment": 0.03, "places": 0.02}
TIER_DEMAND = {
    ClusterTier.LEADING: 1.0,
    ClusterTier.PILLAR: 0.85,
    ClusterTier.DISTINCTIVE: 0.7,
    ClusterTier.NEW_STAR: 0.7,
    ClusterTier.SERVICE: 0.5,
    ClusterTier.OTHER: 0.3,
}
PER_SPECIALTY, PER_CATEGORY = 1, 3
# The level of the specialties recommended at each stage (programs may reach further: 3+4 leads to 本科).
TARGET_LEVEL = {"junior": Level.SECONDARY, "secondary": Level.ASSOCIATE, "associate": Level.BACHELOR}


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


def _source_stage(graph: RouteGraph, node: object) -> str | None:
    if isinstance(node, str):
        return "secondary" if node.startswith("skills_exam") else "associate"
    level = graph.programs[node].level  # type: ignore[index]
    return {Level.SECONDARY: "secondary", Level.ASSOCIATE: "associate"}.get(level)


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
    )


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


@dataclass
class RecommendedSpecialty:
    code: str
    name: str
    level: str
    score: float
    fit: str
    fit_label: str
    explanation: str


@dataclass
class RecommendedProgram:
    program: Program
    score: float
    fit: str
    fit_label: str
    explanation: str
    entries: list[Entry]
    routes: list[RouteKind]
    clusters: list[IndustryCluster]


@dataclass
class RecommendedIndustry:
    cluster: IndustryCluster
    programs: list[Program] = field(default_factory=list)


@dataclass
class RecommendationSet:
    model_version: int | None
    flat: bool
    exploration_note: str
    specialties: list[RecommendedSpecialty]
    programs: list[RecommendedProgram]
    industries: list[RecommendedIndustry]


def nearness(table: ProgramTable, district: str) -> np.ndarray:
    if not district:
        return np.zeros(len(table.ids))
    area = AREA_OF_DISTRICT.get(district)
    return np.where(table.districts == district, 1.0, np.where(table.areas == area, 0.5, 0.0))


def _preferred(table: ProgramTable, routes: frozenset[str]) -> np.ndarray:
    if not routes:
        return np.zeros(len(table.ids))
    return np.array([any(e.route in routes for e in table.entries[pk]) for pk in table.ids], dtype=float)


def _features(table: ProgramTable, similarity: np.ndarray, district: str, routes: frozenset[str]) -> np.ndarray:
    """One row per program in the table: the re-ranker's FEATURES, in order."""
    f = table.features
    return np.column_stack(
        [similarity, nearness(table, district), _preferred(table, routes), f["demand"], f["employment"], f["places"]]
    )


def nudges(table: ProgramTable, district: str, routes: frozenset[str] = frozenset()) -> np.ndarray:
    """What the cold start adds to each program's similarity (the COLD_WEIGHTS sum without it).

    Elementwise, in a fixed order, so one student and a block of a thousand get bit-identical scores (a BLAS dot
    product rounds differently for one row than for many).
    """
    f = table.features
    fixed = WEIGHTS["demand"] * f["demand"] + WEIGHTS["employment"] * f["employment"] + WEIGHTS["places"] * f["places"]
    return WEIGHTS["near"] * nearness(table, district) + (WEIGHTS["route"] * _preferred(table, routes) + fixed)


def scores_of(ranker: Ranker, vectors: np.ndarray) -> np.ndarray:
    """Shape similarity of each profile with each specialty. OpenBLAS computes a single row as a gemv, whose sums
    round differently from the gemm of a block: one profile is scored as a block of two, so one student's numbers are
    bit-identical to the city recompute's."""
    return ranker.scores(np.vstack([vectors, vectors])[: max(len(vectors), 2)])[: len(vectors)]


def top_specialties(ranker: Ranker, vectors: np.ndarray, level: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`Ranker.top_k`, with one profile scored as a block of two for the same reason as `scores_of`."""
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


def _order(ranker: Ranker, features: np.ndarray, cold: np.ndarray) -> np.ndarray:
    """Program rows best first: the cold-start score, then the learned re-ranker over its top rows when it is on."""
    order = np.argsort(-cold, kind="stable")
    if ranker.reranker is None:
        return order
    head = order[:RERANK_DEPTH]
    learned = ranker.reranker.predict_proba(features[head])[:, 1]
    return np.concatenate([head[np.lexsort((-cold[head], -learned))], order[RERANK_DEPTH:]])


def ranked_rows(
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
    features = _features(table, similarity, district, routes) if ranker.reranker is not None else None
    return _diverse(_order(ranker, features, similarity + extra), table, k)


def _diverse(order: np.ndarray, table: ProgramTable, k: int) -> list[int]:
    picked: list[int] = []
    per_specialty: dict[int, int] = defaultdict(int)
    per_category: dict[str, int] = defaultdict(int)
    for row in order:
        spec, cat = table.specialty_ids[row], table.categories[row]
        if per_specialty[spec] < PER_SPECIALTY and per_category[cat] < PER_CATEGORY:
            picked.append(int(row))
            per_specialty[spec] += 1
            per_category[cat] += 1
            if len(picked) == k:
                break
    return picked


def recommendations_for(
    *,
    profile: dict[str, float],
    stage: str,
    district: str = "",
    routes: frozenset[str] = frozenset(),
    k: int = 10,
    liked: dict[str, list[str]] | None = None,
) -> RecommendationSet:
    """The whole recommendation for one profile. Reads cached tables: no per-program query."""
    version, ranker = ranker_get()
    graph = graph_get()
    vector = np.array([profile[a] for a in AREAS], dtype=float)
    flat = bool(profiles_are_flat(vector)[0])
    similarity = scores_of(ranker, vector[None, :])[0]
    level = TARGET_LEVEL[stage]
    top, top_scores = top_specialties(ranker, vector[None, :], level, k)
    specialties = [
        _specialty(ranker, vector, int(col), float(score), flat, liked)
        for col, score in zip(top[0], top_scores[0], strict=True)
    ]
    programs: list[RecommendedProgram] = []
    if graph is not None:
        table = program_table(graph, version, ranker, stage)
        explore = exploration_scores(ranker, table, level, k) if flat else None
        rows = ranked_rows(ranker, table, similarity[table.columns], district, routes, explore, k)
        programs = [
            _program(graph, ranker, table, vector, row, float(similarity[table.columns[row]]), flat, liked)
            for row in rows
        ]
    return RecommendationSet(
        version.number if version else None,
        flat,
        explain_exploration() if flat else "",
        specialties,
        programs,
        _industries(programs),
    )


def _specialty(
    ranker: Ranker, vector: np.ndarray, column: int, score: float, flat: bool, liked: dict | None
) -> RecommendedSpecialty:
    index = ranker.index
    key, words = fit_label(score) if not flat else ("explore", "")
    text = (
        explain_exploration() if flat else explain(vector, index.profiles[column], str(index.names[column]), liked).text
    )
    return RecommendedSpecialty(
        str(index.codes[column]), str(index.names[column]), str(index.levels[column]), round(score, 4), key, words, text
    )


def _program(
    graph: RouteGraph,
    ranker: Ranker,
    table: ProgramTable,
    vector: np.ndarray,
    row: int,
    score: float,
    flat: bool,
    liked: dict | None,
) -> RecommendedProgram:
    pk = int(table.ids[row])
    program = graph.program_rows[pk]
    key, words = fit_label(score) if not flat else ("explore", "")
    profile = ranker.index.profiles[table.columns[row]]
    text = explain_exploration() if flat else explain(vector, profile, program.specialty.name, liked).text
    entries = table.entries[pk]
    routes = [graph.routes[e.route] for e in entries if e.route in graph.routes]
    clusters = graph.clusters_by_specialty.get(program.specialty_id, [])[:3]
    return RecommendedProgram(
        program, round(score, 4), key, words, text, entries[:3], list(dict.fromkeys(routes)), clusters
    )


def _industries(programs: list[RecommendedProgram]) -> list[RecommendedIndustry]:
    by_cluster: dict[int, RecommendedIndustry] = {}
    for item in programs:
        for cluster in item.clusters:
            by_cluster.setdefault(cluster.pk, RecommendedIndustry(cluster)).programs.append(item.program)
    return sorted(by_cluster.values(), key=lambda i: (-len(i.programs), i.cluster.position))


# A student's stored recommendations ---------------------------------------------------------------------------------


def liked_activities(*, attempt: QuizAttempt) -> dict[str, list[str]]:
    """The activities a student marked 4 or 5, by area, as worded when they answered: the 'why' behind a match."""
    liked: dict[str, list[str]] = defaultdict(list)
    for answer in attempt.answers.select_related("item").filter(value__gte=4).order_by("-value", "item__position"):
        liked[answer.item.area].append(answer.item.display_text)
    return dict(liked)


def attempt_profile(attempt: QuizAttempt) -> dict[str, float]:
    return {area: attempt.scores[area] / 40 for area in AREAS}


def recommendations_for_attempt(
    *, attempt: QuizAttempt, stage: str, district: str = "", routes: frozenset[str] = frozenset()
) -> RecommendationSet:
    return recommendations_for(
        profile=attempt_profile(attempt),
        stage=stage,
        district=district,
        routes=routes,
        liked=liked_activities(attempt=attempt),
    )


def _stored(result: RecommendationSet) -> tuple[list[dict], list[dict]]:
    specialties = [{"code": s.code, "score": s.score, "fit": s.fit} for s in result.specialties]
    programs = [
        {"program": p.program.pk, "specialty": p.program.specialty.code, "score": p.score, "fit": p.fit}
        for p in result.programs
    ]
    return specialties, programs


def recommendation_basis() -> str:
    """The model version and the catalog state a set is computed from; a set with another basis is stale."""
    version, _ranker = ranker_get()
    digest = hashlib.sha256(repr(graph_signature()).encode()).hexdigest()[:20]
    return f"v{version.number if version else 0}:{digest}"


def recommendation_store(
    *, attempt: QuizAttempt, stage: str, district: str, basis: str | None = None, routes: frozenset[str] = frozenset()
) -> StudentRecommendation:
    """Compute and keep one student's current set (with the routes they prefer, when they asked on the page).
    Running it twice leaves the same single row."""
    result = recommendations_for_attempt(attempt=attempt, stage=stage, district=district, routes=routes)
    specialties, programs = _stored(result)
    stored, _created = StudentRecommendation.objects.update_or_create(
        student_id=attempt.student_id,
        defaults={
            "attempt": attempt,
            "model_version": result.model_version,
            "stage": stage,
            "flat": result.flat,
            "specialties": specialties,
            "programs": programs,
            "computed_at": timezone.now(),
            "basis": basis or recommendation_basis(),
        },
    )
    return stored


def students_to_recompute() -> QuerySet[StudentProfile]:
    """Students with at least one saved attempt who have not opted out of profiling, in a stable order."""
    profiles = StudentProfile.objects.filter(user__quiz_attempts__isnull=False, profiling_opt_out=False)
    return profiles.distinct().order_by("user_id")


def recommendations_recompute(
    *, after_user_id: int = 0, chunk: int = 200, only_stale: bool = False
) -> tuple[int, int | None]:
    """Recompute one chunk of students after `after_user_id`; return how many, and where the next chunk starts.

    The chunk is the user-id range of its first and last student, recomputed by `recommendations_recompute_range`.
    With `only_stale`, only students whose set was computed from another model version or catalog state (or who have
    none) are redone.
    """
    students = students_to_recompute().filter(user_id__gt=after_user_id)
    if only_stale:
        students = students.exclude(user__recommendation__basis=recommendation_basis())
    ids = list(students.values_list("user_id", flat=True)[:chunk])
    if ids:
        recommendations_recompute_range(first_user_id=ids[0], last_user_id=ids[-1], only_stale=only_stale)
    return len(ids), (ids[-1] if len(ids) == chunk else None)


RECOMPUTE_CHUNK = 20_000  # students per chunk task: one transaction each


def recompute_plan(
    *, after_user_id: int = 0, only_stale: bool = False, size: int = RECOMPUTE_CHUNK
) -> list[tuple[int, int]]:
    """The user-id ranges [first, last] of a recompute, `size` eligible students each, for chunk tasks to share out."""
    students = students_to_recompute().filter(user_id__gt=after_user_id)
    if only_stale:
        students = students.exclude(user__recommendation__basis=recommendation_basis())
    ids = list(students.values_list("user_id", flat=True))
    return [(ids[n], ids[min(n + size, len(ids)) - 1]) for n in range(0, len(ids), size)]


def recommendations_recompute_range(*, first_user_id: int, last_user_id: int, only_stale: bool = False) -> int:
    """Recompute every eligible student with first <= user id <= last, in one transaction; return how many rows.

    Vectorised (pathways/recompute.py): one query, numpy blocks, one bulk write; each stored set is exactly what
    `recommendation_store` would store. Each student's row is replaced, so a range that runs twice (a worker killed
    and the task redelivered) leaves exactly the same rows: no duplicates, no gaps.
    """
    from pathways.matching.recompute import recompute_range  # the bulk module builds on this one

    result = recompute_range(first_user_id=first_user_id, last_user_id=last_user_id, only_stale=only_stale)
    log.info("recompute %s-%s: %s", first_user_id, last_user_id, result)
    return result.students


# Feedback, for the re-ranker ------------------------------------------------------------------------------------------


class FeedbackRefused(ValueError):
    """Feedback on a program that was never recommended to that student."""


def feedback_allowed(*, attempt: QuizAttempt, program_id: int) -> bool:
    """Feedback is kept only for a program the student was recommended: in their stored set, in the set their page
    shows for their stage and district now (a stored set can lag a catalog edit), or added by their counselor. A
    student who turned profiling off is recommended nothing, and nothing is computed to check."""
    profile = StudentProfile.objects.filter(user_id=attempt.student_id).first()
    if profile is not None and profile.profiling_opt_out:
        return False
    stored = StudentRecommendation.objects.filter(student_id=attempt.student_id).values_list("programs", flat=True)
    if any(item.get("program") == program_id for programs in stored for item in programs):
        return True
    added = ReviewItem.objects.filter(review__student_id=attempt.student_id, decision=Decision.ADDED)
    if added.filter(program_id=program_id).exists():
        return True
    stage, district = ((profile.stage or "junior"), profile.district) if profile else ("junior", "")
    shown = recommendations_for_attempt(attempt=attempt, stage=stage, district=district)
    return any(item.program.pk == program_id for item in shown.programs)


def feedback_record(*, actor: object, attempt: QuizAttempt, program: Program, kind: str, reason: str = "") -> None:
    """Keep what a student (save, dismiss) or a counselor (endorse, reject) said about a program recommended to the
    student; any other program is refused (FeedbackRefused), so the re-ranker learns only from real suggestions."""
    if not feedback_allowed(attempt=attempt, program_id=program.pk):
        raise FeedbackRefused(
            _("Program %(id)s was not recommended to you, so it cannot be saved or dismissed here.")
            % {"id": program.pk}
        )
    RecommendationFeedback.objects.update_or_create(
        student_id=attempt.student_id,
        actor=actor,
        program=program,
        defaults={"attempt": attempt, "kind": kind, "reason": reason.strip()[:200]},
    )


def feedback_dataset() -> FeedbackSet | None:
    """Every piece of feedback as re-ranker training rows: the pair's features when it was given, and its label."""
    version, ranker = ranker_get()
    graph = graph_get()
    rows = list(RecommendationFeedback.objects.select_related("attempt", "program__institution").order_by("pk"))
    if graph is None or not rows:
        return None
    table = program_table(graph, version, ranker, "all")
    row_of = {int(pk): n for n, pk in enumerate(table.ids)}
    districts = dict(StudentProfile.objects.values_list("user_id", "district"))
    features, labels, students = [], [], []
    for feedback in rows:
        if feedback.program_id not in row_of:
            continue
        n = row_of[feedback.program_id]
        similarity = ranker.scores(np.array([attempt_profile(feedback.attempt)[a] for a in AREAS]))[0]
        pair = _features(table, similarity[table.columns], districts.get(feedback.student_id, ""), frozenset())[n]
        features.append(pair)
        labels.append(int(feedback.kind in POSITIVE_FEEDBACK))
        students.append(feedback.student_id)
    if not features:
        return None
    matrix = np.array(features)
    return FeedbackSet(matrix, np.array(labels), np.array(students), matrix @ COLD_WEIGHTS)
