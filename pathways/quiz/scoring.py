"""Scoring the interest quiz the O*NET Interest Profiler way, with numpy.

Each answer runs 1 (strongly dislike) to 5 (strongly like) and scores 0 to 4. An area's score is the sum of its
items: 0-40 on the standard form (10 items an area). The quick form (5 items an area) is scaled to the same
0-40 range, so the two forms read alike. The profile is each score over 40, 0-1.

The Holland code is the three highest areas. Ties are broken by O*NET's fixed order R, I, A, S, E, C, so the same
answers always give the same code; `ties` says which places of the code were decided that way.

A profile is flat (undifferentiated) when every answer is the same, or when the highest and lowest areas are
less than FLAT_SPREAD apart (6 of 40 points). One answer one step higher moves an area by 1 point on the
standard form and 2 on the quick form; a spread under 6 points is a handful of such steps, within what a
student's answers move between two sittings, so it does not show a shape worth ranking on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pathways.models.quiz import AREA_ORDER
from recommender.ranking import FLAT_SPREAD  # one threshold for the quiz's verdict and the ranking's

MAX_SCORE = 40
MIN_SECONDS_PER_ITEM = 1.5  # reading a short statement and tapping an answer takes longer than this


@dataclass(frozen=True)
class QuizResult:
    scores: dict[str, int]  # 0-40 per area
    profile: dict[str, float]  # 0-1 per area
    code: str  # the top three areas
    flat: bool
    flat_reason: str = ""  # "same_answer" or "low_spread" when flat
    ties: list[int] = field(default_factory=list)  # places of the code (1-3) the tie rule decided
    too_fast: bool = False

    @property
    def ranked(self) -> list[str]:
        return sorted(AREA_ORDER, key=lambda a: (-self.scores[a], AREA_ORDER.index(a)))


def quiz_score(*, areas: Sequence[str], values: Sequence[int], duration_seconds: int | None = None) -> QuizResult:
    """Score answers given as parallel sequences: the area of each item and its answer, 1-5.

    Every area must have at least one item (the forms have 10 or 5). Values are checked by the caller.
    """
    index = np.array([AREA_ORDER.index(a) for a in areas])
    points = np.asarray(values, dtype=np.int64) - 1
    sums = np.bincount(index, weights=points, minlength=6)
    counts = np.bincount(index, minlength=6)
    scaled = np.rint(sums * MAX_SCORE / (4 * counts)).astype(int)
    scores = {area: int(scaled[i]) for i, area in enumerate(AREA_ORDER)}
    profile = {area: round(scores[area] / MAX_SCORE, 3) for area in AREA_ORDER}
    ranked = sorted(AREA_ORDER, key=lambda a: (-scores[a], AREA_ORDER.index(a)))
    # A place was decided by the tie rule when the next area down has the same score.
    ties = [place + 1 for place in range(3) if scores[ranked[place]] == scores[ranked[place + 1]]]
    same_answer = len(set(values)) == 1
    low_spread = (max(profile.values()) - min(profile.values())) < FLAT_SPREAD
    reason = "same_answer" if same_answer else "low_spread" if low_spread else ""
    too_fast = duration_seconds is not None and duration_seconds < MIN_SECONDS_PER_ITEM * len(values)
    return QuizResult(scores, profile, "".join(ranked[:3]), bool(reason), reason, ties, too_fast)
