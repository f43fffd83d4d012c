from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    """Progression routes, the quiz, student plans and counselor review (issues 3, 4 and 6)."""

    name = "pathways"
    verbose_name = _("Pathways")
