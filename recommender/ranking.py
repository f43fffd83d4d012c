"""Ranking specialties for interest profiles: a scikit-learn pipeline of profile shape and similarity, then
diversity (a cap per 专业大类) and an exploration view for flat profiles. Vectorised over many students.

Shape similarity: each profile is centred on its own mean and scaled to unit length, so the dot product of a
student and a specialty is the Pearson correlation of their six scores, -1 to 1. A student who likes everything a
little more than a classmate with the same preferences gets the same ranking: only the shape counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

FLAT_SPREAD = 0.15  # a profile whose highest and lowest areas are closer than this has no shape (see pathways)
CATEGORY_CAP = 3  # at most this many specialties of one 专业大类 in a top list
CANDIDATES = 60  # how deep the diversity pass looks
BLOCK = 8192  # profiles scored at once
TIE_BREAK = 0.001  # specialties of one 专业类 often share a profile: the more widely run one goes first


def profiles_are_flat(profiles: np.ndarray) -> np.ndarray:
    """One boolean per row: the spread between the highest and lowest area is under FLAT_SPREAD."""
    profiles = np.atleast_2d(np.asarray(profiles, dtype=float))
    return (profiles.max(axis=1) - profiles.min(axis=1)) < FLAT_SPREAD


class ProfileShape(TransformerMixin, BaseEstimator):
    """Centre each profile on its mean and scale it to unit length; a flat profile becomes all zeros."""

    def fit(self, X: np.ndarray, y: object = None) -> ProfileShape:
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        centred = X - X.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 1e-9)


class ShapeSimilarity(BaseEstimator):
    """Remembers the specialties' shapes; scores students against every one of them."""

    def fit(self, X: np.ndarray, y: object = None) -> ShapeSimilarity:
        self.items_ = np.asarray(X, dtype=np.float32)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float32) @ self.items_.T


def build_pipeline() -> Pipeline:
    return Pipeline([("shape", ProfileShape()), ("similarity", ShapeSimilarity())])


@dataclass
class SpecialtyIndex:
    """The specialties a model ranks over, in the order of its score columns."""

    codes: np.ndarray
    names: np.ndarray
    levels: np.ndarray
    categories: np.ndarray  # 专业大类 code
    popularity: np.ndarray  # published programs running the specialty
    profiles: np.ndarray  # n x 6, 0-1

    def at_level(self, level: str) -> np.ndarray:
        return np.flatnonzero(self.levels == level)


@dataclass
class Ranker:
    pipeline: Pipeline
    index: SpecialtyIndex
    cap: int = CATEGORY_CAP
    reranker: Pipeline | None = None  # a learned re-ranker, only when it beat the cold start on held-out feedback
    _exploration: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # per-level caches

    def scores(self, profiles: np.ndarray) -> np.ndarray:
        """Shape similarity of each profile (row) with each specialty (column), -1 to 1."""
        return self.pipeline.decision_function(np.atleast_2d(profiles))

    def _level_scores(self, profiles: np.ndarray, level: str, columns: np.ndarray) -> np.ndarray:
        """The pipeline's scores, restricted to one level's specialties without scoring the others."""
        key = f"items:{level}"
        if key not in self._exploration:
            items = self.pipeline.named_steps["similarity"].items_
            self._exploration[key] = np.ascontiguousarray(items[columns].T)
        shaped = self.pipeline.named_steps["shape"].transform(profiles).astype(np.float32)
        return shaped @ self._exploration[key]

    def _popularity_rank(self, columns: np.ndarray) -> np.ndarray:
        """0-1 by how widely each specialty is run: breaks ties between specialties with the same profile."""
        popularity = self.index.popularity[columns]
        ranks = popularity.argsort(kind="stable").argsort(kind="stable")
        return (ranks / max(len(columns) - 1, 1)).astype(np.float32)

    def exploration(self, level: str, k: int) -> np.ndarray:
        """A spread across 专业大类 for a profile with no shape: the most widely run specialty of each 大类, in turn."""
        key = f"{level}:{k}"
        if key not in self._exploration:
            columns = self.index.at_level(level)
            order = columns[np.lexsort((self.index.codes[columns], -self.index.popularity[columns]))]
            picked: list[int] = []
            seen: set[str] = set()
            for round_ in range(k):
                for column in order:
                    category = self.index.categories[column]
                    if len(picked) < k and column not in picked and (category not in seen or round_ > 0):
                        picked.append(column)
                        seen.add(category)
                if len(picked) >= k:
                    break
            self._exploration[key] = np.array(picked[:k], dtype=int)
        return self._exploration[key]

    def top_k(self, profiles: np.ndarray, level: str, k: int, diverse: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Column indices (n x k) and scores of each profile's top k at a level; flat profiles get the exploration.

        Works through the profiles in blocks, so a city's worth never holds a full score matrix in memory.
        """
        profiles = np.atleast_2d(np.asarray(profiles, dtype=float))
        blocks = [self._top_k_block(profiles[n : n + BLOCK], level, k, diverse) for n in range(0, len(profiles), BLOCK)]
        if not blocks:
            return np.zeros((0, k), dtype=int), np.zeros((0, k), dtype=np.float32)
        return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])

    def _top_k_block(self, profiles: np.ndarray, level: str, k: int, diverse: bool) -> tuple[np.ndarray, np.ndarray]:
        columns = self.index.at_level(level)
        k = min(k, len(columns))
        raw = self._level_scores(profiles, level, columns)
        scores = raw + TIE_BREAK * self._popularity_rank(columns)
        depth = min(CANDIDATES if diverse else k, len(columns))
        part = np.argpartition(scores, len(columns) - depth, axis=1)[:, len(columns) - depth :]
        rows = np.arange(len(profiles))[:, None]
        ordered = part[rows, np.argsort(-scores[rows, part], axis=1, kind="stable")]
        chosen = self._capped(ordered, columns, k, scores) if diverse else ordered[:, :k]
        result = columns[chosen]
        result_scores = raw[rows, chosen]
        flat = profiles_are_flat(profiles)
        if flat.any():
            result[flat] = self.exploration(level, k)
            result_scores[flat] = 0.0
        return result, result_scores

    def _capped(self, ordered: np.ndarray, columns: np.ndarray, k: int, scores: np.ndarray) -> np.ndarray:
        """Each row's top k with at most `cap` specialties per 大类 (`capped_walk`); a row whose candidates crowd into
        too few 大类 is walked again over its whole order, and padded from it when the level has too few 大类."""
        codes = np.unique(self.index.categories[columns], return_inverse=True)[1]
        chosen, filled, _last = capped_walk(ordered, [(codes, self.cap)], k)
        for row in np.flatnonzero(filled < k):
            order = np.argsort(-scores[row], kind="stable")
            picked, got, _last = capped_walk(order[None, :], [(codes, self.cap)], k)
            taken = picked[0, : got[0]].tolist()
            rest = [c for c in order.tolist() if c not in set(taken)]
            chosen[row] = np.array((taken + rest)[:k], dtype=int)
        return chosen


def capped_walk(
    ordered: np.ndarray, groups: list[tuple[np.ndarray, int]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The diversity cap, for every row at once: walk each row's candidates (n x depth indices, best first) and take
    one while every group it belongs to is under its cap, until k are taken. `groups` holds, per kind of group (a
    specialty, a 大类), an integer code for every candidate index and that kind's cap.

    Returns the picks (n x k, -1 where a row ran short), how many each row took, and the position of its last pick.
    The one-student path, the city recompute and the specialty ranking all cap through this one function."""
    n, depth = ordered.shape
    coded = [(codes[ordered], cap, np.zeros((n, codes.max(initial=0) + 1), dtype=np.int16)) for codes, cap in groups]
    picked = np.full((n, k), -1, dtype=int)
    filled = np.zeros(n, dtype=int)
    last = np.full(n, -1)
    for j in range(depth):
        open_ = np.flatnonzero(filled < k)
        if not len(open_):
            break
        fits = np.ones(len(open_), dtype=bool)
        for values, cap, counts in coded:
            fits &= counts[open_, values[open_, j]] < cap
        take = open_[fits]
        picked[take, filled[take]] = ordered[take, j]
        for values, _cap, counts in coded:
            counts[take, values[take, j]] += 1
        filled[take] += 1
        last[take] = j
    return picked, filled, last
