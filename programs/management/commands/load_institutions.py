from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import INSTITUTION_EXTRA_FILE, INSTITUTIONS_FILE, institutions_load


class Command(LoaderCommand):
    help = "Load Chongqing's higher-education institutions from the MOE list. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=INSTITUTIONS_FILE)
        parser.add_argument("--extra", type=Path, default=INSTITUTION_EXTRA_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("institutions", lambda: institutions_load(path=options["file"], extra_path=options["extra"]))
