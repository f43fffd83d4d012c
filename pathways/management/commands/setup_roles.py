from typing import Any

from django.core.management.base import BaseCommand

from pathways.students.roles import roles_ensure


class Command(BaseCommand):
    help = "Create the roles' groups (student, counselor, school_admin, catalog_curators, data_protection) with "
    help += "exactly their permissions. Idempotent; migrate runs it too."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, group in roles_ensure().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
