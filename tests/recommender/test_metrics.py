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
