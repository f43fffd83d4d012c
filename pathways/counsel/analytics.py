"""Cohort analytics for a counselor: the spread of interests, the programs most suggested and most endorsed against
their places (with an alert where the class's demand exceeds them), and how much of the 33618 system the suggestions
cover. Reads stored recommendation sets and reviews; computes a student's set only where none is stored for their
latest result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import AREA_ORDER, Cohort, QuizAttempt, ReviewItem, StudentProfile, StudentRecommendation
from programs.models import ClusterTier, IndustryCluster, Program, SpecialtyIndustry

CORE_TIERS = (ClusterTier.LEADING, ClusterTier.PILLAR, ClusterTier.DISTINCTIVE, ClusterTier.NEW_STAR)


@dataclass
class ProgramDemand:
    program: Program
    suggested: int
    endorsed: int

    @property
    def over(self) -> bool:
        """More students of this class point at it than it has places."""
        return self.program.quota is not None and max(self.suggested, self.endorsed) > self.program.quota


@dataclass
class CohortAnalytics:
    cohort: Cohort
    students: int
    with_quiz: int
    flat: int
    mean_scores: dict[str, float]
    leading_area: dict[str, int]
    programs: list[ProgramDemand]
    clusters_reached: list[IndustryCluster]
    clusters_missing: list[IndustryCluster]

    @property
    def coverage(self) -> float:
        total = len(self.clusters_reached) + len(self.clusters_missing)
        return len(self.clusters_reached) / total if total else 0.0


def _suggested(latest: dict[int, QuizAttempt]) -> Counter[int]:
    """How many of the class's students each program is suggested to: their stored set where it is from their
    latest result, else what their recommendations page shows them now (a student who has only looked at the page,
    or saved a new result since the last recompute, has no current stored set)."""
    counts: Counter[int] = Counter()
    stored = {
        r.student_id: r
        for r in StudentRecommendation.objects.filter(student_id__in=latest).only("student", "attempt", "programs")
    }
    profiles = {p.user_id: p for p in StudentProfile.objects.filter(user_id__in=latest)}
    for student_id, attempt in latest.items():
        current = stored.get(student_id)
        if current is not None and current.attempt_id == attempt.pk:
            counts.update(p["program"] for p in current.programs)
            continue
        profile = profiles.get(student_id)
        shown = recommendations_for_attempt(
            attempt=attempt,
            stage=(profile.stage if profile else "") or "junior",
            district=profile.district if profile else "",
            routes=profile.route_set if profile else frozenset(),
        )
        counts.update(item.program.pk for item in shown.programs)
    return counts


def cohort_analytics(*, cohort: Cohort) -> CohortAnalytics:
    students = list(cohort.memberships.values_list("student_id", flat=True))
    latest: dict[int, QuizAttempt] = {}
    for attempt in QuizAttempt.objects.filter(student_id__in=students).order_by("completed_at", "pk"):
        latest[attempt.student_id] = attempt
    shaped = [a for a in latest.values() if not a.flat]
    mean = {
        area: round(sum(a.scores[area] for a in latest.values()) / len(latest), 1) if latest else 0.0
        for area in AREA_ORDER
    }
    leading = Counter(a.code[0] for a in shaped)
    suggested = _suggested(latest)
    endorsed = Counter(
        ReviewItem.objects.filter(review__student_id__in=students, decision__in=["endorsed", "added"]).values_list(
            "program_id", flat=True
        )
    )
    ids = set(suggested) | set(endorsed)
    programs = Program.objects.filter(pk__in=ids).select_related("institution", "specialty").in_bulk()
    demand = sorted(
        (ProgramDemand(programs[pk], suggested[pk], endorsed[pk]) for pk in ids if pk in programs),
        key=lambda d: (-d.endorsed, -d.suggested, d.program.pk),
    )
    reached_ids = set(
        SpecialtyIndustry.objects.filter(specialty__programs__in=ids).values_list("cluster_id", flat=True)
    )
    core = list(IndustryCluster.objects.filter(tier__in=CORE_TIERS).order_by("position"))
    return CohortAnalytics(
        cohort=cohort,
        students=len(students),
        with_quiz=len(latest),
        flat=len(latest) - len(shaped),
        mean_scores=mean,
        leading_area={area: leading.get(area, 0) for area in AREA_ORDER},
        programs=demand,
        clusters_reached=[c for c in core if c.pk in reached_ids],
        clusters_missing=[c for c in core if c.pk not in reached_ids],
    )
