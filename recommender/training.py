"""Training and evaluating the ranker. Never called from a web request: a command or a Celery task runs it.

The headline evaluation is on real people (`recommender.respondents`): each held-out respondent's 高职专科 ranking,
through the same `Ranker.top_k` a user gets, read as the 大类 in the order they first appear; a hit when one of the
first three is among the respondent's own (macro and micro hit@3, MRR; `metrics.category_hits`), next to the same
list for everyone. Training holds out a fixed fifth to measure the new version and to calibrate its fit labels;
`evaluate_recommender` cross-validates over five folds fixed by a seed, per 大类 as well as overall.

The synthetic check stays as a sanity test only: each synthetic student is a specialty's own profile plus noise, and
the specialties of the same 专业类 and level count as relevant.
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
from recommender.ranking import (
    FIT_KEYS,
    Ranker,
    SpecialtyIndex,
    build_choice_pipeline,
    build_pipeline,
    profiles_are_flat,
)
from recommender.reranker import FeedbackSet, reranker_train
from recommender.respondents import CREDIT, Respondents, respondents_load

SEED = 2026
NOISE = 0.12
K = 10
FOLDS = 5
HIT_K = 3
# A fit label promises a real hit rate: of the cards at or above its threshold, this share were in a field the
# held-out respondent chose (非常适合, 适合, 可以看看; below the last, 不太适合).
FIT_HIT_RATES = (0.5, 0.35, 0.2)


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


# Real respondents --------------------------------------------------------------------------------------------------


def _folds(respondents: Respondents, folds: int, seed: int = SEED) -> list[np.ndarray]:
    """Test rows of each fold, stratified by main 大类, fixed by the seed."""
    rng = np.random.default_rng(seed)
    main = respondents.main
    parts: list[list[int]] = [[] for _ in range(folds)]
    for category in np.unique(main):
        rows = rng.permutation(np.flatnonzero(main == category))
        for n, row in enumerate(rows.tolist()):
            parts[n % folds].append(row)
    return [np.array(sorted(p), dtype=int) for p in parts]


def _ranked_categories(ranker: Ranker, profiles: np.ndarray) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Each respondent's 高职专科 top K as 大类 codes, with the columns and scores (the user's code path)."""
    top, scores = ranker.top_k(profiles, "associate", K)
    return [ranker.index.categories[row].tolist() for row in top], top, scores


def _same_list(train: Respondents, test: Respondents) -> list[list[str]]:
    """The baseline: one ranked list for everyone, the 大类 by how many training respondents chose each."""
    names, counts = np.unique(train.main, return_counts=True)
    order = names[np.argsort(-counts, kind="stable")].tolist()
    return [order for _ in test.categories]


def _fit_thresholds(scores: np.ndarray, hits: np.ndarray) -> tuple[float, ...]:
    """The least score of each fit label such that the cards scoring at least that much hit FIT_HIT_RATES."""
    order = np.argsort(-scores, kind="stable")
    rate = np.cumsum(hits[order]) / np.arange(1, len(order) + 1)
    ranked = scores[order]
    thresholds = []
    for target in FIT_HIT_RATES:
        reached = np.flatnonzero(rate >= target)
        thresholds.append(float(ranked[reached[-1]]) if len(reached) else float("inf"))
    return tuple(np.maximum.accumulate(np.array(thresholds)[::-1])[::-1].tolist())


def respondents_evaluate(ranker: Ranker, train: Respondents, test: Respondents) -> tuple[dict, tuple[float, ...]]:
    """Fit the choice pipeline on `train`, measure on `test` against shape alone and the same list for everyone;
    return the report and the fit thresholds calibrated on `test`."""
    choice = build_choice_pipeline().fit(train.profiles, train.main)
    fitted = Ranker(ranker.pipeline, ranker.index, ranker.cap, choice=choice)
    ranked, top, scores = _ranked_categories(fitted, test.profiles)
    shape_only, _top, _scores = _ranked_categories(Ranker(ranker.pipeline, ranker.index, ranker.cap), test.profiles)
    codes = ranker.index.categories
    hits = np.array([[codes[c] in set(w) for c in row] for row, w in zip(top.tolist(), test.categories, strict=True)])
    report = {
        "model": _rounded(metrics.category_hits(ranked, test.categories, HIT_K)),
        "shape_only": _rounded(metrics.category_hits(shape_only, test.categories, HIT_K)),
        "same_list": _rounded(metrics.category_hits(_same_list(train, test), test.categories, HIT_K)),
        "by_category": {
            category: _rounded(values)
            for category, values in metrics.category_hits_by_group(ranked, test.categories, HIT_K).items()
        },
    }
    shaped = ~profiles_are_flat(test.profiles)  # a flat profile's cards carry no fit label: the exploration view
    return report, _fit_thresholds(scores[shaped].ravel().astype(float), hits[shaped].ravel())


def respondents_cross_validate(ranker: Ranker, respondents: Respondents, folds: int = FOLDS) -> dict:
    """Five folds fixed by the seed: each metric's mean over the folds, overall and per main 大类."""
    reports = []
    for test_rows in _folds(respondents, folds):
        train_rows = np.setdiff1d(np.arange(len(respondents.categories)), test_rows)
        report, _thresholds = respondents_evaluate(
            ranker, respondents.subset(train_rows), respondents.subset(test_rows)
        )
        reports.append(report)
    mean: dict[str, dict] = {
        run: {m: round(float(np.mean([r[run][m] for r in reports])), 4) for m in reports[0][run]}
        for run in ("model", "shape_only", "same_list")
    }
    categories = sorted({c for r in reports for c in r["by_category"]})
    mean["by_category"] = {
        c: {
            m: round(float(np.mean([r["by_category"][c][m] for r in reports if c in r["by_category"]])), 4)
            for m in ("macro_hit", "micro_hit", "mrr", "respondents")
        }
        for c in categories
    }
    return {**mean, "folds": folds, "respondents": len(respondents.categories), "credit": CREDIT}


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in values.items()}


def _train_choice(ranker: Ranker) -> tuple[Ranker, dict]:
    """The choice pipeline on every respondent, its fit labels and its report from a held-out fifth."""
    respondents = respondents_load()
    test_rows = _folds(respondents, FOLDS)[0]
    train_rows = np.setdiff1d(np.arange(len(respondents.categories)), test_rows)
    report, thresholds = respondents_evaluate(ranker, respondents.subset(train_rows), respondents.subset(test_rows))
    choice = build_choice_pipeline().fit(respondents.profiles, respondents.main)
    trained = Ranker(ranker.pipeline, ranker.index, ranker.cap, ranker.reranker, choice, thresholds)
    report.update(
        held_out=len(test_rows),
        data_sha256=respondents.digest,
        credit=CREDIT,
        fit_thresholds=dict(zip(FIT_KEYS, thresholds, strict=False)),
    )
    return trained, report


def _not_worse(report: dict, active: ModelVersion | None) -> bool:
    """A new version may go live only if it is not worse than the active one on macro and micro hit@3."""
    before = (active.metrics or {}).get("respondents", {}).get("model") if active is not None else None
    if not before:
        return True
    now = report["model"]
    return now["macro_hit"] >= before["macro_hit"] - 1e-9 and now["micro_hit"] >= before["micro_hit"] - 1e-9


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
    ranker, respondents = _train_choice(Ranker(pipeline, index, reranker=reranker))
    scores: dict = {"respondents": respondents}
    scores["synthetic"] = evaluate(ranker)
    scores["reranker"] = report.as_dict()
    scores["evaluation"] = {"students": float(len(index.codes) * 4), "noise": NOISE}
    go_live = activate and _not_worse(respondents, active)
    return model_version_save(ranker=ranker, catalog_hash=catalog_hash(index), metrics=scores, activate=go_live)
