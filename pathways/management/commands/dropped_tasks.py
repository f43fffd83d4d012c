"""List the poison tasks the workers dropped (TASK_MAX_DELIVERIES deliveries without finishing), newest first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pathways.queueing import dropped_tasks


class Command(BaseCommand):
    help = "List the background tasks dropped as poison (delivered TASK_MAX_DELIVERIES times without finishing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        for record in dropped_tasks(limit=limit):
            self.stdout.write(json.dumps(record, ensure_ascii=False))
