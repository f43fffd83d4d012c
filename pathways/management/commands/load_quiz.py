from typing import Any

from pathways.quiz.services import quiz_items_load
from programs.management.commands._base import LoaderCommand


class Command(LoaderCommand):
    help = "Load the interest-quiz items and publish a new version of each form whose items changed. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("quiz", quiz_items_load)
