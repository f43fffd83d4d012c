import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from recommender.artifacts import ArtifactError, ranker_get
from recommender.training import evaluate

COLUMNS = ["ndcg@10", "hit@10", "coverage", "intra_list_diversity", "categories_per_list", "popularity_bias"]


class Command(BaseCommand):
    help = "Offline evaluation of the active model against popularity and random baselines (synthetic students)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, ranker = ranker_get()
        except ArtifactError as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(ranker)
        if options["json"]:
            self.stdout.write(json.dumps({"model_version": version.number if version else None, **report}))
            return
        self.stdout.write(
            f"model v{version.number if version else '?'}; synthetic students: each a specialty's "
            "profile plus noise, relevant = same 专业类 and level"
        )
        self.stdout.write(f"{'':20}" + "".join(f"{c:>22}" for c in COLUMNS))
        for name, row in report.items():
            self.stdout.write(f"{name:20}" + "".join(f"{row[c]:>22}" for c in COLUMNS))
