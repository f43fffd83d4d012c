from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import ADDITIONS_FILE, CATALOG_FILE, additions_load, catalog_load


class Command(LoaderCommand):
    help = (
        "Load the 2021 national vocational specialty catalog (大类, 专业类, 专业), then the later additions from a "
        "secondary compilation, marked 待核实. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=CATALOG_FILE)
        parser.add_argument("--additions", type=Path, default=ADDITIONS_FILE, help="The compilation (XLSX).")
        parser.add_argument("--no-additions", action="store_true", help="Load the 2021 catalog only.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("catalog", lambda: catalog_load(path=options["file"]))
        if not options["no_additions"]:
            self.run_loader("additions", lambda: additions_load(path=options["additions"]))
