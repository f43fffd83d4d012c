from pathlib import Path
from typing import Any

from pathways.routes.services import CUTOFFS_FILE, routes_load
from programs.management.commands._base import LoaderCommand


class Command(LoaderCommand):
    help = (
        "Load the route kinds, the 17 职教高考 skills categories, each 中职 specialty's 科类 and the published "
        "cut-off lines. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cutoffs", type=Path, default=CUTOFFS_FILE, help="A CSV of cut-off lines.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("routes", lambda: routes_load(cutoffs_path=options["cutoffs"]))
