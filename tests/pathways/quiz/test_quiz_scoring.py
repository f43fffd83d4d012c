"""Quiz scoring against answers worked out by hand (O*NET Interest Profiler method)."""

from __future__ import annotations

from pathways.quiz.scoring import quiz_score


def sheet(per_area: dict[str, list[int]]) -> dict:
    areas = [area for area, values in per_area.items() for _ in values]
    values = [v for vs in per_area.values() for v in vs]
    return {"areas": areas, "values": values}


def test_standard_form_sums_items_and_breaks_ties_in_riasec_order() -> None:
    result = quiz_score(
        **sheet(
            {
                "R": [5] * 10,  # 10 × 4 = 40
                "I": [4] * 10,  # 10 × 3 = 30
                "A": [3] * 10,  # 10 × 2 = 20
                "S": [2] * 10,  # 10 × 1 = 10
                "E": [1] * 10,  # 0
                "C": [5] * 5 + [1] * 5,  # 5 × 4 = 20, tied with A
            }
        )
    )
    assert result.scores == {"R": 40, "I": 30, "A": 20, "S": 10, "E": 0, "C": 20}
    assert result.profile == {"R": 1.0, "I": 0.75, "A": 0.5, "S": 0.25, "E": 0.0, "C": 0.5}
    assert result.code == "RIA"  # A and C tie at 20: A comes first in R, I, A, S, E, C
    assert result.ties == [3]
    assert not result.flat


def test_quick_form_is_scaled_to_40() -> None:
    result = quiz_score(
        **sheet(
            {
                "R": [5, 5, 5, 5, 4],  # 4+4+4+4+3 = 19, × 2 = 38
                "I": [1, 1, 1, 1, 2],  # 1 × 2 = 2
                "A": [3] * 5,  # 10 × 2 = 20
                "S": [4] * 5,  # 15 × 2 = 30
                "E": [2] * 5,  # 5 × 2 = 10
                "C": [5, 1, 5, 1, 3],  # 4+0+4+0+2 = 10, × 2 = 20
            }
        )
    )
    assert result.scores == {"R": 38, "I": 2, "A": 20, "S": 30, "E": 10, "C": 20}
    assert result.profile["R"] == 0.95 and result.profile["I"] == 0.05
    assert result.code == "RSA" and result.ties == [3]


def test_every_answer_the_same_is_flat() -> None:
    result = quiz_score(**sheet({area: [3] * 5 for area in "RIASEC"}))
    assert result.flat and result.flat_reason == "same_answer"
    assert result.scores == dict.fromkeys("RIASEC", 20)
    assert result.code == "RIA" and result.ties == [1, 2, 3]


def test_a_spread_under_6_of_40_points_is_flat() -> None:
    # R 22, I 20, A 18, S 20, E 19, C 17: highest minus lowest is 5 points (0.125).
    result = quiz_score(
        **sheet(
            {
                "R": [4] * 2 + [3] * 8,
                "I": [3] * 10,
                "A": [3] * 8 + [2] * 2,
                "S": [3] * 10,
                "E": [3] * 9 + [2],
                "C": [3] * 7 + [2] * 3,
            }
        )
    )
    assert result.scores == {"R": 22, "I": 20, "A": 18, "S": 20, "E": 19, "C": 17}
    assert result.flat and result.flat_reason == "low_spread"


def test_a_spread_of_exactly_6_points_has_a_shape() -> None:
    result = quiz_score(**sheet({"R": [4] * 6 + [3] * 4, **{area: [3] * 10 for area in "IASEC"}}))
    assert result.scores["R"] == 26 and result.scores["I"] == 20
    assert not result.flat and result.code == "RIA"


def test_answering_faster_than_one_and_a_half_seconds_an_item_is_flagged() -> None:
    answers = sheet({area: [1, 2, 3, 4, 5] for area in "RIASEC"})
    assert quiz_score(**answers, duration_seconds=44).too_fast
    assert not quiz_score(**answers, duration_seconds=45).too_fast
    assert not quiz_score(**answers).too_fast  # no timing, no flag
