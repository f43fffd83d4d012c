"""Ranking specialties for interest profiles: two scikit-learn pipelines, then diversity (a cap per 专业大类) and an
exploration view for flat profiles. Vectorised over many students.

1. Shape similarity (from O*NET): each profile is centred on its own mean and scaled to unit length, so the dot
   product of a student and a specialty is the Pearson correlation of their six scores, -1 to 1. It tells the
   specialties of one 大类 apart.
2. Field choice (from real people, when trained): the calibrated probability that a person with these six scores
   chose each 大类, from the Open Psychometrics respondents, on the areas' population norms, class-balanced so a
   small 大类 weighs as much as a big one. A specialty's score adds CHOICE_WEIGHT x log of its 大类's probability.

The score is the sum; a ranker without the second pipeline scores by shape alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

FLAT_SPREAD = 0.15  # a profile whose highest and lowest areas are closer than this has no shape (see pathways)
CATEGORY_CAP = 3  # at most this many specialties of one 专业大类 in a top list
BLOCK = 1024  # profiles scored at once: the scores stay in cache, and freed blocks are reused without page faults
TIE_BREAK = 0.001  # specialties of one 专业类 often share a profile: the more widely run one goes first
CHOICE_WEIGHT = 0.7  # how much the real-choice log-probability counts beside the shape similarity (cross-validated)
CHOICE_FLOOR = 1e-6  # the least probability a 大类 gets, so its log stays finite
# The same 大类 at each level: 中职 6x-7x, 高职专科 4x-5x, 职业本科 2x-3x (e.g. 71, 51, 31 电子与信息).
LEVEL_OFFSET = {"secondary": 20, "associate": 0, "bachelor": -20}
FIT_KEYS = ("strong", "good", "possible", "weak")


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


def build_choice_pipeline(seed: int = 2026) -> Pipeline:
    """Which 大类 a person with these six scores chose: population norms, then a class-balanced logistic regression
    with sigmoid-calibrated probabilities. Everything learned from the data sits inside the pipeline."""
    regression = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)
    return Pipeline(
        [("norms", StandardScaler()), ("choice", CalibratedClassifierCV(regression, method="sigmoid", cv=3))]
    )


def associate_category(category: str, level: str) -> str:
    """The 高职专科 code of a 大类 given at any level: 71 (中职) and 31 (职业本科) are both 51 电子与信息."""
    return f"{int(category) - LEVEL_OFFSET[level]:02d}"


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
    choice: Pipeline | None = None  # the real-choice pipeline (build_choice_pipeline), when trained on respondents
    fit_thresholds: tuple[float, ...] = (0.8, 0.6, 0.35)  # the least score of a strong, good and possible fit
    _exploration: dict[str, Any] = field(default_factory=dict, repr=False)  # per-level and per-model caches

    def scores(self, profiles: np.ndarray) -> np.ndarray:
        """The score of each profile (row) for each specialty (column): shape similarity plus the real-choice term."""
        profiles = np.atleast_2d(profiles)
        similarity = self.pipeline.decision_function(profiles)
        if self.choice is None:
            return similarity
        return similarity + self._choice_term(profiles, np.arange(len(self.index.codes)))

    def column_scores(self, profiles: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The scores of a few columns only (a stage's programs' specialties), with the items kept per column set.

        A sum may round differently from `scores` for a different set of columns (the product is cut in other
        blocks), so every caller that must agree with another (the one-student path and the city recompute) asks for
        the same columns."""
        key = "columns:" + hashlib.sha1(np.ascontiguousarray(columns).tobytes()).hexdigest()
        if key not in self._exploration:  # a few tables per catalog state, ~15 kB each
            items = self.pipeline.named_steps["similarity"].items_
            self._exploration[key] = np.ascontiguousarray(items[columns].T)
        shaped = self.pipeline.named_steps["shape"].transform(profiles).astype(np.float32)
        similarity = shaped @ self._exploration[key]
        if self.choice is None:
            return similarity
        return similarity + self._choice_term(profiles, columns)

    def _level_scores(self, profiles: np.ndarray, level: str, columns: np.ndarray) -> np.ndarray:
        """The scores, restricted to one level's specialties without scoring the others."""
        return self.column_scores(profiles, columns)

    def _choice_term(self, profiles: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """CHOICE_WEIGHT x log P(the column's 大类 | profile), float32; a 大类 nobody chose gets the row's least."""
        return self._choice_logs(profiles)[:, self._choice_columns()[columns]]

    def _choice_logs(self, profiles: np.ndarray) -> np.ndarray:
        """CHOICE_WEIGHT x log P(大类 | profile) per choice class, and the row's least as an extra last column."""
        probabilities = self._choice_probabilities(np.asarray(profiles, dtype=float))
        logs = np.log(np.maximum(probabilities, CHOICE_FLOOR))
        return (CHOICE_WEIGHT * np.hstack([logs, logs.min(axis=1, keepdims=True)])).astype(np.float32)

    def _choice_probabilities(self, profiles: np.ndarray) -> np.ndarray:
        """The choice pipeline's `predict_proba`, computed from its fitted arrays in plain numpy (scikit-learn's own
        call checks its input 60 times and costs ~5 ms for one student). `test_respondents` checks the two agree."""
        key = "choice-arrays"
        if key not in self._exploration:
            assert self.choice is not None
            scaler, calibrated = self.choice.named_steps["norms"], self.choice.named_steps["choice"]
            classes = list(calibrated.classes_)
            folds = []
            for fold in calibrated.calibrated_classifiers_:
                order = np.array([classes.index(c) for c in fold.estimator.classes_])
                a = np.array([c.a_ for c in fold.calibrators])
                b = np.array([c.b_ for c in fold.calibrators])
                folds.append((fold.estimator.coef_.T, fold.estimator.intercept_, a, b, order))
            self._exploration[key] = (scaler.mean_, scaler.scale_, folds, len(classes))
        mean, scale, folds, n_classes = self._exploration[key]
        normed = (profiles - mean) / scale
        total = np.zeros((len(profiles), n_classes))
        for coef, intercept, a, b, order in folds:
            proba = np.zeros((len(profiles), n_classes))
            proba[:, order] = expit(-(a * (normed @ coef + intercept) + b))  # as scikit-learn's sigmoid calibrator
            denominator = proba.sum(axis=1, keepdims=True)
            total += np.divide(proba, denominator, out=np.full_like(proba, 1 / n_classes), where=denominator != 0)
        return total / len(folds)

    def _choice_columns(self) -> np.ndarray:
        """For every specialty, the column of its 大类 among the choice model's classes (the extra last one if none)."""
        key = "choice-columns"
        if key not in self._exploration:
            assert self.choice is not None
            classes = {str(c): n for n, c in enumerate(self.choice.classes_)}
            pairs = zip(self.index.categories, self.index.levels, strict=True)
            self._exploration[key] = np.array(
                [classes.get(associate_category(c, lv), len(classes)) for c, lv in pairs], dtype=int
            )
        return self._exploration[key]

    def fit_label_key(self, score: float) -> str:
        """strong / good / possible / weak, by the thresholds calibrated on held-out respondents."""
        return next((key for key, least in zip(FIT_KEYS, self.fit_thresholds, strict=False) if score >= least), "weak")

    def _popularity_rank(self, columns: np.ndarray) -> np.ndarray:
        """0-1 by how widely each specialty is run: breaks ties between specialties with the same profile."""
        popularity = self.index.popularity[columns]
        ranks = popularity.argsort(kind="stable").argsort(kind="stable")
        return (ranks / max(len(columns) - 1, 1)).astype(np.float32)

    def _level_groups(self, level: str, columns: np.ndarray) -> dict[str, Any]:
        """A level's specialties reordered so that each 大类's are contiguous: the shapes and tie-breaks in that
        order, each 大类's slice, its column among the choice classes, and the original position of each."""
        key = f"by-category:{level}"
        if key not in self._exploration:
            codes = np.unique(self.index.categories[columns], return_inverse=True)[1]
            order = np.argsort(codes, kind="stable")  # positions in `columns`, 大类 by 大类, each in column order
            bounds = np.flatnonzero(np.diff(codes[order], prepend=-1, append=codes.max(initial=0) + 1))
            items = self.pipeline.named_steps["similarity"].items_
            choice = self._choice_columns()[columns[order]] if self.choice is not None else np.zeros(len(order), int)
            self._exploration[key] = {
                "order": order,
                "items": np.ascontiguousarray(items[columns[order]].T),
                "tie": (TIE_BREAK * self._popularity_rank(columns))[order],
                "slices": [(int(a), int(b), int(choice[a])) for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
            }
        return self._exploration[key]

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
        groups = self._level_groups(level, columns)
        if diverse and len(groups["slices"]) * self.cap >= k:
            chosen, result_scores = self._capped_by_category(profiles, groups, k)
            result = columns[chosen]
        else:
            result, result_scores = self._top_k_full(profiles, level, columns, k, diverse)
        flat = profiles_are_flat(profiles)
        if flat.any():
            result[flat] = self.exploration(level, k)
            result_scores[flat] = 0.0
        return result, result_scores

    def _capped_by_category(
        self, profiles: np.ndarray, groups: dict[str, Any], k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each row's top k (positions in the level's columns) with at most `cap` per 大类, and their scores.

        Walking a row's specialties best first and taking each while its 大类 is under the cap takes exactly each
        大类's best `cap`; the real-choice term is the same for every specialty of one 大类, so those are the best
        `cap` by similarity (plus the tie-break) alone, found by a partial sort of the 大类's contiguous slice. The
        choice term is then added to those few, and the row's top k read from them (ties in column order)."""
        shaped = self.pipeline.named_steps["shape"].transform(profiles).astype(np.float32)
        similarity = shaped @ groups["items"]
        broken = similarity + groups["tie"]
        logs = self._choice_logs(profiles) if self.choice is not None else np.zeros((len(profiles), 1), np.float32)
        picks, values, choices = [], [], []
        for start, end, choice in groups["slices"]:
            part = broken[:, start:end]
            if end - start > self.cap:
                best = np.argpartition(part, end - start - self.cap, axis=1)[:, end - start - self.cap :]
            else:
                best = np.broadcast_to(np.arange(end - start), (len(part), end - start))
            picks.append(best + start)
            values.append(np.take_along_axis(part, best, 1))
            choices.append(np.broadcast_to(logs[:, choice : choice + 1], best.shape))
        candidates, choice_terms = np.hstack(picks), np.hstack(choices)
        positions = groups["order"][candidates]
        order = np.lexsort((positions, -(np.hstack(values) + choice_terms)), axis=1)[:, :k]
        sorted_candidates = np.take_along_axis(candidates, order, 1)
        raw = np.take_along_axis(similarity, sorted_candidates, 1) + np.take_along_axis(choice_terms, order, 1)
        return np.take_along_axis(positions, order, 1), raw

    def _top_k_full(
        self, profiles: np.ndarray, level: str, columns: np.ndarray, k: int, diverse: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """The top k from every specialty's score: without the cap, or with it where a level has too few 大类."""
        raw = self._level_scores(profiles, level, columns)
        scores = raw + TIE_BREAK * self._popularity_rank(columns)
        rows = np.arange(len(profiles))[:, None]
        if diverse:
            chosen = self._capped(scores, level, columns, k)
        else:
            part = np.argpartition(scores, len(columns) - k, axis=1)[:, len(columns) - k :]
            chosen = part[rows, np.argsort(-scores[rows, part], axis=1, kind="stable")]
        return columns[chosen], raw[rows, chosen]

    def _capped(self, scores: np.ndarray, level: str, columns: np.ndarray, k: int) -> np.ndarray:
        """Each row's top k (positions in `columns`) with at most `cap` specialties per 大类.

        Walking a row's candidates best first and taking each while its 大类 is under the cap takes exactly each
        大类's best `cap`; so each 大类's best `cap` are found by one sort of that 大类's columns for every row at
        once, and the row's top k are read from those (ties in column order, as a stable sort of the row gives).
        A level with too few 大类 to fill k under the cap is padded with the best of the rest."""
        key = f"groups:{level}"
        if key not in self._exploration:
            codes = np.unique(self.index.categories[columns], return_inverse=True)[1]
            self._exploration[key] = [np.flatnonzero(codes == g) for g in range(codes.max(initial=-1) + 1)]
        picks, values = [], []
        for members in self._exploration[key]:
            group = scores[:, members]
            best = np.argsort(-group, axis=1, kind="stable")[:, : self.cap]
            picks.append(members[best])
            values.append(np.take_along_axis(group, best, 1))
        candidates, candidate_scores = np.hstack(picks), np.hstack(values)
        order = np.lexsort((candidates, -candidate_scores), axis=1)[:, :k]
        chosen = np.take_along_axis(candidates, order, 1)
        if chosen.shape[1] < k:
            chosen = self._padded(chosen, scores, k)
        return chosen

    @staticmethod
    def _padded(chosen: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
        rows = []
        for row, picked in zip(np.argsort(-scores, axis=1, kind="stable"), chosen, strict=True):
            rest = [c for c in row.tolist() if c not in set(picked.tolist())]
            rows.append(picked.tolist() + rest[: k - len(picked)])
        return np.array(rows, dtype=int)


def _capped_walk_one(
    ordered: np.ndarray, groups: list[tuple[np.ndarray, int]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same walk for one row, in plain Python: one student's list may walk thousands of candidates when the best
    ones crowd into a few 大类, and a numpy call per step would cost more than the step."""
    coded = [(codes[ordered].tolist(), cap, [0] * (int(codes.max(initial=0)) + 1)) for codes, cap in groups]
    picked, last = [], -1
    for j, candidate in enumerate(ordered.tolist()):
        if all(counts[values[j]] < cap for values, cap, counts in coded):
            for values, _cap, counts in coded:
                counts[values[j]] += 1
            picked.append(candidate)
            last = j
            if len(picked) == k:
                break
    row = np.full((1, k), -1, dtype=int)
    row[0, : len(picked)] = picked
    return row, np.array([len(picked)]), np.array([last])


def capped_walk(
    ordered: np.ndarray, groups: list[tuple[np.ndarray, int]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The diversity cap, for every row at once: walk each row's candidates (n x depth indices, best first) and take
    one while every group it belongs to is under its cap, until k are taken. `groups` holds, per kind of group (a
    specialty, a 大类), an integer code for every candidate index and that kind's cap.

    Returns the picks (n x k, -1 where a row ran short), how many each row took, and the position of its last pick.
    The one-student path, the city recompute and the specialty ranking all cap through this one function."""
    n, depth = ordered.shape
    if n == 1:
        return _capped_walk_one(ordered[0], groups, k)
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
