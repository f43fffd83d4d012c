import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.loading import RowError
from recommender.artifacts import ArtifactError, ranker_get
from recommender.respondents import RESPONDENTS_FILE, respondents_load
from recommender.training import FOLDS, evaluate, respondents_cross_validate

SYNTHETIC = ["ndcg@10", "hit@10", "coverage", "intra_list_diversity", "categories_per_list", "popularity_bias"]
REAL = ["macro_hit", "micro_hit", "mrr"]


class Command(BaseCommand):
    help = (
        "Evaluate the active model on real respondents (cross-validated hit@3 of the 大类 they chose, per 大类 and "
        "overall, beside the same list for everyone), and on synthetic students as a sanity check."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--folds", type=int, default=FOLDS)
        parser.add_argument("--respondents", default=str(RESPONDENTS_FILE), help="A CSV of R,I,A,S,E,C,categories.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, ranker = ranker_get()
            respondents = respondents_load(Path(options["respondents"]))
        except (ArtifactError, RowError) as exc:
            raise CommandError(str(exc)) from exc
        real = respondents_cross_validate(ranker, respondents, folds=options["folds"])
        synthetic = evaluate(ranker)
        if options["json"]:
            body = {"model_version": version.number if version else None, "respondents": real, "synthetic": synthetic}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        self.stdout.write(
            f"model v{version.number if version else '?'} on {real['respondents']:,} real respondents "
            f"({real['credit']}), {real['folds']}-fold cross-validation, hit@3 of the 大类 they chose:"
        )
        self.stdout.write(f"{'':16}" + "".join(f"{c:>12}" for c in REAL))
        for run in ("model", "shape_only", "same_list"):
            self.stdout.write(f"{run:16}" + "".join(f"{real[run][c]:>12.4f}" for c in REAL))
        self.stdout.write("per main 大类 (model):")
        for category, row in real["by_category"].items():
            self.stdout.write(
                f"  {category}  {int(row['respondents']):>6} respondents/fold  hit@3 {row['micro_hit']:.4f}  "
                f"mrr {row['mrr']:.4f}"
            )
        self.stdout.write("synthetic students (sanity check: a specialty's profile plus noise, same 专业类 relevant):")
        self.stdout.write(f"{'':20}" + "".join(f"{c:>22}" for c in SYNTHETIC))
        for name, row in synthetic.items():
            self.stdout.write(f"{name:20}" + "".join(f"{row[c]:>22}" for c in SYNTHETIC))
