"""The learned re-ranker: trained on feedback (a counselor endorsing or rejecting, a student saving or dismissing),
switched on only when it beats the cold-start ranking on held-out students.

Features of a (student, program) pair: FEATURES below, the same numbers the cold-start score adds up. The model is a
scaled logistic regression. Students are split, not rows, so no student is in both the training and held-out parts.
It switches on only with at least MIN_FEEDBACK labelled pairs from MIN_STUDENTS students, and a held-out ROC AUC at
least MARGIN above the cold-start score's. Otherwise the cold start stays: the system works with no feedback at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["similarity", "near", "route", "demand", "employment", "places"]
MIN_FEEDBACK = 200
MIN_STUDENTS = 20
MARGIN = 0.02
SEED = 2026


@dataclass
class FeedbackSet:
    features: np.ndarray  # n x len(FEATURES)
    labels: np.ndarray  # 1 saved or endorsed, 0 dismissed or rejected
    students: np.ndarray  # group ids, so a student is never on both sides of the split
    cold_scores: np.ndarray  # the cold-start score of each pair


@dataclass
class RerankerReport:
    labelled: int
    students: int
    enabled: bool
    reason: str
    cold_auc: float | None = None
    learned_auc: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def reranker_train(data: FeedbackSet | None) -> tuple[Pipeline | None, RerankerReport]:
    """A fitted re-ranker when it earns its place, else None; with the numbers that decided."""
    if data is None or len(data.labels) == 0:
        return None, RerankerReport(0, 0, False, "no feedback yet")
    labelled, students = len(data.labels), len(set(data.students.tolist()))
    if labelled < MIN_FEEDBACK or students < MIN_STUDENTS or len(set(data.labels.tolist())) < 2:
        return None, RerankerReport(labelled, students, False, "not enough feedback")
    train, test = next(
        GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=SEED).split(
            data.features, data.labels, data.students
        )
    )
    if len(set(data.labels[test].tolist())) < 2 or len(set(data.labels[train].tolist())) < 2:
        return None, RerankerReport(labelled, students, False, "held-out part has one kind of feedback only")
    model = _model().fit(data.features[train], data.labels[train])
    learned = float(roc_auc_score(data.labels[test], model.predict_proba(data.features[test])[:, 1]))
    cold = float(roc_auc_score(data.labels[test], data.cold_scores[test]))
    enabled = learned >= cold + MARGIN
    reason = "beats the cold start on held-out students" if enabled else "does not beat the cold start"
    report = RerankerReport(labelled, students, enabled, reason, round(cold, 4), round(learned, 4))
    return (_model().fit(data.features, data.labels) if enabled else None), report


def _model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", random_state=SEED))
