from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.queueing import QueueUnavailable, enqueue
from pathways.tasks import train_recommender_and_recompute


class Command(BaseCommand):
    help = (
        "Train a new recommender version with the re-ranker on all feedback, activate it and recompute every "
        "student's recommendations. --enqueue hands it to a Celery worker instead of running it here."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            try:
                enqueue(train_recommender_and_recompute)
            except QueueUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("queued for the train workers")
            return
        number = train_recommender_and_recompute()
        self.stdout.write(f"model v{number} trained, activated; recommendations recomputed")
