"""Specialty interest profiles and the registry of trained model versions.

`recommender` reads `programs` and nothing else: students, attempts and feedback belong to `pathways`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import Specialty

AREAS = "RIASEC"


class ProfileSource(models.TextChoices):
    CLASS = "class", _("O*NET occupations of its 专业类")
    OVERRIDE = "override", _("O*NET occupations of a specialty-level override")
    ADMIN = "admin", _("Set by an admin")


def _area_field(area: str) -> models.FloatField:
    return models.FloatField(area, help_text=_("0 to 1"))


class SpecialtyProfile(models.Model):
    """A specialty's RIASEC profile, 0-1 per area, with where it came from."""

    specialty = models.OneToOneField(Specialty, on_delete=models.CASCADE, related_name="interest_profile")
    r = _area_field("R")
    i = _area_field("I")
    a = _area_field("A")
    s = _area_field("S")
    e = _area_field("E")
    c = _area_field("C")
    source = models.CharField(_("source"), max_length=16, choices=ProfileSource.choices)
    provenance = models.TextField(_("provenance"), help_text=_("Which occupations or which admin, and why."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialty__code"]
        verbose_name = _("specialty interest profile")
        verbose_name_plural = _("specialty interest profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    r__gte=0,
                    r__lte=1,
                    i__gte=0,
                    i__lte=1,
                    a__gte=0,
                    a__lte=1,
                    s__gte=0,
                    s__lte=1,
                    e__gte=0,
                    e__lte=1,
                    c__gte=0,
                    c__lte=1,
                ),
                name="specialty_profile_0_1",
                violation_error_message=_("Each area runs from 0 to 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialty} {self.code}"

    @property
    def vector(self) -> list[float]:
        return [self.r, self.i, self.a, self.s, self.e, self.c]

    @property
    def code(self) -> str:
        order = sorted(range(6), key=lambda n: (-self.vector[n], n))
        return "".join(AREAS[n] for n in order[:3])


class ModelVersion(models.Model):
    """A trained ranker saved as an artifact file, with what it was trained on and how it scored."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    artifact = models.CharField(_("artifact file"), max_length=255)
    checksum = models.CharField(_("artifact signature"), max_length=64)
    sklearn_version = models.CharField(_("scikit-learn version"), max_length=16)
    catalog_hash = models.CharField(_("catalog hash"), max_length=64)
    metrics = models.JSONField(_("evaluation"), default=dict)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("recommender model version")
        verbose_name_plural = _("recommender model versions")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_model"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}{' (active)' if self.is_active else ''}"
