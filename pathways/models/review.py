"""Counselor review: cohorts a counselor is assigned, their review of each student's suggestions, the audit of every
counselor read and write, and the notifications a student gets."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A class join code: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 40 bits.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def join_code_new() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _n in range(JOIN_CODE_LENGTH))


class Cohort(models.Model):
    """A class at a school; its counselors see the students who joined it, and no one else's."""

    name = models.CharField(_("name"), max_length=64)
    school = models.ForeignKey("programs.Institution", on_delete=models.PROTECT, related_name="cohorts")
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    counselors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts_counseled", blank=True)
    join_code = models.CharField(
        _("class join code"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Students join the class by typing this code on their own page."),
    )

    class Meta:
        ordering = ["school__name", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "academic_year"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.name} ({self.academic_year})"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.join_code:
            self.join_code = join_code_new()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CohortMembership(models.Model):
    """A student in a class: made only by the student's own act (a join code, or an invitation they accepted)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    # Under 14, a guardian agrees to the class's counselors seeing the student's data, as at sign-up.
    guardian_name = models.CharField(_("guardian's name"), max_length=32, blank=True)
    guardian_relation = models.CharField(_("relation to the student"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")

    def __str__(self) -> str:
        return f"{self.student} in {self.cohort}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the student")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class CohortInvitation(models.Model):
    """A counselor's invitation to a class, from the roster; the counselor sees nothing until the student accepts."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("class invitation")
        verbose_name_plural = _("class invitations")
        constraints = [models.UniqueConstraint(fields=["cohort", "student"], name="invitation_once_per_class")]

    def __str__(self) -> str:
        return f"{self.student} → {self.cohort} ({self.status})"


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
    """Who read or changed which student's data, when, and what. `actor_username` keeps who acted after their
    account is gone."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_username = models.CharField(_("acted as"), max_length=150, blank=True)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_entries")
    action = models.CharField(_("action"), max_length=32)
    detail = models.JSONField(_("detail"), default=dict)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.student}"


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


class ReportShare(models.Model):
    """A read-only link to a student's parents' report, made by the student: it expires and can be revoked. Only
    a digest of the link's secret is kept; the parent needs no account and never sees the student's login."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_shares")
    digest = models.CharField(max_length=64, unique=True)
    shown_name = models.CharField(_("name shown on the report"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("parents' report link")
        verbose_name_plural = _("parents' report links")

    def __str__(self) -> str:
        return f"{self.student} {self.created_at:%Y-%m-%d}"
