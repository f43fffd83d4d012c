from typing import Any

from pathways.routes.sample_data import sample_articulations_load
from programs.management.commands._base import LoaderCommand, SampleCommand


class Command(SampleCommand, LoaderCommand):
    help = "Generate the labelled sample articulations (3+2, 3+4, 五年制 and the rest). Seeded and idempotent."

    def add_arguments(self, parser: Any) -> None:
        self.add_sample_flag(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.check_sample(options)
        self.run_loader("sample articulations", sample_articulations_load)
