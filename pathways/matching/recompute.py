"""The city recompute: every eligible student of a user-id range scored in numpy blocks and written as one row each.

It stores exactly what `recommendation_store` stores for each student (tests/pathways/matching/test_bulk_recompute.py
compares the two), with none of its per-student queries:

1. one query for the range's eligible students (a saved attempt, not opted out, consent on record) with their latest
   attempt's scores, stage and district;
2. per stage, blocks of BLOCK students: similarity to every specialty (one matrix product), the cold-start nudges
   of the student's district, a partial sort to the best DEPTH programs, the learned re-ranker over the top
   RERANK_DEPTH when it is on, and the per-specialty and per-大类 caps walked over the whole block at once. A student
   whose list needs programs beyond the exactly ordered candidates (ties at the cut) goes through the one-student
   code instead;
3. one write: on PostgreSQL COPY into a temporary table and one INSERT ... ON CONFLICT; elsewhere a bulk upsert.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pathways.matching.core import (
    RERANK_DEPTH,
    ProgramTable,
    exploration_scores,
    nearness,
    nudges,
    preferred,
    program_table,
    ranked_rows,
    recommendation_basis,
    scores_of,
    top_specialties,
)
from pathways.models import QuizAttempt, StudentProfile, StudentRecommendation
from pathways.models.quiz import TARGET_LEVEL
from pathways.routes.graph import graph_get
from pathways.students.consent import may_store_condition
from recommender.artifacts import ranker_get
from recommender.models import AREAS
from recommender.ranking import Ranker, profiles_are_flat

log = logging.getLogger(__name__)
BLOCK = 4096  # students scored at once: a block's score matrix over ~3,100 programs is ~100 MB in float64
DEPTH = 256  # candidates per student put in exact order; deeper lists fall back to the one-student code
K = 10
PROFILE = "student__student_profile__"


@dataclass
class RangeResult:
    students: int = 0  # rows written
    query_seconds: float = 0.0
    scoring_seconds: float = 0.0
    writing_seconds: float = 0.0
    fallbacks: int = 0  # students ranked by the one-student code (ties at the candidate cut)
    programs: dict[str, int] = field(default_factory=dict)  # enterable programs per stage


@dataclass
class Eligible:
    """The range's eligible students, one array entry each, in user-id order."""

    student_ids: np.ndarray
    attempt_ids: np.ndarray
    stages: np.ndarray
    districts: np.ndarray
    vectors: np.ndarray  # n x 6, 0-1
    routes: np.ndarray  # the preferred route codes, space-separated, as stored on the profile


def eligible_students(*, first_user_id: int, last_user_id: int, only_stale: bool, basis: str) -> Eligible:
    """One query: each student in the range who may be profiled, with the latest attempt (the rule of consent_state)."""
    latest = QuizAttempt.objects.filter(student_id=OuterRef("student_id")).order_by("-completed_at", "-pk")
    rows = QuizAttempt.objects.filter(
        student_id__gte=first_user_id,
        student_id__lte=last_user_id,
        pk=Subquery(latest.values("pk")[:1]),
        **{f"{PROFILE}profiling_opt_out": False},
    ).filter(may_store_condition(user_id="student_id", profile=PROFILE, today=timezone.localdate()))
    if only_stale:
        rows = rows.exclude(student__recommendation__basis=basis)
    found = list(
        rows.order_by("student_id").values_list(
            "student_id",
            "pk",
            f"{PROFILE}stage",
            f"{PROFILE}district",
            f"{PROFILE}preferred_routes",
            *(f"score_{a.lower()}" for a in AREAS),
        )
    )
    if not found:
        empty = [np.zeros(0, dtype=t) for t in (int, int, object, object)]
        return Eligible(empty[0], empty[1], empty[2], empty[3], np.zeros((0, 6)), np.zeros(0, dtype=object))
    columns = list(zip(*found, strict=True))
    return Eligible(
        np.array(columns[0]),
        np.array(columns[1]),
        np.array([s or "junior" for s in columns[2]]),
        np.array(columns[3], dtype=object),
        np.array(columns[5:], dtype=float).T / 40,
        np.array(columns[4], dtype=object),
    )


def _fit(ranker: Ranker, score: float, flat: bool) -> str:
    return "explore" if flat else ranker.fit_label_key(score)


@dataclass
class StageScorer:
    """Everything about one stage's programs that does not depend on the student, computed once per range."""

    ranker: Ranker
    table: ProgramTable
    level: str
    explore: np.ndarray
    nudges: dict[tuple[str, str], np.ndarray]  # per (district, preferred routes)
    near: dict[str, np.ndarray]  # per district
    preferred: dict[str, np.ndarray]  # per preferred routes: 1 where a program is entered or left by one
    fallbacks: int = 0

    @classmethod
    def build(cls, ranker: Ranker, table: ProgramTable, stage: str, wishes: set[tuple[str, str]]) -> StageScorer:
        """`wishes`: the (district, preferred routes) pairs of the stage's students."""
        level = TARGET_LEVEL[stage]
        return cls(
            ranker,
            table,
            level,
            exploration_scores(ranker, table, level, K),
            {(d, r): nudges(table, d, frozenset(r.split())) for d, r in wishes},
            {d: nearness(table, d) for d, _r in wishes},
            {r: preferred(table, frozenset(r.split())) for _d, r in wishes},
        )

    def programs(
        self, similarity: np.ndarray, districts: np.ndarray, routes: np.ndarray, flat: np.ndarray
    ) -> np.ndarray:
        """Each student's program rows (n x K, -1 where the table ran out), from similarity per table row."""
        extra = np.stack([self.nudges[(d, r)] for d, r in zip(districts, routes, strict=True)])
        cold = np.where(flat[:, None], self.explore, similarity) + extra
        ordered, exact = _candidates(cold)
        if self.ranker.reranker is not None:
            head_rows = np.flatnonzero(~flat & (exact >= RERANK_DEPTH))
            self._rerank(ordered, cold, similarity, districts, routes, rows=head_rows)
            exact[~flat & (exact < RERANK_DEPTH)] = 0  # the head itself is not known exactly
        picked, _taken, last = self.table.capped(ordered, K)
        redo = np.flatnonzero((last >= exact) | ((picked[:, -1] < 0) & (exact < len(self.table.ids))))
        for n in redo:
            rows = ranked_rows(
                ranker=self.ranker,
                table=self.table,
                similarity=similarity[n],
                district=districts[n],
                routes=frozenset(routes[n].split()),
                explore=self.explore if flat[n] else None,
                k=K,
            )
            picked[n] = rows + [-1] * (K - len(rows))
        self.fallbacks += len(redo)
        return picked

    def _rerank(
        self,
        ordered: np.ndarray,
        cold: np.ndarray,
        similarity: np.ndarray,
        districts: np.ndarray,
        routes: np.ndarray,
        rows: np.ndarray,
    ) -> None:
        """Reorder each student's top RERANK_DEPTH by the learned model, as `_order` does for one student."""
        if not len(rows):
            return
        head = ordered[rows, :RERANK_DEPTH]
        f = self.table.features
        near = np.stack([self.near[d] for d in districts[rows]])
        liked = np.stack([self.preferred[r] for r in routes[rows]])
        features = np.stack(
            [
                np.take_along_axis(similarity[rows], head, 1).astype(float),
                np.take_along_axis(near, head, 1),
                np.take_along_axis(liked, head, 1),
                f["demand"][head],
                f["employment"][head],
                f["places"][head],
            ],
            axis=-1,
        )
        reranker = self.ranker.reranker
        assert reranker is not None  # only called when the re-ranker is on
        learned = reranker.predict_proba(features.reshape(-1, 6))[:, 1].reshape(head.shape)
        cold_head = np.take_along_axis(cold[rows], head, 1)
        ordered[rows, :RERANK_DEPTH] = np.take_along_axis(head, np.lexsort((-cold_head, -learned), axis=-1), 1)


def _candidates(cold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best DEPTH columns in the order of a stable sort of the whole row, and how many of them are exact:
    columns tied with the last candidate may stand in for others with the same score, so only those above it count."""
    n = cold.shape[1]
    if n <= DEPTH:
        return np.argsort(-cold, axis=1, kind="stable"), np.full(len(cold), n)
    part = np.argpartition(-cold, DEPTH - 1, axis=1)[:, :DEPTH]
    part.sort(axis=1)  # column order first, so the stable sort below breaks ties as the full sort does
    values = np.take_along_axis(cold, part, 1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, 1), (values > values.min(axis=1, keepdims=True)).sum(axis=1)


def _json_items(ranker: Ranker, parts: list[str], scores: list[float], flat: bool) -> str:
    items = (
        f'{p}"score": {round(s, 4)!r}, "fit": "{_fit(ranker, s, flat)}"}}' for p, s in zip(parts, scores, strict=True)
    )
    return "[" + ", ".join(items) + "]"


@dataclass
class Row:
    student_id: int
    attempt_id: int
    stage: str
    flat: bool
    specialties: str  # JSON text
    programs: str


def _score_stage(ranker: Ranker, scorer: StageScorer, found: Eligible, members: np.ndarray) -> Iterator[Row]:
    table, index = scorer.table, ranker.index
    program_parts = [
        f'{{"program": {int(pk)}, "specialty": "{table_code}", '
        for pk, table_code in zip(table.ids, index.codes[table.columns], strict=True)
    ]
    specialty_parts = [f'{{"code": "{code}", ' for code in index.codes]
    for start in range(0, len(members), BLOCK):
        block = members[start : start + BLOCK]
        vectors, districts, routes = found.vectors[block], found.districts[block], found.routes[block]
        flat = profiles_are_flat(vectors)
        top, top_scores = top_specialties(ranker, vectors, scorer.level, K)
        similarity = scores_of(ranker, vectors)[:, table.columns]
        picked = scorer.programs(similarity, districts, routes, flat)
        program_scores = np.take_along_axis(similarity, np.maximum(picked, 0), 1).tolist()
        for n, row in enumerate(block.tolist()):
            chosen = [r for r in picked[n].tolist() if r >= 0]
            specialties = _json_items(
                ranker, [specialty_parts[c] for c in top[n].tolist()], top_scores[n].tolist(), flat[n]
            )
            programs = _json_items(
                ranker, [program_parts[r] for r in chosen], program_scores[n][: len(chosen)], flat[n]
            )
            yield Row(
                int(found.student_ids[row]),
                int(found.attempt_ids[row]),
                str(found.stages[row]),
                bool(flat[n]),
                specialties,
                programs,
            )


def _write(rows: list[Row], *, model_version: int | None, basis: str, now: datetime) -> None:
    if connection.vendor == "postgresql":
        _write_copy(rows, model_version=model_version, basis=basis, now=now)
        return
    import json

    StudentRecommendation.objects.bulk_create(
        [
            StudentRecommendation(
                student_id=r.student_id,
                attempt_id=r.attempt_id,
                model_version=model_version,
                stage=r.stage,
                flat=r.flat,
                specialties=json.loads(r.specialties),
                programs=json.loads(r.programs),
                basis=basis,
                computed_at=now,
            )
            for r in rows
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["student"],
        update_fields=["attempt", "model_version", "stage", "flat", "specialties", "programs", "basis", "computed_at"],
    )


COLUMNS = (
    "student_id",
    "attempt_id",
    "model_version",
    "stage",
    "flat",
    "specialties",
    "programs",
    "basis",
    "computed_at",
)


def _write_copy(rows: list[Row], *, model_version: int | None, basis: str, now: datetime) -> None:
    """COPY into a temporary table, then one upsert: each student's single row is replaced or created."""
    target = StudentRecommendation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.recompute_rows")
        cursor.execute(f"CREATE TEMP TABLE recompute_rows (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP")
        cursor.execute("ALTER TABLE recompute_rows DROP COLUMN id")
        with cursor.cursor.copy(f"COPY recompute_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (r.student_id, r.attempt_id, model_version, r.stage, r.flat, r.specialties, r.programs, basis, now)
                )
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
        cursor.execute(
            f"INSERT INTO {target} ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM recompute_rows "
            f"ON CONFLICT (student_id) DO UPDATE SET {updates}"
        )


def recompute_range(*, first_user_id: int, last_user_id: int, only_stale: bool = False) -> RangeResult:
    """Recompute every eligible student with first <= user id <= last, in one transaction; return counts and timings.

    One query, numpy blocks, one bulk write; each stored set is exactly what `recommendation_store` would store. Each
    student's row is replaced, so a range that runs twice (a worker killed and the task redelivered) leaves exactly the
    same rows: no duplicates, no gaps. With `only_stale`, only sets from another model version or catalog state (or
    none yet) are redone.
    """
    result = RangeResult()
    version, ranker = ranker_get()
    graph, basis = graph_get(), recommendation_basis()
    clock = time.perf_counter()
    found = eligible_students(
        first_user_id=first_user_id, last_user_id=last_user_id, only_stale=only_stale, basis=basis
    )
    result.query_seconds = time.perf_counter() - clock
    if graph is None or not len(found.student_ids):
        return result
    clock, rows = time.perf_counter(), list[Row]()
    for stage in sorted(set(found.stages.tolist())):
        table = program_table(graph, version, ranker, stage)
        members = np.flatnonzero(found.stages == stage)
        wishes = set(zip(found.districts[members].tolist(), found.routes[members].tolist(), strict=True))
        scorer = StageScorer.build(ranker, table, stage, wishes | {("", "")})
        rows.extend(_score_stage(ranker, scorer, found, members))
        result.fallbacks += scorer.fallbacks
        result.programs[stage] = len(table.ids)
    result.scoring_seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    with transaction.atomic():
        _write(rows, model_version=version.number if version else None, basis=basis, now=timezone.now())
    result.writing_seconds = time.perf_counter() - clock
    result.students = len(rows)
    log.info("recompute %s-%s: %s", first_user_id, last_user_id, result)
    return result


def recompute_plan(*, after_user_id: int = 0, only_stale: bool = False, size: int = 0) -> list[tuple[int, int]]:
    """The ranges of `recompute_plan_counted`."""
    return recompute_plan_counted(after_user_id=after_user_id, only_stale=only_stale, size=size)[0]


def recompute_plan_counted(
    *, after_user_id: int = 0, only_stale: bool = False, size: int = 0
) -> tuple[list[tuple[int, int]], int]:
    """The user-id ranges [first, last] of a recompute, for chunk tasks to share out.

    Each range holds `size` students (RECOMPUTE_CHUNK_SIZE unless given) who have a saved attempt and have not opted
    out of profiling; `recompute_range` then skips those without consent. With `only_stale`, students whose set is
    from the current model version and catalog state are left out.
    """
    size = size or settings.RECOMPUTE_CHUNK_SIZE
    students = StudentProfile.objects.filter(
        user_id__gt=after_user_id, user__quiz_attempts__isnull=False, profiling_opt_out=False
    )
    if only_stale:
        students = students.exclude(user__recommendation__basis=recommendation_basis())
    ids = list(students.distinct().order_by("user_id").values_list("user_id", flat=True))
    return [(ids[n], ids[min(n + size, len(ids)) - 1]) for n in range(0, len(ids), size)], len(ids)
