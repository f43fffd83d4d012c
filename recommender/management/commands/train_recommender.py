import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from recommender.training import model_train


class Command(BaseCommand):
    help = "Train the ranker on the current specialty profiles, evaluate it and save it as a new version."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-activate", action="store_true", help="Save the version without switching to it.")
        parser.add_argument("--force", action="store_true", help="Train even if nothing changed since the active one.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = model_train(activate=not options["no_activate"], force=options["force"])
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        version.refresh_from_db()
        state = "active" if version.is_active else "saved, not active"
        self.stdout.write(f"model v{version.number} ({state}), catalog {version.catalog_hash[:12]}")
        real = version.metrics.get("respondents", {})
        self.stdout.write(
            "held-out respondents: " + json.dumps({k: real.get(k) for k in ("model", "same_list")}, ensure_ascii=False)
        )
        if not version.is_active and not options["no_activate"]:
            self.stdout.write("not activated: worse than the active version on macro or micro hit@3")
