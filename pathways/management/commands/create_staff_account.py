from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from pathways.models import StaffRole
from pathways.schools.services import ADMIN_ROLES, NewAccount, SchoolRefused, admin_account_create, staff_account_create
from programs.models import Institution


class Command(BaseCommand):
    help = "Make a school administrator (学校管理员, of one institution), a catalog curator or a data-protection "
    help += "officer, and print the one-time code (valid 24 hours) with which they set their own password."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--role", required=True, choices=["school_admin", *ADMIN_ROLES])
        parser.add_argument("--username", required=True)
        parser.add_argument("--by", required=True, help="the superuser who makes the account (kept with the code)")
        parser.add_argument("--school", default="", help="school_admin: the institution's exact name in the catalog")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(username=options["by"], is_superuser=True).first()
        if by is None:
            raise CommandError(f"{options['by']!r} is not a superuser (createsuperuser first).")
        try:
            made = self._create(options, by)
        except SchoolRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{options['role']} {made.user.username} created.")
        self.stdout.write(f"One-time code (valid 24 hours, shown only now): {made.code}")
        self.stdout.write("They open /accounts/code/ and set their own password with it.")

    def _create(self, options: dict[str, Any], by: User) -> NewAccount:
        if options["role"] != "school_admin":
            return admin_account_create(username=options["username"], role=options["role"], created_by=by)
        school = Institution.objects.filter(name=options["school"].strip()).first()
        if school is None:
            raise CommandError(f"No institution is named {options['school']!r}: see load_institutions or the admin.")
        return staff_account_create(
            school=school,
            username=options["username"],
            role=StaffRole.SCHOOL_ADMIN,
            display_name=options["display_name"],
            created_by=by,
        )
