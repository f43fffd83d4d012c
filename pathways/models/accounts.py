"""Who works for a school, and the one-time codes that set a password without anyone typing another's.

A school administrator (学校管理员) and the counselors they create belong to one institution (`SchoolStaff`). A new
account, or one whose password is forgotten, gets an `AccountCode`: a short random code shown once to the person who
issued it, kept only as a hash, valid for a day and for one use. The rows stay after use: they are the audit of who
issued a code to whom and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    COUNSELOR = "counselor", _("Counselor")


class SchoolStaff(models.Model):
    """A staff account's school and role: a school administrator manages it, a counselor works in its classes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_staff")
    school = models.ForeignKey("programs.Institution", on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    display_name = models.CharField(_("name shown to students"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["school__name", "role", "user__username"]
        verbose_name = _("school staff member")
        verbose_name_plural = _("school staff")

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()}, {self.school})"


class CodePurpose(models.TextChoices):
    ACTIVATE = "activate", _("Set the first password")
    RESET = "reset", _("Reset a forgotten password")


class AccountCode(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_codes")
    purpose = models.CharField(_("purpose"), max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_by_username = models.CharField(_("issued by"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("one-time password code")
        verbose_name_plural = _("one-time password codes")

    def __str__(self) -> str:
        return f"{self.user.username} {self.get_purpose_display()} {self.issued_at:%Y-%m-%d %H:%M}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now() and self.failures < CODE_MAX_FAILURES


CODE_MAX_FAILURES = 5  # wrong tries before a code stops working, whatever is typed next
