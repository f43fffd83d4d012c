"""recommend_specialties --input FILE --level LEVEL --k K: a class's top specialties as CSV on stdout."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.models import Level
from recommender.artifacts import ArtifactError, ranker_get
from recommender.batch import BatchInputError, read_profiles


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


class Command(BaseCommand):
    help = "Score a CSV of profiles (id,R,I,A,S,E,C, each 0-1) and write id,rank,code,name,score for the top K."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", required=True, help="CSV with the header id,R,I,A,S,E,C")
        parser.add_argument("--level", required=True, choices=Level.values)
        parser.add_argument("--k", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 1:
            raise CommandError("--k must be at least 1.")
        try:
            ids, profiles = read_profiles(options["input"])
            _version, ranker = ranker_get()
        except (BatchInputError, ArtifactError) as exc:
            raise CommandError(str(exc)) from exc
        top, scores = ranker.top_k(profiles, options["level"], options["k"])
        # Specialty names hold no commas or quotes; an id is quoted only when it needs to be.
        labels = [f"{code},{name}" for code, name in zip(ranker.index.codes, ranker.index.names, strict=True)]
        safe_ids = [_csv_cell(student) for student in ids]
        lines = ["id,rank,code,name,score"] + [
            f"{safe_ids[row]},{rank + 1},{labels[column]},{score:.4f}"
            for row, (columns, row_scores) in enumerate(zip(top.tolist(), scores.tolist(), strict=True))
            for rank, (column, score) in enumerate(zip(columns, row_scores, strict=True))
        ]
        self.stdout.write("\n".join(lines))
