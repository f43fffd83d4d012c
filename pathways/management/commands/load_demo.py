from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pathways.demo import DEMO_PASSWORD, demo_users_create
from programs.management.commands._base import SAMPLE_FLAG, sample_refused


class Command(BaseCommand):
    help = "Load the catalog, routes, quiz and sample data, and (in development) the demo logins. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="Load data only, no demo logins.")
        parser.add_argument(SAMPLE_FLAG, action="store_true", help="in production: yes, load the labelled sample data")

    def handle(self, *args: Any, **options: Any) -> None:
        # Every refusal comes before the first write: a production run must not load every sample school and then
        # stop at the demo logins.
        if not options["no_users"] and not settings.DEMO_USERS_ALLOWED:
            raise CommandError(
                "Demo logins are disabled here (DEMO_USERS_ALLOWED is off). Nothing was written. Use --no-users."
            )
        problem = sample_refused(options)
        if problem:
            raise CommandError(problem)
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
            sample = {"i_know_this_is_sample": True} if command.startswith("load_sample") else {}
            call_command(command, stdout=self.stdout, **sample)
        if options["no_users"]:
            return
        self.stdout.write(self.style.MIGRATE_HEADING("demo users"))
        for user in demo_users_create():
            self.stdout.write(f"{user.username} / {DEMO_PASSWORD}")
