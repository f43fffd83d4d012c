from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    """Progression routes, the quiz, student plans and counselor review (issues 3, 4 and 6)."""

    name = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from pathways.students.roles import roles_after_migrate

        post_migrate.connect(roles_after_migrate, dispatch_uid="pathways-roles")
