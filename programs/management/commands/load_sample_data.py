from typing import Any

from programs.management.commands._base import LoaderCommand, SampleCommand
from programs.sample_data import sample_data_load


class Command(SampleCommand, LoaderCommand):
    help = "Generate the labelled sample 中职 schools, programs and outcomes. Seeded and idempotent."

    def add_arguments(self, parser: Any) -> None:
        self.add_sample_flag(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.check_sample(options)
        self.run_loader("sample data", sample_data_load)
