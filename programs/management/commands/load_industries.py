from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import CLASS_LINKS_FILE, CLUSTERS_FILE, GB_FILE, KEYWORD_LINKS_FILE, industries_load


class Command(LoaderCommand):
    help = "Load GB/T 4754-2017, the 33618 clusters and every specialty's industry links. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--gb", type=Path, default=GB_FILE)
        parser.add_argument("--clusters", type=Path, default=CLUSTERS_FILE)
        parser.add_argument("--class-links", type=Path, default=CLASS_LINKS_FILE)
        parser.add_argument("--keyword-links", type=Path, default=KEYWORD_LINKS_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader(
            "industries",
            lambda: industries_load(
                gb_path=options["gb"],
                clusters_path=options["clusters"],
                class_links_path=options["class_links"],
                keyword_links_path=options["keyword_links"],
            ),
        )
