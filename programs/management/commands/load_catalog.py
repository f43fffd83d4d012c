from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import CATALOG_FILE, catalog_load


class Command(LoaderCommand):
    help = "Load the 2021 national vocational specialty catalog (大类, 专业类, 专业). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=CATALOG_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("catalog", lambda: catalog_load(path=options["file"]))
