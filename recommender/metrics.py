"""Ranking and list-quality metrics. Pure functions over numpy arrays; each docstring gives the range."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def ndcg_at_k(ranked: Sequence[Sequence[int]], relevant: Sequence[set[int]], k: int = 10) -> float:
    """Mean NDCG@k with binary relevance, 0 (no relevant item in any top k) to 1 (every list ideal)."""
    discounts = 1 / np.log2(np.arange(2, k + 2))
    scores = []
    for items, truth in zip(ranked, relevant, strict=True):
        if not truth:
            continue
        gains = np.array([1.0 if item in truth else 0.0 for item in list(items)[:k]])
        dcg = float((gains * discounts[: len(gains)]).sum())
        ideal = float(discounts[: min(len(truth), k)].sum())
        scores.append(dcg / ideal)
    return float(np.mean(scores)) if scores else 0.0


def hit_at_k(ranked: Sequence[Sequence[int]], relevant: Sequence[set[int]], k: int = 10) -> float:
    """Share of lists with at least one relevant item in the top k, 0 to 1."""
    hits = [bool(set(list(items)[:k]) & truth) for items, truth in zip(ranked, relevant, strict=True) if truth]
    return float(np.mean(hits)) if hits else 0.0


def catalog_coverage(ranked: Sequence[Sequence[int]], catalog_size: int) -> float:
    """Share of the catalog that appears in at least one list, 0 to 1."""
    shown = {item for items in ranked for item in items}
    return len(shown) / catalog_size if catalog_size else 0.0


def intra_list_diversity(ranked: Sequence[Sequence[int]], features: np.ndarray) -> float:
    """Mean pairwise cosine distance between the items of a list, averaged over lists: 0 (all alike) to 2."""
    values = []
    unit = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)
    for items in ranked:
        items = list(items)
        if len(items) < 2:
            continue
        block = unit[items]
        similarity = block @ block.T
        n = len(items)
        values.append(float((1 - similarity)[np.triu_indices(n, 1)].mean()))
    return float(np.mean(values)) if values else 0.0


def category_spread(ranked: Sequence[Sequence[int]], categories: np.ndarray) -> float:
    """Mean number of distinct categories (大类) per list, 1 to the list length."""
    return float(np.mean([len({categories[i] for i in items}) for items in ranked])) if ranked else 0.0


def popularity_bias(ranked: Sequence[Sequence[int]], popularity: np.ndarray) -> float:
    """Mean popularity percentile of recommended items, 0 (only the rarest) to 1 (only the most common).

    0.5 is what a popularity-blind recommender shows on average.
    """
    order = popularity.argsort(kind="stable")
    percentile = np.empty(len(popularity))
    percentile[order] = np.arange(len(popularity)) / max(len(popularity) - 1, 1)
    shown = [percentile[item] for items in ranked for item in items]
    return float(np.mean(shown)) if shown else 0.0


def category_hits(
    ranked_categories: Sequence[Sequence[str]], acceptable: Sequence[Sequence[str]], k: int = 3
) -> dict[str, float]:
    """How often a ranked list's first k distinct 大类 include one a real person chose, three ways, each 0 to 1.

    `ranked_categories[n]` is the 大类 of respondent n's ranked specialties, best first (repeats allowed: only the
    order in which each 大类 first appears counts); `acceptable[n]` their own 大类, the first being their main one.
    - macro hit@k: the mean over main 大类 of each one's hit rate, so a small field counts as much as a big one;
    - micro hit@k: the hit rate over everyone;
    - mrr: the mean of 1 / the position of the first acceptable 大类 (0 when none is in the list).
    """
    hits, reciprocal, main = [], [], []
    for ranked, wanted in zip(ranked_categories, acceptable, strict=True):
        order = list(dict.fromkeys(ranked))
        good = set(wanted)
        hits.append(bool(good & set(order[:k])))
        position = next((n for n, category in enumerate(order, start=1) if category in good), None)
        reciprocal.append(1 / position if position else 0.0)
        main.append(wanted[0])
    if not hits:
        return {"macro_hit": 0.0, "micro_hit": 0.0, "mrr": 0.0}
    hit, groups = np.array(hits), np.array(main)
    macro = float(np.mean([hit[groups == g].mean() for g in np.unique(groups)]))
    return {"macro_hit": macro, "micro_hit": float(hit.mean()), "mrr": float(np.mean(reciprocal))}


def category_hits_by_group(
    ranked_categories: Sequence[Sequence[str]], acceptable: Sequence[Sequence[str]], k: int = 3
) -> dict[str, dict[str, float]]:
    """`category_hits` for the respondents of each main 大类 alone, with how many they are."""
    groups: dict[str, list[int]] = {}
    for n, wanted in enumerate(acceptable):
        groups.setdefault(wanted[0], []).append(n)
    return {
        group: {
            **category_hits([ranked_categories[n] for n in rows], [acceptable[n] for n in rows], k),
            "respondents": float(len(rows)),
        }
        for group, rows in sorted(groups.items())
    }
