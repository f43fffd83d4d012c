"""Saving, activating and loading model artifacts.

An artifact is a joblib file of the fitted pipeline and the specialty index, signed with an HMAC of its bytes
under RECOMMENDER_SIGNING_KEY (SECRET_KEY unless set apart), so the system only ever unpickles a file it wrote
itself. Its metadata (scikit-learn version, catalog hash, evaluation) lives in `ModelVersion`. The active version is
one flag flipped in one transaction.
A process loads the active model once; a missing, altered or version-mismatched artifact fails closed to the
last good model, with a logged error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from pathlib import Path

import joblib
import sklearn
from django.conf import settings
from django.db import transaction

from recommender.models import ModelVersion
from recommender.ranking import Ranker

log = logging.getLogger(__name__)


class ArtifactError(RuntimeError):
    """An artifact that must not be loaded: missing, altered, or from another scikit-learn."""


def _signature(data: bytes) -> str:
    return hmac.new(settings.RECOMMENDER_SIGNING_KEY.encode(), data, hashlib.sha256).hexdigest()


def artifact_dir() -> Path:
    path = Path(settings.RECOMMENDER_ARTIFACT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def model_version_save(*, ranker: Ranker, catalog_hash: str, metrics: dict, activate: bool) -> ModelVersion:
    """Write the artifact file, then register it (and make it active when asked), in one transaction."""
    number = (
        ModelVersion.objects.select_for_update().order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    path = artifact_dir() / f"ranker-v{number}.joblib"
    saved = {
        "pipeline": ranker.pipeline,
        "index": ranker.index,
        "cap": ranker.cap,
        "reranker": ranker.reranker,
        "choice": ranker.choice,
        "fit_thresholds": ranker.fit_thresholds,
    }
    joblib.dump(saved, path)
    version = ModelVersion.objects.create(
        number=number,
        artifact=path.name,
        checksum=_signature(path.read_bytes()),
        sklearn_version=sklearn.__version__,
        catalog_hash=catalog_hash,
        metrics=metrics,
    )
    if activate:
        model_version_activate(version=version)
    return version


@transaction.atomic
def model_version_activate(*, version: ModelVersion) -> None:
    """Point the system at `version`: the old flag drops and the new one rises in the same transaction."""
    ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    ranker_cache_expire()  # this process sees the flip at once…
    transaction.on_commit(ranker_cache_expire)  # …and a request that read the pointer before the commit re-reads it


def artifact_load(version: ModelVersion) -> Ranker:
    path = artifact_dir() / version.artifact
    if version.sklearn_version != sklearn.__version__:
        raise ArtifactError(
            f"v{version.number} was trained with scikit-learn {version.sklearn_version}, "
            f"this process has {sklearn.__version__}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"v{version.number}: cannot read {path}: {exc}") from exc
    if not hmac.compare_digest(_signature(data), version.checksum):
        raise ArtifactError(f"v{version.number}: {path.name} is not the file this system wrote")
    saved = joblib.load(path)
    ranker = Ranker(saved["pipeline"], saved["index"], saved["cap"], saved.get("reranker"), saved.get("choice"))
    if "fit_thresholds" in saved:
        ranker.fit_thresholds = tuple(saved["fit_thresholds"])
    return ranker


# What this process serves: (checked at, the version, its ranker), always stored and read together, so a request
# can never get one version's label with another version's model.
_serving: dict[str, tuple[float, ModelVersion | None, Ranker]] = {}
_lock = threading.Lock()


def _serve(version: ModelVersion | None, ranker: Ranker) -> tuple[ModelVersion | None, Ranker]:
    with _lock:
        _serving["now"] = (time.monotonic(), version, ranker)
    return version, ranker


def ranker_get() -> tuple[ModelVersion | None, Ranker]:
    """The active model, loaded once per process; on a bad artifact, the last good one, with the error logged.

    Which version is active is re-read at most every RECOMMENDER_POINTER_TTL seconds (a flip elsewhere shows
    within that time; a flip in this process at once), so a request does not pay a query for it.
    """
    with _lock:
        current = _serving.get("now")
    ttl = settings.RECOMMENDER_POINTER_TTL
    if current is not None and ttl and time.monotonic() - current[0] < ttl:
        return current[1], current[2]
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None and current is not None and current[1] is not None and current[1].pk == active.pk:
        return _serve(active, current[2])
    if active is not None:
        try:
            ranker = artifact_load(active)
        except Exception:  # any failure to load must fail closed, not crash the request
            log.exception("Recommender model v%s failed to load; keeping the last good model", active.number)
        else:
            return _serve(active, ranker)
    return _serve(*_last_good(current))


def _last_good(current: tuple[float, ModelVersion | None, Ranker] | None) -> tuple[ModelVersion | None, Ranker]:
    if current is not None:
        return current[1], current[2]
    for version in ModelVersion.objects.exclude(is_active=True).order_by("-number"):
        try:
            ranker = artifact_load(version)
        except Exception:
            log.exception("Recommender model v%s failed to load too", version.number)
            continue
        return version, ranker
    raise ArtifactError("No recommender model can be loaded. Run `manage.py train_recommender`.")


def ranker_cache_clear() -> None:
    with _lock:
        _serving.clear()


def ranker_cache_expire() -> None:
    """Make the next request re-read which version is active (the loaded model is kept if it is still the one)."""
    with _lock:
        if "now" in _serving:
            _serving["now"] = (float("-inf"), *_serving["now"][1:])
