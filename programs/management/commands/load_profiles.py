from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import FOLLOW_ON_RENAMES_FILE, PROFILES_DIR, profiles_load


class Command(LoaderCommand):
    help = (
        "Load the Ministry's 职业教育专业简介 (2022) into every specialty, and its 接续专业 as follow-on links. "
        "Idempotent; run after load_catalog."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", type=Path, default=PROFILES_DIR, help="The folder of Markdown files.")
        parser.add_argument("--renames", type=Path, default=FOLLOW_ON_RENAMES_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        report = self.run_report(
            "profiles", lambda: profiles_load(directory=options["dir"], renames_path=options["renames"])
        )
        for name in report.follow_on_unmatched:
            self.stdout.write(f"  follow-on name matches no specialty: {name}")
