"""recommend_specialties --input FILE --level LEVEL --k K: a class's top specialties as CSV on stdout."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from threadpoolctl import threadpool_limits

from programs.models import Level
from recommender.artifacts import ArtifactError, ranker_get
from recommender.batch import BatchInputError, read_profiles
from recommender.ranking import Ranker


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


class Command(BaseCommand):
    # No system checks: they import every view and URL (about two seconds), and this command reads only the model.
    requires_system_checks: list[str] = []
    help = "Score a CSV of profiles (id,R,I,A,S,E,C, each 0-1) and write id,rank,code,name,score for the top K."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", required=True, help="CSV with the header id,R,I,A,S,E,C")
        parser.add_argument("--level", required=True, choices=Level.values)
        parser.add_argument("--k", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 1:
            raise CommandError("--k must be at least 1.")
        try:
            with _quiet_collector():
                ids, profiles = read_profiles(options["input"])
            _version, ranker = ranker_get()
        except (BatchInputError, ArtifactError) as exc:
            raise CommandError(str(exc)) from exc
        with _quiet_collector(), threadpool_limits(limits=1, user_api="blas"):
            top, scores = ranker.top_k(profiles, options["level"], options["k"])
            self.stdout.write(_csv(ids, top, scores, ranker))


def _csv(ids: list[str], top: np.ndarray, scores: np.ndarray, ranker: Ranker) -> str:
    """id,rank,code,name,score for every student's top k: one format call per student, names looked up by numpy."""
    k = top.shape[1]
    # Specialty names hold no commas or quotes; an id is quoted only when it needs to be.
    labels = np.array([f"{code},{name}" for code, name in zip(ranker.index.codes, ranker.index.names, strict=True)])
    cells = np.empty((len(top), 2 * k), dtype=object)
    cells[:, 0::2] = labels.astype(object)[top]
    cells[:, 1::2] = scores.astype(float)
    row = "\n".join(f"{{0}},{rank + 1},{{{2 * rank + 1}}},{{{2 * rank + 2}:.4f}}" for rank in range(k)).format
    return "\n".join(
        ["id,rank,code,name,score"] + [row(_csv_cell(s), *c) for s, c in zip(ids, cells.tolist(), strict=True)]
    )


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """No cyclic garbage collection while a million small lists and strings are made: none of them holds a cycle,
    and the collector's passes over them cost more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
