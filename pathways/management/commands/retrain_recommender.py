import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pathways.models import RecomputeRun
from pathways.queueing import QueueUnavailable, enqueue
from pathways.tasks import train_recommender_and_recompute

PLAN_WAIT_SECONDS = 60  # with --follow, how long to wait for a worker to plan the recompute


class Command(BaseCommand):
    help = (
        "Train a new recommender version with the re-ranker on all feedback, activate it and recompute every "
        "student's recommendations. --enqueue hands it to a Celery worker instead of running it here."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true")
        parser.add_argument(
            "--follow", action="store_true", help="then show the recompute's progress until it ends (recompute_status)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            try:
                enqueue(train_recommender_and_recompute)
            except QueueUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("queued for the train workers")
            return
        since = timezone.now()
        number = train_recommender_and_recompute()
        self.stdout.write(f"model v{number} trained and activated")
        deadline = time.monotonic() + (PLAN_WAIT_SECONDS if options["follow"] else 0)
        while not RecomputeRun.objects.filter(created_at__gte=since).exists():
            if time.monotonic() >= deadline:
                self.stdout.write(
                    "the recompute of the stored recommendations is queued; "
                    "manage.py recompute_status --follow shows its progress"
                )
                return
            time.sleep(1)
        call_command("recompute_status", *(["--follow"] if options["follow"] else []), stdout=self.stdout)
