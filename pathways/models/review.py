"""Counselor review: cohorts a counselor is assigned, their review of each student's suggestions, the audit of every
counselor read and write, and the notifications a student gets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """A class at a school; its counselors see its students and no one else's."""

    name = models.CharField(_("name"), max_length=64)
    school = models.ForeignKey("programs.Institution", on_delete=models.PROTECT, related_name="cohorts")
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    counselors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts_counseled", blank=True)

    class Meta:
        ordering = ["school__name", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "academic_year"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.name} ({self.academic_year})"


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")

    def __str__(self) -> str:
        return f"{self.student} in {self.cohort}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    IN_PROGRESS = "in_progress", _("In review")
    DONE = "done", _("Reviewed")


class Review(models.Model):
    """A counselor's review of one student's suggestions. `version` rises on every change (optimistic locking)."""

    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    note = models.TextField(_("counselor's note"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reviews_updated"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.student} {self.get_status_display()} v{self.version}"


class Decision(models.TextChoices):
    ENDORSED = "endorsed", _("Endorsed")
    REJECTED = "rejected", _("Rejected")
    ADDED = "added", _("Added by the counselor")


class ReviewItem(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="review_items")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "program"], name="review_item_once"),
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(reason=""),
                name="review_rejection_has_reason",
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.student} {self.get_decision_display()} {self.program_id}"


class AuditEntry(models.Model):
    """Who read or changed which student's data, when, and what."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_entries")
    action = models.CharField(_("action"), max_length=32)
    detail = models.JSONField(_("detail"), default=dict)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.student}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message


class Plan(models.Model):
    """The program a student has chosen to aim at; the page shows the route there, step by step."""

    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="plans")
    chosen_at = models.DateTimeField(_("chosen at"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.student} → {self.program}"
