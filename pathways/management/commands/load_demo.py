from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pathways.demo import DEMO_PASSWORD, demo_users_create


class Command(BaseCommand):
    help = "Load the catalog, routes, quiz and sample data, and (in development) the demo logins. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="Load data only, no demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        for command in (
            "load_catalog",
            "load_profiles",
            "load_occupations",
            "load_institutions",
            "load_industries",
            "load_sample_data",
            "load_routes",
            "load_sample_articulations",
            "load_quiz",
            "build_specialty_profiles",
            "train_recommender",
        ):
            self.stdout.write(self.style.MIGRATE_HEADING(command))
            call_command(command, stdout=self.stdout)
        if options["no_users"]:
            return
        if not settings.DEMO_USERS_ALLOWED:
            raise CommandError("Demo logins are disabled here (DEMO_USERS_ALLOWED is off). Use --no-users.")
        self.stdout.write(self.style.MIGRATE_HEADING("demo users"))
        for user in demo_users_create():
            self.stdout.write(f"{user.username} / {DEMO_PASSWORD}")
