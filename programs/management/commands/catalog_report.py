import json
from typing import Any

from django.core.management.base import BaseCommand

from programs.selectors import catalog_counts


class Command(BaseCommand):
    help = "Print catalog counts, as a health check for admins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = catalog_counts()
        if options["json"]:
            self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2, sort_keys=True))
            return
        for section, values in counts.items():
            if isinstance(values, dict):
                self.stdout.write(f"{section}:")
                for key, value in values.items():
                    self.stdout.write(f"  {key}: {value}")
            elif isinstance(values, list) and values and isinstance(values[0], dict):
                self.stdout.write(f"{section}: {len(values)}")
                for item in values:
                    self.stdout.write("  " + " ".join(str(v) for v in item.values()))
            else:
                self.stdout.write(f"{section}: {values}")
