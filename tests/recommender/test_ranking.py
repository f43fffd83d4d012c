"""The ranking: shape similarity, the 大类 cap, the exploration view for flat profiles, and the explanations."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from recommender.artifacts import ranker_get
from recommender.explain import driving_areas, explain, fit_label
from recommender.ranking import TIE_BREAK, Ranker, profiles_are_flat
from recommender.training import evaluate

pytestmark = pytest.mark.django_db

CARER = np.array([0.2, 0.35, 0.3, 0.95, 0.45, 0.4])  # a strongly Social profile
MECHANIC = np.array([0.95, 0.5, 0.15, 0.2, 0.3, 0.45])


def names(ranker: object, columns: np.ndarray) -> list[str]:
    return [str(ranker.index.names[c]) for c in columns]  # type: ignore[attr-defined]


def test_within_its_field_a_specialtys_own_profile_ranks_it_or_its_twins_first() -> None:
    """The real-choice term is one number per 大类, so inside a 大类 the O*NET shape alone orders the specialties."""
    _version, ranker = ranker_get()
    shape_only = Ranker(ranker.pipeline, ranker.index, ranker.cap)
    rng = np.random.default_rng(7)
    for column in rng.choice(len(ranker.index.codes), 40, replace=False):
        profile, level = ranker.index.profiles[column], ranker.index.levels[column]
        if np.ptp(profile) < 0.15:
            continue  # a flat specialty profile: the exploration view applies
        _top, scores = shape_only.top_k(profile, level, 10, diverse=False)
        assert scores[0][0] == pytest.approx(1.0, abs=1e-4)
        every = len(ranker.index.at_level(level))
        top, _scores = ranker.top_k(profile, level, every, diverse=False)
        same_field = [c for c in top[0] if ranker.index.categories[c] == ranker.index.categories[column]]
        assert np.allclose(ranker.index.profiles[same_field[0]], profile)


def test_a_social_profile_gets_caring_specialties_and_a_realistic_one_hands_on_work() -> None:
    _version, ranker = ranker_get()
    carer, _ = ranker.top_k(CARER, "associate", 10)
    assert all(ranker.index.profiles[c].argmax() == 3 for c in carer[0][:5])
    mechanic, _ = ranker.top_k(MECHANIC, "secondary", 10)
    assert all(ranker.index.profiles[c].argmax() == 0 for c in mechanic[0][:5])


def test_only_the_shape_counts_not_the_level_of_the_scores() -> None:
    _version, ranker = ranker_get()
    low, _ = ranker.top_k(CARER * 0.5, "associate", 10)
    high, _ = ranker.top_k(np.clip(CARER * 0.5 + 0.4, 0, 1), "associate", 10)
    assert low.tolist() == high.tolist()


def test_the_top_10_shows_at_most_three_of_one_category() -> None:
    _version, ranker = ranker_get()
    profiles = np.random.default_rng(3).random((200, 6))
    profiles[:, 3] = 1.0  # all strongly Social: the 医药卫生 大类 would otherwise fill the list
    top, _ = ranker.top_k(profiles, "associate", 10)
    for row in top:
        categories = ranker.index.categories[row]
        assert max(np.unique(categories, return_counts=True)[1]) <= 3
    uncapped, _ = ranker.top_k(profiles, "associate", 10, diverse=False)
    spread = np.mean([len(set(ranker.index.categories[r])) for r in top])
    spread_uncapped = np.mean([len(set(ranker.index.categories[r])) for r in uncapped])
    assert spread > spread_uncapped


@pytest.mark.parametrize("level", ["secondary", "associate", "bachelor"])
def test_the_capped_list_is_the_walk_down_the_full_ranking(level: str) -> None:
    """The fast path (each 大类's best three by a partial sort, the choice term added to those) gives what the
    definition gives: every specialty scored, sorted, and taken best first while its 大类 has fewer than three."""
    _version, ranker = ranker_get()
    profiles = np.random.default_rng(11).random((300, 6))
    profiles = profiles[~profiles_are_flat(profiles)]
    top, scores = ranker.top_k(profiles, level, 10)
    columns = ranker.index.at_level(level)
    full = ranker.scores(profiles)[:, columns]
    broken = full + TIE_BREAK * ranker._popularity_rank(columns)
    for row, picked, picked_scores in zip(range(len(profiles)), top, scores, strict=True):
        counts: dict[str, int] = {}
        expected = []
        for position in np.lexsort((np.arange(len(columns)), -broken[row])):
            category = str(ranker.index.categories[columns[position]])
            if counts.get(category, 0) < ranker.cap:
                counts[category] = counts.get(category, 0) + 1
                expected.append(position)
            if len(expected) == 10:
                break
        assert list(picked) == list(columns[expected])
        np.testing.assert_allclose(picked_scores, full[row, expected], atol=1e-5)


def test_a_flat_profile_gets_an_exploration_spread_not_a_ranking() -> None:
    _version, ranker = ranker_get()
    top, scores = ranker.top_k(np.full(6, 0.5), "secondary", 10)
    assert len(set(ranker.index.categories[top[0]])) == 10  # ten different 大类
    assert np.all(scores[0] == 0)
    nearly_flat, _ = ranker.top_k(np.array([0.52, 0.5, 0.48, 0.5, 0.55, 0.45]), "secondary", 10)
    assert nearly_flat.tolist() == top.tolist()


def test_the_synthetic_sanity_check_beats_the_baselines_and_the_cap_widens_the_lists() -> None:
    """Synthetic students (a specialty's own profile plus noise) are only a sanity check now; the real-choice term
    pulls them towards the fields real people with such profiles chose, so the margins are smaller than by shape."""
    _version, ranker = ranker_get()
    report = evaluate(ranker)
    model, popularity, random_ = report["model"], report["popularity"], report["random"]
    assert model["ndcg@10"] > 5 * popularity["ndcg@10"] and model["ndcg@10"] > 5 * random_["ndcg@10"]
    assert model["hit@10"] > 2 * random_["hit@10"]
    assert model["categories_per_list"] > report["model_without_cap"]["categories_per_list"]


def test_explanations_name_the_areas_behind_the_match_and_the_liked_activities() -> None:
    nursing = np.array([0.3, 0.45, 0.25, 0.9, 0.4, 0.5])
    assert driving_areas(CARER, nursing)[0] == "S"
    text = explain(CARER, nursing, "护理", liked={"S": ["照料住院的病人"]}).text
    assert "你喜欢帮助和照顾他人" in text and "护理" in text and "照料住院的病人" in text
    _version, ranker = ranker_get()
    strong, good, possible = ranker.fit_thresholds
    assert strong >= good >= possible
    assert fit_label(ranker, strong)[0] == "strong" and fit_label(ranker, possible - 0.01)[0] == "weak"


def test_an_area_tied_for_third_but_disliked_is_not_called_liked() -> None:
    """All Artistic items answered 不喜欢 (10 of 40, tied for third), and an art specialty in the list anyway."""
    student = np.array([0.25, 0.25, 0.25, 0.9, 0.5, 0.25])
    design = np.array([0.2, 0.3, 0.95, 0.2, 0.45, 0.2])
    assert driving_areas(student, design) == ["E"]
    assert driving_areas(np.array([0.25, 0.25, 0.25, 0.9, 0.25, 0.25]), design) == ["A"]  # the shape's fallback
    for liked_e in (0.5, 0.25):
        explanation = explain(np.array([0.25, 0.25, 0.25, 0.9, liked_e, 0.25]), design, "艺术设计")
        assert explanation.areas == []  # E at 0.5 is "说不准", not liked; A never
        with translation.override("zh-hans"):
            text = explain(np.array([0.25, 0.25, 0.25, 0.9, liked_e, 0.25]), design, "艺术设计").text
        assert "你喜欢" not in text and text.startswith("你的回答里没有特别突出的兴趣方向")  # the work, not a liking


def _driving_by_definition(student: np.ndarray, specialty: np.ndarray, most: int = 2) -> list[str]:
    """The definition in numpy: each area's part in the correlation, highest first, where the student is above
    their own mean; else the specialty's strongest area."""
    areas = "RIASEC"
    s, q = student - student.mean(), specialty - specialty.mean()
    contribution = s * q
    order = np.argsort(-contribution, kind="stable")
    driving = [areas[n] for n in order if contribution[n] > 0 and s[n] > 0][:most]
    return driving or [areas[int(np.argmax(q))]]


def test_the_areas_behind_a_match_are_those_of_the_definition_for_every_quiz_score_and_specialty() -> None:
    _version, ranker = ranker_get()
    rng = np.random.default_rng(18)
    students = np.vstack([rng.integers(0, 41, (300, 6)) / 40, rng.random((100, 6)), np.full((1, 6), 0.5)])
    for student in students:
        for specialty in ranker.index.profiles[rng.choice(len(ranker.index.profiles), 25, replace=False)]:
            assert driving_areas(student, specialty) == _driving_by_definition(student, specialty)
