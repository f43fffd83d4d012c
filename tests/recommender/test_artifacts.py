"""Model versions: signed artifacts with metadata, one active pointer, and fail-closed loading."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sklearn

from recommender.artifacts import ArtifactError, artifact_dir, artifact_load, ranker_cache_clear, ranker_get
from recommender.models import ModelVersion
from recommender.training import model_train

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_process() -> None:
    ranker_cache_clear()  # as a new web process would start


def test_a_version_carries_its_metadata_and_one_is_active() -> None:
    version = model_train(force=True)
    assert version.sklearn_version == sklearn.__version__ and len(version.catalog_hash) == 64
    assert {"model", "popularity", "random"} <= set(version.metrics["synthetic"])
    real = version.metrics["respondents"]
    assert real["model"]["macro_hit"] > real["same_list"]["macro_hit"] and len(real["data_sha256"]) == 64
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert ModelVersion.objects.get(is_active=True) == version


def test_training_twice_on_the_same_catalog_makes_no_new_version() -> None:
    first = model_train()
    assert model_train() == first


def test_an_altered_artifact_fails_closed_to_the_last_good_model(caplog: pytest.LogCaptureFixture) -> None:
    good = model_train(force=True)
    assert ranker_get()[0] == good  # a running process has loaded it
    bad = model_train(force=True)  # now active
    path = Path(artifact_dir()) / bad.artifact
    path.write_bytes(path.read_bytes()[:-10] + b"tampered!!")
    with caplog.at_level(logging.ERROR):
        version, ranker = ranker_get()
    assert version == good and ranker is not None  # the running process keeps the model it had
    assert f"v{bad.number} failed to load" in caplog.text
    ranker_cache_clear()  # a new process: finds the newest version that loads
    assert ranker_get()[0] == good
    with pytest.raises(ArtifactError, match="not the file this system wrote"):
        artifact_load(bad)


def test_a_scikit_learn_mismatch_fails_closed() -> None:
    good = model_train(force=True)
    assert ranker_get()[0] == good
    newer = model_train(force=True)
    ModelVersion.objects.filter(pk=newer.pk).update(sklearn_version="0.1.0")
    ranker_cache_clear()
    version, _ranker = ranker_get()
    assert version == good


def test_with_no_loadable_model_the_error_says_what_to_do() -> None:
    ModelVersion.objects.all().update(sklearn_version="0.1.0")
    with pytest.raises(ArtifactError, match="train_recommender"):
        ranker_get()
