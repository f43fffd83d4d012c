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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pathways.matching.core import (
    PER_CATEGORY,
    RERANK_DEPTH,
    ProgramTable,
    exploration_scores,
    nearness,
    nudges,
    preferred,
    program_table,
    recommendation_basis,
    table_scores,
    top_specialties,
)
from pathways.models import QuizAttempt, StudentProfile, StudentRecommendation
from pathways.models.quiz import TARGET_LEVEL
from pathways.routes.graph import graph_get
from pathways.students.consent import may_store_condition
from recommender.artifacts import ranker_get
from recommender.models import AREAS
from recommender.ranking import FIT_KEYS, Ranker, capped_walk, profiles_are_flat

log = logging.getLogger(__name__)
BLOCK = 4096  # students scored at once: a block's score matrix over ~1,500 programs is ~50 MB in float64
DEPTH = 256  # programs per student put in exact order (re-ranker on); deeper lists are ranked again in full
SPECIALTY_DEPTH = 96  # the same, in specialties (cold start); deeper lists are ranked again in full
NUDGE_GAP = 1e-9  # nudges closer than this but unequal could round to one score beside a similarity (see `Shortcut`)
K = 10
PROFILE = "student__student_profile__"


@dataclass
class RangeResult:
    students: int = 0  # rows written
    query_seconds: float = 0.0  # wall time of each phase
    scoring_seconds: float = 0.0
    writing_seconds: float = 0.0
    query_cpu: float = 0.0  # this process's CPU time in each phase (the database's own work is not in it)
    scoring_cpu: float = 0.0
    writing_cpu: float = 0.0
    fallbacks: int = 0  # students ranked again over the whole table (ties at the candidate cut)
    programs: dict[str, int] = field(default_factory=dict)  # enterable programs per stage

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            setattr(self, f"{phase}_seconds", getattr(self, f"{phase}_seconds") + time.perf_counter() - wall)
            setattr(self, f"{phase}_cpu", getattr(self, f"{phase}_cpu") + time.process_time() - cpu)


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
    with transaction.atomic():
        if connection.vendor == "postgresql":  # its cost estimate asks for JIT, whose compiling costs a tenth of it
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
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


@dataclass
class Shortcut:
    """For one wish, each specialty's best program: the cold start's shortcut.

    A program's cold-start score is its specialty's similarity plus its own nudge, and a list takes one program per
    specialty: the first of the specialty in the order, which is the one with the highest nudge (the lowest row among
    equal ones, as the stable sort has it). So a list is the walk over specialties, each scored by its similarity plus
    its best program's nudge, ties in the order of those programs' rows, under the 大类 cap: the same picks from a
    third of the columns. The arrays list the specialties in the order of their best programs' rows. Where two of a
    specialty's nudges differ by less than NUDGE_GAP (so they might round to one score beside a similarity) the
    shortcut is `unsure`, and the wish's students take the walk over programs.
    """

    specialties: np.ndarray  # specialty indices (0..S-1), by the row of each one's best program
    columns: np.ndarray  # each one's place in `table_scores`
    nudges: np.ndarray  # its best program's nudge
    explore: np.ndarray  # the exploration spread's score (a flat profile's similarity)
    rows: np.ndarray  # per specialty index (not in the order above): its best program's row
    unsure: bool

    @classmethod
    def of(cls, table: ProgramTable, nudge: np.ndarray, explore: np.ndarray) -> Shortcut:
        specialty, positions = table.specialty_index, np.arange(len(table.ids))
        order = np.lexsort((positions, -nudge, specialty))  # by specialty, then nudge down, then row
        top = order[np.flatnonzero(np.diff(specialty[order], prepend=-1))]  # each specialty's best row
        gap = nudge[top][specialty] - nudge
        by_row = top[np.argsort(top, kind="stable")]
        return cls(
            specialty[by_row],
            table.score_slot[by_row],
            nudge[by_row],
            explore[by_row],
            top,
            bool(((gap > 0) & (gap < NUDGE_GAP)).any()),
        )


def shortcut(
    table: ProgramTable, district: str, routes: frozenset[str], level: str, nudge: np.ndarray, explore: np.ndarray
) -> Shortcut:
    """The wish's `Shortcut`, made once per table (the table is kept per catalog state, model version and stage)."""
    return table.cached(("shortcut", district, *sorted(routes), level), lambda: Shortcut.of(table, nudge, explore))


@dataclass
class StageScorer:
    """Everything about one stage's programs that does not depend on the student, computed once per range: per
    (district, preferred routes) pair of the stage's students (a "wish"), the cold-start nudges, the nearness and the
    preferred-route flags, one row each, so a block of students gathers its rows with one index."""

    ranker: Ranker
    table: ProgramTable
    level: str
    explore: np.ndarray
    wishes: dict[tuple[str, str], int]  # (district, preferred routes) -> row of the matrices below
    nudges: np.ndarray  # wishes x programs
    near: np.ndarray
    liked: np.ndarray  # 1 where a program is entered or left by a preferred route
    shortcuts: list[Shortcut]  # per wish
    categories: np.ndarray  # per specialty index: its 大类, 0..C-1
    fallbacks: int = 0

    @classmethod
    def build(cls, ranker: Ranker, table: ProgramTable, stage: str, wishes: set[tuple[str, str]]) -> StageScorer:
        """`wishes`: the (district, preferred routes) pairs of the stage's students."""
        level, pairs = TARGET_LEVEL[stage], sorted(wishes)
        routes = [frozenset(r.split()) for _d, r in pairs]
        explore = exploration_scores(ranker, table, level, K)
        extra = [nudges(table, d, r) for (d, _r), r in zip(pairs, routes, strict=True)]
        first = np.unique(table.specialty_index, return_index=True)[1]
        return cls(
            ranker,
            table,
            level,
            explore,
            {pair: n for n, pair in enumerate(pairs)},
            np.stack(extra),
            np.stack([nearness(table, d) for d, _r in pairs]),
            np.stack([preferred(table, r) for r in routes]),
            [shortcut(table, d, r, level, e, explore) for (d, _r), r, e in zip(pairs, routes, extra, strict=True)],
            table.category_index[first],
        )

    def rows_of(self, districts: np.ndarray, routes: np.ndarray) -> np.ndarray:
        """Each student's row in the wish matrices."""
        wishes = self.wishes
        return np.fromiter((wishes[w] for w in zip(districts, routes, strict=True)), dtype=np.intp, count=len(routes))

    def programs(self, scores: np.ndarray, wishes: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """Each student's program rows (n x K, -1 where the table ran out), from their `table_scores`.

        The cold start walks specialties (`Shortcut`); with the re-ranker on, or for a wish where that shortcut is
        unsure, the walk is over programs.
        """
        if self.ranker.reranker is not None:
            return self._programs(scores[:, self.table.score_slot], wishes, flat)
        unsure = np.array([cut.unsure for cut in self.shortcuts])[wishes]
        if not unsure.any():
            return self._specialties(scores, wishes, flat)
        picked = np.empty((len(wishes), K), dtype=np.intp)
        sure = np.flatnonzero(~unsure)
        picked[sure] = self._specialties(scores[sure], wishes[sure], flat[sure])
        rest = np.flatnonzero(unsure)
        picked[rest] = self._programs(scores[rest][:, self.table.score_slot], wishes[rest], flat[rest])
        return picked

    def _specialties(self, scores: np.ndarray, wishes: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """The cold start over specialties (`Shortcut`), for students sorted by wish: each specialty scored by its
        similarity plus its best program's nudge, the same float64 sum as that program's own score. A first pass
        orders the best SPECIALTY_DEPTH; a student whose list goes past the exactly ordered ones is ordered again over
        them all."""
        bounds = np.flatnonzero(np.diff(wishes, prepend=-1, append=-1))
        groups = [(int(wishes[a]), int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        cold = np.empty((len(wishes), len(self.categories)))
        for w, a, b in groups:
            cut = self.shortcuts[w]
            np.add(cut.nudges, scores[a:b, cut.columns], out=cold[a:b])  # as `nudges + similarity`, per program
            if flat[a:b].any():
                cold[a + np.flatnonzero(flat[a:b])] = cut.explore + cut.nudges
        ordered, exact = _candidates(cold, SPECIALTY_DEPTH)
        for w, a, b in groups:
            ordered[a:b] = self.shortcuts[w].specialties[ordered[a:b]]
        caps = [(self.categories, PER_CATEGORY)]
        picked, _taken, last = capped_walk(ordered, caps, K)
        redo = np.flatnonzero((last >= exact) | ((picked[:, -1] < 0) & (exact < cold.shape[1])))
        if len(redo):  # a list whose 大类 cap reaches past the candidates: every specialty in order
            full = np.argsort(-cold[redo], axis=1, kind="stable")
            specialties = np.stack([self.shortcuts[w].specialties for w in wishes[redo].tolist()])
            picked[redo] = capped_walk(np.take_along_axis(specialties, full, 1), caps, K)[0]
        self.fallbacks += len(redo)
        rows = np.empty_like(picked)
        for w, a, b in groups:
            rows[a:b] = self.shortcuts[w].rows[np.maximum(picked[a:b], 0)]
        return np.where(picked >= 0, rows, -1)

    def _programs(self, similarity: np.ndarray, wishes: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """The walk over programs (similarity per table row), the re-ranker's order where it is on.

        The cold-start score is the one-student path's, elementwise in the same order (`similarity + nudges`, the
        exploration spread for a flat profile). A first pass orders each student's best DEPTH programs; a student
        whose list needs programs past the exactly ordered ones is ranked again over the whole table, for a block of
        such students at once: the same order the one-student code gives.
        """
        cold = self.nudges[wishes]
        cold += similarity  # float32 + float64, as `similarity + nudges`: addition commutes exactly
        if flat.any():
            cold[flat] = self.explore + self.nudges[wishes[flat]]
        picked, last, exact = self._walk(cold, similarity, wishes, flat, DEPTH)
        programs = len(self.table.ids)
        redo = np.flatnonzero((last >= exact) | ((picked[:, -1] < 0) & (exact < programs)))
        if len(redo):
            picked[redo] = self._walk(cold[redo], similarity[redo], wishes[redo], flat[redo], programs)[0]
        self.fallbacks += len(redo)
        return picked

    def _walk(
        self, cold: np.ndarray, similarity: np.ndarray, wishes: np.ndarray, flat: np.ndarray, depth: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Order the best `depth` candidates, let the re-ranker reorder the head where it is known exactly, and walk
        the caps: the picks, the position of each row's last pick and how many candidates are exact."""
        ordered, exact = _candidates(cold, depth)
        if self.ranker.reranker is not None:
            head = min(RERANK_DEPTH, len(self.table.ids))
            self._rerank(ordered, cold, similarity, wishes, rows=np.flatnonzero(~flat & (exact >= head)))
            exact[~flat & (exact < head)] = 0  # the head itself is not known exactly
        picked, _taken, last = self.table.capped(ordered, K)
        return picked, last, exact

    def _rerank(
        self, ordered: np.ndarray, cold: np.ndarray, similarity: np.ndarray, wishes: np.ndarray, rows: np.ndarray
    ) -> None:
        """Reorder each student's top RERANK_DEPTH by the learned model, as `_order` does for one student."""
        if not len(rows):
            return
        head = ordered[rows, :RERANK_DEPTH]
        f = self.table.features
        features = np.stack(
            [
                np.take_along_axis(similarity[rows], head, 1).astype(float),
                np.take_along_axis(self.near[wishes[rows]], head, 1),
                np.take_along_axis(self.liked[wishes[rows]], head, 1),
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
        ordered[rows, : head.shape[1]] = np.take_along_axis(head, np.lexsort((-cold_head, -learned), axis=-1), 1)


def _candidates(cold: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best `depth` columns in the order of a stable sort of the whole row, and how many of them are exact:
    columns tied with the last candidate may stand in for others with the same score, so only those above it count."""
    n = cold.shape[1]
    if n <= depth:
        return np.argsort(-cold, axis=1, kind="stable"), np.full(len(cold), n)
    part = np.argpartition(cold, n - depth, axis=1)[:, n - depth :]
    part.sort(axis=1)  # column order first, so the stable sort below breaks ties as the full sort does
    values = np.take_along_axis(cold, part, 1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, 1), (values > values.min(axis=1, keepdims=True)).sum(axis=1)


class Texts:
    """The stored JSON of a block's lists, built with array operations instead of a format call per item.

    Each item is `{"code": "…", "fit": "…", "score": S}` (a specialty) or `{"program": …, "specialty": "…", "fit":
    "…", "score": S}` (a program): the one-student path's dicts, which PostgreSQL's jsonb stores with their keys in
    its own order either way. Each item's text up to its score is made once per column and fit label, so an item is
    one lookup and one concatenation. S is `repr(round(score, 4))`: a score is a float32, so score x 10,000 is exact
    in float64 and rounding it half to even is Python's `round`; the text of each integer is made once and looked up.
    """

    def __init__(self, ranker: Ranker, firsts: list[str]) -> None:
        """`firsts`: per column, an item's text up to its fit label (`{"code": "…", `)."""
        self.thresholds = ranker.fit_thresholds
        keys = [*FIT_KEYS[: len(self.thresholds)], "weak", "explore"]
        self.heads = np.array([[f'{first}"fit": "{key}", "score": ' for key in keys] for first in firsts], dtype=object)

    low, numbers = 0, np.zeros(0, dtype=object)  # the texts of low / 10,000 upwards, made once per process

    @classmethod
    def _number_texts(cls, scores: np.ndarray) -> np.ndarray:
        ticks = np.rint(scores.astype(np.float64) * 10_000).astype(np.int64)
        low, high = int(ticks.min(initial=0)), int(ticks.max(initial=0))
        if low < cls.low or high >= cls.low + len(cls.numbers):  # scores run from about -11 to 1.2
            low, high = min(low, cls.low, -120_000), max(high, cls.low + len(cls.numbers), 20_000)
            cls.low, cls.numbers = low, np.array([repr(t / 10_000) for t in range(low, high + 1)], dtype=object)
        texts = cls.numbers[ticks - cls.low]
        negative_zero = (ticks == 0) & np.signbit(scores)  # round(-0.00001, 4) is -0.0
        texts[negative_zero] = "-0.0"
        return texts

    def _fit_index(self, scores: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """The fit label's index: the first threshold the score reaches, `weak` past them all, `explore` if flat."""
        index = np.full(scores.shape, len(self.thresholds))
        wide = scores.astype(np.float64)
        for n in reversed(range(len(self.thresholds))):
            index[wide >= self.thresholds[n]] = n
        index[flat] = len(self.thresholds) + 1
        return index

    def lists(self, columns: np.ndarray, scores: np.ndarray, flat: np.ndarray, counts: np.ndarray | None) -> list[str]:
        """One JSON list per row of `columns` (n x k, with their scores); `counts`: how many of each row to keep."""
        items = self.heads[columns, self._fit_index(scores, flat)] + self._number_texts(scores)
        rows = items.tolist()
        if counts is None:
            return ["[" + "}, ".join(row) + "}]" for row in rows]
        return [
            "[" + "}, ".join(row[:count]) + "}]" if count else "[]"
            for row, count in zip(rows, counts.tolist(), strict=True)
        ]


@dataclass
class Block:
    """A block of students' rows, column by column: ids, and their lists as JSON text. For PostgreSQL the rows are
    serialised once scored (`text`, COPY's format) and the lists let go."""

    student_ids: np.ndarray
    attempt_ids: np.ndarray
    stage: str
    flat: np.ndarray
    specialties: list[str]
    programs: list[str]
    text: bytes = b""


def _score_stage(
    ranker: Ranker, scorer: StageScorer, found: Eligible, members: np.ndarray, stamp: Stamp
) -> Iterator[Block]:
    table, index = scorer.table, ranker.index
    programs = Texts(
        ranker,
        [
            f'{{"program": {int(pk)}, "specialty": "{code}", '
            for pk, code in zip(table.ids, index.codes[table.columns], strict=True)
        ],
    )
    specialties = Texts(ranker, [f'{{"code": "{code}", ' for code in index.codes])
    wishes = scorer.rows_of(found.districts[members], found.routes[members])
    by_wish = np.argsort(wishes, kind="stable")  # a block's students of one wish are then side by side
    members, wishes = members[by_wish], wishes[by_wish]
    for start in range(0, len(members), BLOCK):
        block = members[start : start + BLOCK]
        vectors = found.vectors[block]
        flat = profiles_are_flat(vectors)
        top, top_scores = top_specialties(ranker, vectors, scorer.level, K)
        scores = table_scores(ranker, table, vectors)
        picked = scorer.programs(scores, wishes[start : start + BLOCK], flat)
        present = np.maximum(picked, 0)
        rows = Block(
            found.student_ids[block],
            found.attempt_ids[block],
            str(found.stages[block[0]]),
            flat,
            specialties.lists(top, top_scores, flat, None),
            programs.lists(
                present,
                np.take_along_axis(scores, table.score_slot[present], 1),
                flat,
                (picked >= 0).sum(axis=1),
            ),
        )
        if connection.vendor == "postgresql":
            rows.text, rows.specialties, rows.programs = copy_text(rows, stamp).encode(), [], []
        yield rows


@dataclass(frozen=True)
class Stamp:
    """What every row of one recompute carries: the model version, the basis and the time it was computed."""

    model_version: int | None
    basis: str
    now: datetime


def _write(blocks: list[Block], stamp: Stamp) -> None:
    if connection.vendor == "postgresql":
        _write_copy(blocks)
        return
    import json

    StudentRecommendation.objects.bulk_create(
        [
            StudentRecommendation(
                student_id=student,
                attempt_id=attempt,
                model_version=stamp.model_version,
                stage=b.stage,
                flat=flat,
                specialties=json.loads(specialties),
                programs=json.loads(programs),
                basis=stamp.basis,
                computed_at=stamp.now,
            )
            for b in blocks
            for student, attempt, flat, specialties, programs in zip(
                b.student_ids.tolist(), b.attempt_ids.tolist(), b.flat.tolist(), b.specialties, b.programs, strict=True
            )
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


def copy_text(block: Block, stamp: Stamp) -> str:
    """The block's rows in COPY's text format, COLUMNS in order. The JSON holds only codes and numbers (no tab,
    newline or backslash to escape); the fixed columns are written once per block."""
    version = "\\N" if stamp.model_version is None else str(stamp.model_version)
    lines = (
        f"{student}\t{attempt}\t{version}\t{block.stage}\t{'t' if flat else 'f'}\t{specialties}\t{programs}\t"
        for student, attempt, flat, specialties, programs in zip(
            block.student_ids.tolist(),
            block.attempt_ids.tolist(),
            block.flat.tolist(),
            block.specialties,
            block.programs,
            strict=True,
        )
    )
    tail = f"{stamp.basis}\t{stamp.now.isoformat()}\n"
    return tail.join(lines) + tail if len(block.student_ids) else ""


def _write_copy(blocks: list[Block]) -> None:
    """COPY into a temporary table, then one upsert: each student's single row is replaced or created.

    The commit does not wait for its WAL to reach the disk (synchronous_commit off, for this transaction only): the
    chunk's mark (`chunk_done`, a synchronous commit after it) flushes the WAL up to itself, so a chunk is never
    marked done with its rows lost; a crash before that leaves the task unacknowledged, and it runs again. Rows lost
    by a crash of a bare `recompute_range` keep their old basis, and the stale sweep redoes them."""
    target = StudentRecommendation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute("DROP TABLE IF EXISTS pg_temp.recompute_rows")
        cursor.execute(f"CREATE TEMP TABLE recompute_rows (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP")
        cursor.execute("ALTER TABLE recompute_rows DROP COLUMN id")
        with cursor.cursor.copy(f"COPY recompute_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for block in blocks:
                copy.write(block.text)
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
    with result.timed("query"):
        found = eligible_students(
            first_user_id=first_user_id, last_user_id=last_user_id, only_stale=only_stale, basis=basis
        )
    if graph is None or not len(found.student_ids):
        return result
    blocks: list[Block] = []
    stamp = Stamp(version.number if version else None, basis, timezone.now())
    with result.timed("scoring"):
        for stage in sorted(set(found.stages.tolist())):
            table = program_table(graph, version, ranker, stage)
            members = np.flatnonzero(found.stages == stage)
            wishes = set(zip(found.districts[members].tolist(), found.routes[members].tolist(), strict=True))
            scorer = StageScorer.build(ranker, table, stage, wishes)
            blocks.extend(_score_stage(ranker, scorer, found, members, stamp))
            result.fallbacks += scorer.fallbacks
            result.programs[stage] = len(table.ids)
    with result.timed("writing"), transaction.atomic():
        _write(blocks, stamp)
    result.students = sum(len(b.student_ids) for b in blocks)
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
