from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommenderConfig(AppConfig):
    """Interest profiles, the scikit-learn ranking pipeline and its artifacts (issue 5)."""

    name = "recommender"
    verbose_name = _("Recommender")
