from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.sample_data import sample_data_load


class Command(LoaderCommand):
    help = "Generate the labelled sample 中职 schools, programs and outcomes. Seeded and idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("sample data", sample_data_load)
