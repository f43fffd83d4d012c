"""Progression routes: the route kinds, the 职教高考 skills categories, and articulations between programs.

A route kind (3+2, 3+4, 五年一贯制, 五年制, 职教高考, 专升本, 专本贯通) is data: its stage levels, years, exam
and rules are rows an admin keeps true, because they change and some are still to be verified.
An articulation joins a program at one stage to a program at the next stage under a route kind, for an
academic year. Partnership routes name the earlier program; the two open exams do not, because any
student of the right 科类 (职教高考) or 专业类 (专升本) may sit them; 五年一贯制 is entered straight from 初中.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pathways.models import validation
from programs.models import Level, Program, ProgramStatus, Specialty, SpecialtyClass


def bilingual(obj: Any, field: str) -> str:
    """The English column when English is active and filled, the Chinese one otherwise."""
    if (get_language() or "").startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, field)
    return getattr(obj, field)


class Admission(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partner programs: the earlier program is named")
    DIRECT = "direct", _("Direct entry from 初中")
    SKILLS_EXAM = "skills_exam", _("Open exam by skills category (科类)")
    UPGRADE_EXAM = "upgrade_exam", _("Open exam by 专业类")


class Entry(models.TextChoices):
    JUNIOR = "junior", _("初中 graduates")
    SECONDARY = "secondary", _("中职 students")
    ASSOCIATE = "associate", _("高职专科 students")
    SENIOR_HIGH = "senior_high", _("普通高中 graduates")


class RouteKind(models.Model):
    """One kind of progression route, with the rules a student needs to know."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=16)
    name_en = models.CharField(_("English name"), max_length=96)
    short_name_en = models.CharField(_("English short name"), max_length=24)
    admission = models.CharField(_("admission"), max_length=16, choices=Admission.choices)
    entry = models.CharField(_("who enters"), max_length=16, choices=Entry.choices)
    from_level = models.CharField(
        _("earlier stage level"),
        max_length=16,
        choices=Level.choices,
        blank=True,
        help_text=_("Blank when the route is entered straight from 初中."),
    )
    to_levels = models.CharField(
        _("later stage levels"),
        max_length=40,
        help_text=_("One or more levels separated by |, e.g. associate|bachelor."),
    )
    first_years = models.PositiveSmallIntegerField(
        _("years in the earlier stage"), null=True, blank=True, help_text=_("Blank: the earlier program's own years.")
    )
    second_years = models.PositiveSmallIntegerField(
        _("years in the later stage"), null=True, blank=True, help_text=_("Blank: the later program's own years.")
    )
    total_years = models.PositiveSmallIntegerField(_("total years"), null=True, blank=True)
    exam = models.CharField(_("exam or transfer assessment"), max_length=200)
    exam_en = models.CharField(_("exam (English)"), max_length=200, blank=True)
    exam_when = models.CharField(_("when"), max_length=64)
    exam_when_en = models.CharField(_("when (English)"), max_length=96, blank=True)
    on_failure = models.CharField(_("on failure"), max_length=200)
    on_failure_en = models.CharField(_("on failure (English)"), max_length=255, blank=True)
    same_specialty_required = models.BooleanField(_("no change of specialty"), default=True)
    summary = models.CharField(_("summary"), max_length=200)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    rules = models.TextField(_("rules, one per line"))
    rules_en = models.TextField(_("rules (English)"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("False where a rule still needs an official source.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("route kind")
        verbose_name_plural = _("route kinds")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_years__isnull=True)
                | Q(first_years__isnull=True)
                | Q(second_years__isnull=True)
                | Q(total_years=F("first_years") + F("second_years")),
                name="route_kind_years_add_up",
                violation_error_message=_("The stage years must add up to the total years."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def to_level_list(self) -> list[str]:
        return [part for part in self.to_levels.split("|") if part]

    @property
    def display_name(self) -> str:
        return bilingual(self, "name")

    @property
    def display_short_name(self) -> str:
        return bilingual(self, "short_name")

    @property
    def rule_lines(self) -> list[str]:
        return [line for line in bilingual(self, "rules").splitlines() if line.strip()]

    def clean(self) -> None:
        unknown = [part for part in self.to_level_list if part not in Level.values]
        if unknown or not self.to_level_list:
            raise ValidationError({"to_levels": _("Unknown level: %(levels)s") % {"levels": self.to_levels}})
        if (self.admission == Admission.DIRECT) != (not self.from_level):
            raise ValidationError({"from_level": _("Only a route entered straight from 初中 has no earlier level.")})


class SkillCategory(models.Model):
    """A 职教高考 skills category (科类): the skills test a 中职 student sits."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        verbose_name = _("skills category (科类)")
        verbose_name_plural = _("skills categories (科类)")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return bilingual(self, "name")


class SpecialtySkillCategory(models.Model):
    """The 科类 a 中职 specialty's students sit the 职教高考 in."""

    specialty = models.OneToOneField(
        Specialty, on_delete=models.CASCADE, related_name="skill_category_link", verbose_name=_("specialty")
    )
    category = models.ForeignKey(
        SkillCategory, on_delete=models.PROTECT, related_name="specialty_links", verbose_name=_("skills category")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialty"]
        verbose_name = _("specialty's skills category")
        verbose_name_plural = _("specialties' skills categories")

    def __str__(self) -> str:
        return f"{self.specialty} → {self.category}"

    def clean(self) -> None:
        if self.specialty_id and self.specialty.level != Level.SECONDARY:
            raise ValidationError({"specialty": _("Only 中职 specialties have a 职教高考 skills category.")})


class ExamBatch(models.TextChoices):
    """The admission batches of Chongqing's 中职类 高职分类考试 (职教高考)."""

    BACHELOR = "bachelor", _("应用型本科批 (applied undergraduate batch)")
    ASSOCIATE = "associate", _("高职对口专科批 (vocational college batch)")


CULTURE_FULL_MARKS = 300
SKILLS_FULL_MARKS = 450


class ExamCutoff(models.Model):
    """One year's minimum line of one 科类 in one batch: the culture score (of 300) and the skills score (of 450)."""

    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.CharField(_("batch"), max_length=16, choices=ExamBatch.choices)
    skill_category = models.ForeignKey(
        SkillCategory, on_delete=models.PROTECT, related_name="cutoffs", verbose_name=_("skills category (科类)")
    )
    culture_min = models.PositiveSmallIntegerField(_("culture line (of 300)"))
    skills_min = models.PositiveSmallIntegerField(
        _("skills line (of 450)"), null=True, blank=True, help_text=_("Empty where no single line is published.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "batch", "skill_category__position"]
        verbose_name = _("职教高考 cut-off line")
        verbose_name_plural = _("职教高考 cut-off lines")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "batch", "skill_category"],
                name="exam_cutoff_unique",
                violation_error_message=_("This 科类 already has a line for this year and batch."),
            ),
            models.CheckConstraint(
                condition=Q(culture_min__lte=CULTURE_FULL_MARKS)
                & (Q(skills_min__isnull=True) | Q(skills_min__lte=SKILLS_FULL_MARKS))
                & Q(year__gte=2000, year__lte=2100),
                name="exam_cutoff_in_range",
                violation_error_message=_("Lines are at most 300 (culture) and 450 (skills), in a year from 2000."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_batch_display()} {self.skill_category}"


class ArticulationQuerySet(models.QuerySet["Articulation"]):
    def flagged(self) -> ArticulationQuerySet:
        """Articulations an admin must look at: an archived program at either stage, or a partnership whose later
        specialty is not among the earlier specialty's 接续专业 (when the Ministry lists any at that level)."""
        follow_on = Specialty.follow_on.through.objects
        has_list = Exists(
            follow_on.filter(
                from_specialty=OuterRef("from_program__specialty"),
                to_specialty__level=OuterRef("to_program__specialty__level"),
            )
        )
        listed = Exists(
            follow_on.filter(
                from_specialty=OuterRef("from_program__specialty"), to_specialty=OuterRef("to_program__specialty")
            )
        )
        return self.filter(
            Q(from_program__status=ProgramStatus.ARCHIVED)
            | Q(to_program__status=ProgramStatus.ARCHIVED)
            | (Q(from_program__isnull=False) & has_list & ~listed)
        )

    def live(self) -> ArticulationQuerySet:
        """Articulations a student may be offered: every named program is published."""
        return self.filter(to_program__status=ProgramStatus.PUBLISHED).filter(
            Q(from_program__isnull=True) | Q(from_program__status=ProgramStatus.PUBLISHED)
        )


def _only_one_source() -> Q:
    return (
        Q(from_skill_category__isnull=True, from_class__isnull=True)
        | Q(from_program__isnull=True, from_class__isnull=True)
        | Q(from_program__isnull=True, from_skill_category__isnull=True)
    )


class Articulation(models.Model):
    """One link of a route: a later-stage program and who may enter it, under a route kind, for a year."""

    route = models.ForeignKey(
        RouteKind, on_delete=models.PROTECT, related_name="articulations", verbose_name=_("route")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    from_program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articulations_out",
        verbose_name=_("earlier program"),
    )
    from_skill_category = models.ForeignKey(
        SkillCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articulations",
        verbose_name=_("skills category (职教高考)"),
    )
    from_class = models.ForeignKey(
        SpecialtyClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upgrade_articulations",
        verbose_name=_("earlier 专业类 (专升本)"),
    )
    to_program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="articulations_in", verbose_name=_("later program")
    )
    quota = models.IntegerField(_("quota (places)"), null=True, blank=True)
    first_years = models.PositiveSmallIntegerField(_("years in the earlier stage"))
    second_years = models.PositiveSmallIntegerField(_("years in the later stage"))
    assessment = models.CharField(
        _("transfer assessment"), max_length=200, blank=True, help_text=_("Blank: the route kind's exam.")
    )
    assessment_when = models.CharField(_("when"), max_length=64, blank=True)
    on_failure = models.CharField(_("on failure"), max_length=200, blank=True)
    same_specialty_required = models.BooleanField(_("no change of specialty"), default=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Generated sample, not an official record.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = ArticulationQuerySet.as_manager()

    class Meta:
        ordering = ["route__position", "to_program__institution__name", "to_program__specialty__code"]
        verbose_name = _("articulation")
        verbose_name_plural = _("articulations")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_program__isnull=True) | ~Q(from_program=F("to_program")),
                name="articulation_not_to_itself",
                violation_error_message=_("A route cannot link a program to itself."),
            ),
            models.CheckConstraint(
                condition=_only_one_source(),
                name="articulation_one_source",
                violation_error_message=_("Name the earlier program, or the 科类, or the 专业类, not several."),
            ),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(quota__gte=0),
                name="articulation_quota_not_negative",
                violation_error_message=_("The quota cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(first_years__gte=1, first_years__lte=5, second_years__gte=1, second_years__lte=5),
                name="articulation_years_1_to_5",
                violation_error_message=_("Each stage lasts 1 to 5 years."),
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2000, academic_year__lte=2100),
                name="articulation_academic_year_range",
                violation_error_message=_("The academic year must be between 2000 and 2100."),
            ),
            models.UniqueConstraint(
                fields=["route", "academic_year", "from_program", "to_program"],
                condition=Q(from_program__isnull=False),
                name="articulation_unique_partnership",
                violation_error_message=_("These two programs are already linked by this route in this year."),
            ),
            models.UniqueConstraint(
                fields=["route", "academic_year", "from_skill_category", "to_program"],
                condition=Q(from_skill_category__isnull=False),
                name="articulation_unique_skills_exam",
                violation_error_message=_("This program already admits this 科类 by this route in this year."),
            ),
            models.UniqueConstraint(
                fields=["route", "academic_year", "from_class", "to_program"],
                condition=Q(from_class__isnull=False),
                name="articulation_unique_upgrade",
                violation_error_message=_("This program already admits this 专业类 by this route in this year."),
            ),
            models.UniqueConstraint(
                fields=["route", "academic_year", "to_program"],
                condition=Q(from_program__isnull=True, from_skill_category__isnull=True, from_class__isnull=True),
                name="articulation_unique_direct",
                violation_error_message=_("This program already has this route in this year."),
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "route"])]

    def __str__(self) -> str:
        return f"{self.route.short_name}: {self.source_label} → {self.to_program}"

    @property
    def source_label(self) -> str:
        if self.from_program_id:
            return str(self.from_program)
        if self.from_skill_category_id:
            return str(self.from_skill_category)
        if self.from_class_id:
            return str(self.from_class)
        return str(_("初中 graduates"))

    @property
    def total_years(self) -> int:
        return self.first_years + self.second_years

    @property
    def flag_reasons(self) -> list[str]:
        """Why an admin must look at this articulation; empty when all is well."""
        reasons = []
        for label, program in ((_("earlier"), self.from_program), (_("later"), self.to_program)):
            if program is not None and program.status == ProgramStatus.ARCHIVED:
                reasons.append(
                    str(_("The %(stage)s program %(program)s is archived.") % {"stage": label, "program": program})
                )
        if reason := self.follow_on_warning:
            reasons.append(reason)
        return reasons

    @property
    def follow_on_warning(self) -> str:
        """A warning, not a refusal: the later specialty is not among the earlier one's 接续专业 at its level."""
        if self.from_program is None or self.to_program is None:
            return ""
        later = self.to_program.specialty
        listed = [s for s in self.from_program.specialty.follow_on.all() if s.level == later.level]
        if not listed or later in listed:
            return ""
        return str(
            _("%(later)s is not among the follow-on specialties (接续专业) the Ministry lists for %(earlier)s.")
            % {"later": self.to_program.specialty.name, "earlier": self.from_program.specialty.name}
        )

    def clean(self) -> None:
        if self.route_id and self.to_program_id:
            validation.articulation_check(articulation=self)
