from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from pathways.models import StaffRole
from pathways.schools.services import SchoolRefused, staff_account_create
from programs.models import Institution


class Command(BaseCommand):
    help = "Make a school administrator (学校管理员) for one institution and print the one-time code that sets the "
    help += "password (valid 24 hours). Nobody types another person's password."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", required=True, help="the institution's exact name, as in the catalog")
        parser.add_argument("--username", required=True)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--by", required=True, help="the superuser who makes the account (for the audit)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = Institution.objects.filter(name=options["school"].strip()).first()
        if school is None:
            raise CommandError(f"No institution is named {options['school']!r}: load_institutions or the admin.")
        by = User.objects.filter(username=options["by"], is_superuser=True).first()
        if by is None:
            raise CommandError(f"{options['by']!r} is not a superuser (createsuperuser first).")
        try:
            made = staff_account_create(
                school=school,
                username=options["username"],
                role=StaffRole.SCHOOL_ADMIN,
                display_name=options["display_name"],
                created_by=by,
            )
        except SchoolRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"School administrator {made.user.username} of {school.name}.")
        self.stdout.write(f"One-time code (valid 24 hours, shown only now): {made.code}")
        self.stdout.write("They open /accounts/code/ and set their own password with it.")
