from pathlib import Path
from typing import Any

from programs.management.commands._base import LoaderCommand
from programs.services import OCCUPATION_CODES_FILE, OCCUPATIONS_FILE, occupations_load


class Command(LoaderCommand):
    help = (
        "Link every specialty to its 职业分类大典 (2022) occupations, from 人社部's 2023 specialty–occupation table "
        "(for reference). Idempotent; run after load_catalog."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=OCCUPATIONS_FILE, help="The table (XLSX).")
        parser.add_argument("--codes", type=Path, default=OCCUPATION_CODES_FILE, help="The OCR'd 2022 code list.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = self.run_report(
            "occupations", lambda: occupations_load(path=options["file"], codes_path=options["codes"])
        )
        for line in report.not_in_code_list:
            self.stdout.write(f"  not in the OCR'd 2022 code list: {line}")
        for line in report.names_differ:
            self.stdout.write(f"  name differs from the OCR'd list (the table's is kept): {line}")
