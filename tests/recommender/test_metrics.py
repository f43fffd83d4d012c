"""Metric functions against known answers: a perfect ranking, no hits, and values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recommender import metrics


def test_ndcg_is_1_for_a_perfect_ranking_and_0_without_hits() -> None:
    assert metrics.ndcg_at_k([[3, 1, 2]], [{3}], k=3) == 1.0
    assert metrics.ndcg_at_k([[1, 2], [5, 6]], [{1, 2}, {5, 6}], k=2) == 1.0
    assert metrics.ndcg_at_k([[1, 2, 3]], [{9}], k=3) == 0.0


def test_ndcg_by_hand() -> None:
    # The only relevant item at rank 2: DCG = 1/log2(3); ideal = 1/log2(2) = 1.
    assert metrics.ndcg_at_k([[7, 3, 8]], [{3}], k=3) == pytest.approx(1 / math.log2(3))
    # Two relevant items at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3)).
    assert metrics.ndcg_at_k([[1, 9, 2]], [{1, 2}], k=3) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))


def test_hit_rate() -> None:
    assert metrics.hit_at_k([[1, 2], [3, 4]], [{2}, {9}], k=2) == 0.5
    assert metrics.hit_at_k([[1, 2]], [{2}], k=1) == 0.0
    assert metrics.hit_at_k([[1, 2]], [{1}], k=1) == 1.0


def test_coverage() -> None:
    assert metrics.catalog_coverage([[0, 1], [1, 2]], 4) == 0.75
    assert metrics.catalog_coverage([[0, 1, 2, 3]], 4) == 1.0


def test_intra_list_diversity() -> None:
    features = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert metrics.intra_list_diversity([[0, 1]], features) == pytest.approx(0.0)  # identical items
    assert metrics.intra_list_diversity([[0, 2]], features) == pytest.approx(1.0)  # orthogonal items
    assert metrics.intra_list_diversity([[0, 1, 2]], features) == pytest.approx(2 / 3)  # (0 + 1 + 1) / 3


def test_category_spread_and_popularity_bias() -> None:
    assert metrics.category_spread([[0, 1, 2]], np.array(["a", "a", "b"])) == 2
    popularity = np.array([1.0, 5.0, 10.0])
    assert metrics.popularity_bias([[2]], popularity) == 1.0
    assert metrics.popularity_bias([[0]], popularity) == 0.0
    assert metrics.popularity_bias([[0, 1, 2]], popularity) == pytest.approx(0.5)


def test_category_hits_are_1_for_a_perfect_ranking_and_0_without_hits() -> None:
    perfect = metrics.category_hits([["51", "51", "53"], ["53"]], [["51"], ["53", "57"]])
    assert perfect == {"macro_hit": 1.0, "micro_hit": 1.0, "mrr": 1.0}
    none = metrics.category_hits([["41", "42", "43", "51"]], [["51"]])
    assert none == {"macro_hit": 0.0, "micro_hit": 0.0, "mrr": 0.25}  # the 4th distinct 大类: past the first 3


def test_category_hits_by_hand() -> None:
    # Three people whose main field is 51 and one whose main field is 57.
    ranked = [
        ["51", "51", "46", "53"],  # hit at 1
        ["46", "46", "46", "53", "51"],  # distinct order 46, 53, 51: hit at 3
        ["46", "53", "56", "51"],  # 51 comes 4th: no hit@3, reciprocal 1/4
        ["57", "59"],  # the 57 person: hit at 1
    ]
    wanted = [["51"], ["51", "53"], ["51"], ["57"]]
    got = metrics.category_hits(ranked, wanted)
    # person 2 accepts 53 too, which comes 2nd: reciprocal 1/2
    assert got["micro_hit"] == 0.75
    assert math.isclose(got["macro_hit"], (2 / 3 + 1) / 2)
    assert math.isclose(got["mrr"], (1 + 1 / 2 + 1 / 4 + 1) / 4)
    by_group = metrics.category_hits_by_group(ranked, wanted)
    assert by_group["57"] == {"macro_hit": 1.0, "micro_hit": 1.0, "mrr": 1.0, "respondents": 1.0}
    assert math.isclose(by_group["51"]["micro_hit"], 2 / 3)
