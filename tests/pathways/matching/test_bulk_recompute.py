"""The city recompute (pathways/matching/recompute.py) stores exactly what the one-student path stores, for every stage,
district, flat profiles and the re-ranker; it skips whoever may not be profiled, and a second run changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from pathways.matching import recompute
from pathways.matching.core import recommendation_basis
from pathways.matching.recommendations import recommendation_store
from pathways.matching.recompute import recompute_plan, recompute_range
from pathways.models import Consent, ConsentKind, QuizAttempt, StudentProfile, StudentRecommendation
from pathways.students.consent import NOTICE_VERSION
from recommender.artifacts import ranker_cache_clear, ranker_get
from recommender.ranking import FIT_KEYS
from recommender.training import model_train
from tests.factories import recompute_everyone, saved_student
from tests.recommender.test_reranker import synthetic

pytestmark = pytest.mark.django_db

# (stage, district, preferred routes, answers per area): every stage, a blank stage (counts as 初中), several
# districts, no district, and stated routes (a 初中 student who likes 3+2, a 中职 one who likes 职教高考 and 3+4).
PROFILES = [
    ("junior", "万州区", "3-2", {"R": 5, "I": 4, "A": 1, "S": 2, "E": 2, "C": 3}),
    ("junior", "", "", {"R": 1, "I": 2, "A": 5, "S": 4, "E": 3, "C": 1}),
    ("", "渝中区", "five-year", {"R": 2, "I": 5, "A": 3, "S": 1, "E": 2, "C": 4}),
    ("secondary", "涪陵区", "3-4 skills-exam", {"R": 4, "I": 5, "A": 2, "S": 1, "E": 1, "C": 3}),
    ("secondary", "沙坪坝区", "", {"R": 1, "I": 1, "A": 2, "S": 5, "E": 4, "C": 2}),
    ("secondary", "", "", {"R": 3, "I": 3, "A": 3, "S": 3, "E": 3, "C": 3}),  # flat: the exploration view
    ("associate", "九龙坡区", "upgrade", {"R": 2, "I": 3, "A": 1, "S": 2, "E": 5, "C": 5}),
    ("associate", "万州区", "", {"R": 5, "I": 5, "A": 1, "S": 1, "E": 1, "C": 2}),
    ("associate", "", "", {"R": 4, "I": 4, "A": 4, "S": 4, "E": 4, "C": 4}),  # flat
    ("junior", "北碚区", "3-2", {"R": 2, "I": 2, "A": 2, "S": 2, "E": 2, "C": 2}),  # flat
]


def _students() -> list[QuizAttempt]:
    attempts = []
    for n, (stage, district, routes, answers) in enumerate(PROFILES):
        attempt = saved_student(f"student_bulk_{n}", answers)
        profiles = StudentProfile.objects.filter(user_id=attempt.student_id)
        profiles.update(stage=stage, district=district, preferred_routes=routes)
        attempts.append(attempt)
    return attempts


@pytest.fixture
def cohort() -> list[QuizAttempt]:
    """Ten students who may be profiled, then four who may not: `student_out` opted out of profiling,
    `student_no_consent` has a profile and an attempt but no consent on record, `student_young` is 12 with her own
    consent but no guardian's, and `student_old_notice` agreed to an older privacy notice only."""
    attempts = _students()
    out = saved_student("student_out")
    StudentProfile.objects.filter(user_id=out.student_id).update(profiling_opt_out=True)
    for name, age, notice in (
        ("student_no_consent", 16, None),
        ("student_young", 12, NOTICE_VERSION),
        ("student_old_notice", 16, "2020-01"),
    ):
        attempt = saved_student(name)
        Consent.objects.filter(user_id=attempt.student_id).delete()
        StudentProfile.objects.filter(user_id=attempt.student_id).update(birth_year=timezone.localdate().year - age)
        if notice:
            Consent.objects.create(user_id=attempt.student_id, kind=ConsentKind.STUDENT, notice_version=notice)
    return attempts


@pytest.fixture
def reranker_on() -> Iterator[None]:
    """An active model version whose learned re-ranker is switched on (feedback that follows nearness)."""
    version = model_train(activate=True, force=True, feedback=synthetic(60, 8, "near"))
    ranker_cache_clear()
    assert version.metrics["reranker"]["enabled"] and ranker_get()[1].reranker is not None
    yield
    ranker_cache_clear()


FIELDS = ("attempt_id", "model_version", "stage", "flat", "specialties", "programs", "basis")


def _stored() -> dict[int, tuple]:
    return {r["student_id"]: tuple(r[f] for f in FIELDS) for r in StudentRecommendation.objects.values()}


def _one_by_one(attempts: list[QuizAttempt]) -> dict[int, tuple]:
    """What the one-student path (the quiz save) stores for each student."""
    basis = recommendation_basis()
    for attempt in attempts:
        profile = StudentProfile.objects.get(user_id=attempt.student_id)
        recommendation_store(
            attempt=attempt,
            stage=profile.stage or "junior",
            district=profile.district,
            basis=basis,
            routes=profile.route_set,
        )
    expected = _stored()
    StudentRecommendation.objects.all().delete()
    return expected


def _bulk() -> dict[int, tuple]:
    ids = sorted(User.objects.values_list("pk", flat=True))
    recompute_range(first_user_id=ids[0], last_user_id=ids[-1])
    return _stored()


def test_the_bulk_path_stores_exactly_what_the_one_student_path_stores(cohort: list[QuizAttempt]) -> None:
    expected = _one_by_one(cohort)
    assert {row[2] for row in expected.values()} == {"junior", "secondary", "associate"}
    assert sum(row[3] for row in expected.values()) == 3  # three flat profiles
    assert all(len(row[4]) == 10 and len(row[5]) == 10 for row in expected.values())
    assert _bulk() == expected


def test_with_the_re_ranker_on_the_bulk_path_still_matches(cohort: list[QuizAttempt], reranker_on: None) -> None:
    expected = _one_by_one(cohort)
    assert _bulk() == expected


@pytest.mark.parametrize("re_ranker", [False, True], ids=["cold-start", "re-ranker"])
def test_students_ranked_again_over_the_whole_table_match_too(
    cohort: list[QuizAttempt], re_ranker: bool, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a first pass of only 4 specialties (12 programs with the re-ranker on), the caps need more for everyone:
    those students are ranked again over the whole table, in a block, and still store what the one-student path
    stores."""
    if re_ranker:
        request.getfixturevalue("reranker_on")
    expected = _one_by_one(cohort)
    monkeypatch.setattr(recompute, "DEPTH", 12)
    monkeypatch.setattr(recompute, "SPECIALTY_DEPTH", 4)
    ids = sorted(User.objects.values_list("pk", flat=True))
    result = recompute_range(first_user_id=ids[0], last_user_id=ids[-1])
    assert result.fallbacks >= len(cohort) - 3  # all but flat ones whose spread fits, at least
    assert _stored() == expected


def test_where_the_specialty_shortcut_is_unsure_the_program_walk_gives_the_same(
    cohort: list[QuizAttempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wish whose nudges within a specialty differ by less than NUDGE_GAP takes the walk over programs: with the gap
    set wide, every wish with a district or routes does, and the sets are still the one-student path's."""
    expected = _one_by_one(cohort)
    monkeypatch.setattr(recompute, "NUDGE_GAP", 1.0)
    assert _bulk() == expected


def test_the_lists_text_is_what_json_dumps_writes_for_the_one_student_path() -> None:
    """`Texts` builds the JSON with array operations: each score as `repr(round(score, 4))` (halves to even, -0.0 for
    a tiny negative), each fit label by the thresholds, as `json.dumps` of the one-student path's dicts."""
    rng = np.random.default_rng(18)
    scores = np.concatenate(
        [
            rng.uniform(-11, 1.2, 4000),
            np.arange(-64, 64) / 32,  # exact halves at the fourth place: 1/32 = 0.03125
            [-0.00001, -0.0, 0.0, 0.00004, 0.00005, 0.8, 0.6, 0.35, np.nextafter(0.8, 0)],
        ]
    ).astype(np.float32)
    scores = scores[: len(scores) // 7 * 7].reshape(-1, 7)
    flat = rng.random(len(scores)) < 0.2
    ranker = SimpleNamespace(fit_thresholds=(0.8, 0.6, 0.35))
    counts = rng.integers(0, 8, len(scores))
    written = recompute.Texts(ranker, ['{"code": "x", ']).lists(np.zeros(scores.shape, int), scores, flat, counts)

    def fit(score: float, flat: bool) -> str:
        return (
            "explore"
            if flat
            else next((k for k, t in zip(FIT_KEYS, (0.8, 0.6, 0.35), strict=False) if score >= t), "weak")
        )

    for row, text in enumerate(written):
        expected = [
            {"code": "x", "fit": fit(s, bool(flat[row])), "score": round(s, 4)}
            for s in scores[row].tolist()[: counts[row]]
        ]
        assert text == json.dumps(expected, ensure_ascii=False)


def test_only_students_who_may_be_profiled_get_a_row(cohort: list[QuizAttempt]) -> None:
    stored = _bulk()
    assert set(stored) == {a.student_id for a in cohort}
    skipped = ("student_out", "student_no_consent", "student_young", "student_old_notice")
    assert not StudentRecommendation.objects.filter(student__username__in=skipped).exists()


def test_the_latest_attempt_counts(cohort: list[QuizAttempt]) -> None:
    first = cohort[0]
    later = QuizAttempt.objects.get(pk=first.pk)
    later.pk, later.score_r, later.score_a = None, 4, 40  # the same student, now artistic
    later.completed_at = first.completed_at + timedelta(days=30)
    later.save()
    stored = _bulk()
    assert stored[first.student_id][0] == later.pk
    assert stored[first.student_id] == _one_by_one([later])[first.student_id]


def test_running_a_range_twice_leaves_the_same_rows(cohort: list[QuizAttempt]) -> None:
    first = _bulk()
    computed = dict(StudentRecommendation.objects.values_list("student_id", "computed_at"))
    assert _bulk() == first and StudentRecommendation.objects.count() == len(cohort)
    later = dict(StudentRecommendation.objects.values_list("student_id", "computed_at"))
    assert all(later[s] >= computed[s] for s in computed)  # rewritten, not duplicated


def test_a_range_is_only_its_students_and_the_chunked_recompute_still_covers_all(cohort: list[QuizAttempt]) -> None:
    ids = [a.student_id for a in cohort]
    assert recompute_range(first_user_id=ids[2], last_user_id=ids[4]).students == 3
    assert set(_stored()) == set(ids[2:5])
    assert len(recompute_plan(size=1)) == len(cohort) + 3  # the students without consent are looked at, and skipped
    assert recompute_everyone(size=4) == len(cohort)
    assert set(_stored()) == set(ids)
    unconsented = User.objects.filter(username__in=("student_no_consent", "student_young", "student_old_notice"))
    stale = recompute_plan(only_stale=True, size=1)  # only the three without consent remain "stale"
    assert stale == [(pk, pk) for pk in unconsented.order_by("pk").values_list("pk", flat=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_stored_sets_leave_room_on_each_page_for_the_next_version() -> None:
    """The recompute replaces every row; with fillfactor 50 PostgreSQL can do it without touching the indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [StudentRecommendation._meta.db_table])
        assert "fillfactor=50" in cursor.fetchone()[0]
