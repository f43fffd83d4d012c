"""The interest quiz: items, versioned forms, attempts and answers; and the student's profile and consents.

Items are data an admin edits. A form version is a frozen snapshot of the items it asked (text, area, order),
so an attempt always shows and scores the questions exactly as the student saw them. Editing an item makes
a new version (see `pathways.quiz.services.quiz_forms_publish`); old versions and the answers on them never change.

Nothing here is written for a student without consent: an anonymous quiz lives in the browser until the
student (and, under 14, a guardian) has agreed to storage.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pathways.models.routes import bilingual
from programs.districts import DISTRICT_CHOICES
from programs.models import Level


class Area(models.TextChoices):
    """The six RIASEC interest areas, in O*NET's order."""

    R = "R", _("Realistic")
    I = "I", _("Investigative")  # noqa: E741 - the area's letter
    A = "A", _("Artistic")
    S = "S", _("Social")
    E = "E", _("Enterprising")
    C = "C", _("Conventional")


AREA_ORDER = "RIASEC"


class FormKind(models.TextChoices):
    STANDARD = "standard", _("Standard form (60 questions)")
    QUICK = "quick", _("Quick form (30 questions)")


ITEMS_PER_AREA: dict[str, int] = {FormKind.STANDARD: 10, FormKind.QUICK: 5}


class QuizItem(models.Model):
    """One activity statement. Its code is stable across versions; its text may be edited."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    area = models.CharField(_("interest area"), max_length=1, choices=Area.choices)
    position = models.PositiveSmallIntegerField(_("position in the standard form"), unique=True)
    in_quick = models.BooleanField(_("in the quick form"), default=False)
    active = models.BooleanField(_("active"), default=True)
    text = models.CharField(_("text (Chinese)"), max_length=100)
    text_en = models.CharField(_("text (English)"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        verbose_name = _("quiz item")
        verbose_name_plural = _("quiz items")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[RIASEC][0-9]{2}$"),
                name="quiz_item_code_format",
                violation_error_message=_("An item code is its area letter and two digits, e.g. R01."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class FormVersion(models.Model):
    """One published version of a form: the frozen list of items it asks."""

    kind = models.CharField(_("form"), max_length=16, choices=FormKind.choices)
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-number"]
        verbose_name = _("quiz form version")
        verbose_name_plural = _("quiz form versions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="form_version_unique_number"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_current=True), name="form_version_one_current_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class FormVersionItem(models.Model):
    """An item as one version asked it: a snapshot of its text, area and position."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(QuizItem, on_delete=models.PROTECT, related_name="versions")
    position = models.PositiveSmallIntegerField(_("position"))
    area = models.CharField(_("interest area"), max_length=1, choices=Area.choices)
    text = models.CharField(_("text (Chinese)"), max_length=100)
    text_en = models.CharField(_("text (English)"), max_length=200)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "item"], name="form_version_item_once"),
            models.UniqueConstraint(fields=["version", "position"], name="form_version_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version} #{self.position} {self.item.code}"

    @property
    def display_text(self) -> str:
        return bilingual(self, "text")


def _score_field(area: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(format_lazy(_("{area} score"), area=area))


class QuizAttempt(models.Model):
    """A saved, scored attempt. Scores run 0-40 per area; the quick form is scaled up to 40."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="attempts")
    completed_at = models.DateTimeField(_("completed at"))
    duration_seconds = models.PositiveIntegerField(_("time taken (seconds)"), null=True, blank=True)
    too_fast = models.BooleanField(_("answered implausibly fast"), default=False)
    score_r = _score_field("R")
    score_i = _score_field("I")
    score_a = _score_field("A")
    score_s = _score_field("S")
    score_e = _score_field("E")
    score_c = _score_field("C")
    code = models.CharField(_("Holland code"), max_length=3)
    flat = models.BooleanField(_("undifferentiated profile"), default=False)
    # The SHA-256 of the signed result it was saved from (the quiz page): one result is saved once, by one account.
    result_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    score_r__lte=40, score_i__lte=40, score_a__lte=40, score_s__lte=40, score_e__lte=40, score_c__lte=40
                ),
                name="quiz_attempt_scores_0_40",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.code} ({self.completed_at:%Y-%m-%d})"

    @property
    def scores(self) -> dict[str, int]:
        return {area: getattr(self, f"score_{area.lower()}") for area in AREA_ORDER}


class QuizAnswer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(FormVersionItem, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("answer (1-5)"))

    class Meta:
        ordering = ["attempt", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "item"], name="quiz_answer_once_per_item"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="quiz_answer_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.item} = {self.value}"


class Stage(models.TextChoices):
    """Where a student stands now: what the recommendations lead on from."""

    JUNIOR = "junior", _("Finishing 初中")
    SECONDARY = "secondary", _("In 中职")
    ASSOCIATE = "associate", _("In 高职专科")


# The level of the specialties recommended at each stage (programs may reach further: 3+4 leads to 本科).
TARGET_LEVEL = {"junior": Level.SECONDARY, "secondary": Level.ASSOCIATE, "associate": Level.BACHELOR}


class StudentProfile(models.Model):
    """The little the product keeps about a student: the month of birth, to know whether a guardian must agree."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    birth_month = models.PositiveSmallIntegerField(_("month of birth"))
    stage = models.CharField(_("current stage"), max_length=16, choices=Stage.choices, blank=True)
    district = models.CharField(_("home district"), max_length=16, choices=DISTRICT_CHOICES, blank=True)
    preferred_routes = models.CharField(
        _("routes I prefer"),
        max_length=128,
        blank=True,
        help_text=_("Route codes the student ticked, space-separated; the city recompute ranks with them too."),
    )
    profiling_opt_out = models.BooleanField(
        _("no profiling"), default=False, help_text=_("No recommendations are computed or kept for this student.")
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("A generated sample student of the demo class, not a real person.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(birth_month__gte=1, birth_month__lte=12), name="profile_birth_month"),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1950, birth_year__lte=2100), name="profile_birth_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.birth_year}-{self.birth_month:02d})"

    def age_on(self, day: date) -> int:
        """Whole years on `day`, counting the birthday from the first of the birth month (the safe side)."""
        return day.year - self.birth_year - (1 if day.month < self.birth_month else 0)

    @property
    def route_set(self) -> frozenset[str]:
        return frozenset(self.preferred_routes.split())


class ConsentKind(models.TextChoices):
    STUDENT = "student", _("The student's own consent")
    GUARDIAN = "guardian", _("A guardian's consent")


class Consent(models.Model):
    """A recorded agreement to store and process quiz results, under one version of the privacy notice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=16, choices=ConsentKind.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=16)
    guardian_name = models.CharField(_("guardian's name"), max_length=32, blank=True)
    guardian_relation = models.CharField(_("relation to the student"), max_length=16, blank=True)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="student") | (~Q(guardian_name="") & ~Q(guardian_relation="")),
                name="consent_guardian_named",
                violation_error_message=_("A guardian's consent names the guardian and their relation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.given_at:%Y-%m-%d}"


class StudentRecommendation(models.Model):
    """A student's current recommendation set: one row per student, rewritten by every recompute."""

    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendation")
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="recommendations")
    model_version = models.PositiveIntegerField(_("model version"), null=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    flat = models.BooleanField(_("exploration view"), default=False)
    specialties = models.JSONField(_("specialties"), default=list)
    programs = models.JSONField(_("programs"), default=list)
    basis = models.CharField(
        _("computed from"),
        max_length=32,
        blank=True,
        help_text=_("The model version and catalog state it was computed from."),
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("student recommendation set")
        verbose_name_plural = _("student recommendation sets")

    def __str__(self) -> str:
        return f"{self.student} v{self.model_version} ({self.computed_at:%Y-%m-%d})"


class FeedbackKind(models.TextChoices):
    SAVE = "save", _("Saved by the student")
    DISMISS = "dismiss", _("Dismissed by the student")
    ENDORSE = "endorse", _("Endorsed by a counselor")
    REJECT = "reject", _("Rejected by a counselor")


POSITIVE_FEEDBACK = (FeedbackKind.SAVE, FeedbackKind.ENDORSE)


class RecommendationFeedback(models.Model):
    """What a student or counselor said about one recommended program: the re-ranker's training data."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback")
    # A counselor's endorsements stay with the student when the counselor's account is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="feedback_given"
    )
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="feedback")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(_("kind"), max_length=16, choices=FeedbackKind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recommendation feedback")
        verbose_name_plural = _("recommendation feedback")
        constraints = [
            models.UniqueConstraint(fields=["student", "program", "actor"], name="feedback_once_per_actor_program"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.get_kind_display()} {self.program_id}"
