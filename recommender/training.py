"""Training and evaluating the ranker. Never called from a web request: a command or a Celery task runs it.

No real outcome data exists yet (which profile ended up in which field), so the offline evaluation uses
synthetic students: each is a specialty's own profile plus noise, and the specialties of the same 专业类 at the
same level count as relevant. This checks that the ranking recovers a profile's field under noise, compares it
with popularity and random baselines, and measures coverage, diversity and popularity bias. It is labelled
synthetic wherever it is reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from programs.models import ProgramStatus
from recommender import metrics
from recommender.artifacts import model_version_save
from recommender.models import AREAS, ModelVersion, SpecialtyProfile
from recommender.ranking import Ranker, SpecialtyIndex, build_pipeline
from recommender.reranker import FeedbackSet, reranker_train

SEED = 2026
NOISE = 0.12
K = 10


def specialty_index_build() -> SpecialtyIndex:
    found = (
        SpecialtyProfile.objects.select_related("specialty__specialty_class__category")
        .annotate(programs=Count("specialty__programs", filter=Q(specialty__programs__status=ProgramStatus.PUBLISHED)))
        .order_by("specialty__code")
    )
    rows = list(found)
    if not rows:
        raise RuntimeError("No specialty profiles: run `manage.py build_specialty_profiles` first.")
    return SpecialtyIndex(
        codes=np.array([p.specialty.code for p in rows]),
        names=np.array([p.specialty.name for p in rows]),
        levels=np.array([p.specialty.level for p in rows]),
        categories=np.array([p.specialty.specialty_class.category.code for p in rows]),
        popularity=np.array([p.programs for p in rows], dtype=float),
        profiles=np.array([[getattr(p, a.lower()) for a in AREAS] for p in rows]),
    )


def catalog_hash(index: SpecialtyIndex) -> str:
    """Changes when a specialty, its level, 大类 or profile changes."""
    rows = zip(index.codes, index.levels, index.categories, index.profiles, strict=True)
    content = "|".join(f"{c}:{lv}:{cat}:{','.join(f'{v:.4f}' for v in p)}" for c, lv, cat, p in rows)
    return hashlib.sha256(content.encode()).hexdigest()


@dataclass
class SyntheticSet:
    profiles: np.ndarray
    levels: np.ndarray
    relevant: list[set[int]]


def synthetic_students(index: SpecialtyIndex, per_specialty: int = 4, seed: int = SEED) -> SyntheticSet:
    rng = np.random.default_rng(seed)
    classes = np.array([code[:4] for code in index.codes])
    origins = np.repeat(np.arange(len(index.codes)), per_specialty)
    profiles = np.clip(index.profiles[origins] + rng.normal(0, NOISE, (len(origins), 6)), 0, 1)
    relevant = [set(np.flatnonzero(classes == classes[o]).tolist()) for o in origins]
    return SyntheticSet(profiles, index.levels[origins], relevant)


def _lists_by_level(ranker: Ranker, data: SyntheticSet, diverse: bool) -> list[list[int]]:
    ranked: list[list[int]] = [[] for _ in range(len(data.profiles))]
    for level in np.unique(data.levels):
        rows = np.flatnonzero(data.levels == level)
        top, _scores = ranker.top_k(data.profiles[rows], level, K, diverse=diverse)
        for row, items in zip(rows, top, strict=True):
            ranked[row] = items.tolist()
    return ranked


def _baseline(index: SpecialtyIndex, data: SyntheticSet, kind: str) -> list[list[int]]:
    rng = np.random.default_rng(SEED + 1)
    lists = []
    for level in data.levels:
        columns = index.at_level(level)
        if kind == "popularity":
            lists.append(columns[np.argsort(-index.popularity[columns], kind="stable")][:K].tolist())
        else:
            lists.append(rng.choice(columns, size=K, replace=False).tolist())
    return lists


def evaluate(ranker: Ranker, data: SyntheticSet | None = None) -> dict[str, dict[str, float]]:
    """Offline metrics of the model (with and without the 大类 cap) and of two baselines, on synthetic students."""
    index = ranker.index
    data = data or synthetic_students(index)
    runs = {
        "model": _lists_by_level(ranker, data, diverse=True),
        "model_without_cap": _lists_by_level(ranker, data, diverse=False),
        "popularity": _baseline(index, data, "popularity"),
        "random": _baseline(index, data, "random"),
    }
    shapes = ranker.pipeline.named_steps["shape"].transform(index.profiles) + 1e-6
    return {
        name: {
            "ndcg@10": round(metrics.ndcg_at_k(lists, data.relevant, K), 4),
            "hit@10": round(metrics.hit_at_k(lists, data.relevant, K), 4),
            "coverage": round(metrics.catalog_coverage(lists, len(index.codes)), 4),
            "intra_list_diversity": round(metrics.intra_list_diversity(lists, shapes), 4),
            "categories_per_list": round(metrics.category_spread(lists, index.categories), 2),
            "popularity_bias": round(metrics.popularity_bias(lists, index.popularity), 4),
        }
        for name, lists in runs.items()
    }


def model_train(*, activate: bool = True, force: bool = False, feedback: FeedbackSet | None = None) -> ModelVersion:
    """Fit the pipeline on the current specialty profiles (and the re-ranker on feedback), evaluate, save a version.

    Without `force` or feedback, nothing is trained when the active version was trained on the same catalog.
    """
    index = specialty_index_build()
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None and not force and feedback is None and active.catalog_hash == catalog_hash(index):
        return active
    pipeline = build_pipeline().fit(index.profiles)
    reranker, report = reranker_train(feedback)
    ranker = Ranker(pipeline, index, reranker=reranker)
    scores = evaluate(ranker)
    scores["reranker"] = report.as_dict()
    scores["evaluation"] = {"students": float(len(index.codes) * 4), "noise": NOISE}
    return model_version_save(ranker=ranker, catalog_hash=catalog_hash(index), metrics=scores, activate=activate)
