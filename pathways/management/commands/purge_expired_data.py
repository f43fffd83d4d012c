from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pathways.students.privacy import retention_purge


class Command(BaseCommand):
    help = "Delete students (and all their data) who have not signed in for PERSONAL_DATA_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = retention_purge(now=timezone.now())
        self.stdout.write(f"{count} students past {settings.PERSONAL_DATA_RETENTION_DAYS} days deleted with their data")
