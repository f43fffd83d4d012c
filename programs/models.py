"""The catalog: specialties at three levels, institutions, programs, outcomes and industries.

Codes follow 《职业教育专业目录（2021年）》: a 6-digit specialty code is a 2-digit 专业大类, a 2-digit 专业类
and 2 more digits, with an optional K for nationally controlled specialties. 大类 ranges are
61-79 for 中职, 41-59 for 高职专科 and 21-39 for 职业本科.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise as StrPromise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.districts import DISTRICT_CHOICES


class Level(models.TextChoices):
    SECONDARY = "secondary", _("Secondary vocational (中职)")
    ASSOCIATE = "associate", _("Higher vocational associate (高职专科)")
    BACHELOR = "bachelor", _("Vocational bachelor (职业本科)")


DEFAULT_YEARS: dict[str, int] = {Level.SECONDARY: 3, Level.ASSOCIATE: 3, Level.BACHELOR: 4}

# 大类 (first two digits) ranges per level, as regular expressions over the code.
CATEGORY_PATTERNS = {
    Level.SECONDARY: r"^(6[1-9]|7[0-9])",
    Level.ASSOCIATE: r"^(4[1-9]|5[0-9])",
    Level.BACHELOR: r"^(2[1-9]|3[0-9])",
}


def _code_matches_level(suffix: str) -> Q:
    """One Q over the three levels: the code's leading 大类 digits fit its level."""
    q = Q()
    for level, prefix in CATEGORY_PATTERNS.items():
        q |= Q(level=level, code__regex=prefix + suffix)
    return q


def level_for_code(code: str) -> str | None:
    """The level a 2-, 4- or 6-digit catalog code belongs to, from its 大类 digits."""
    if len(code) < 2 or not code[:2].isdigit():
        return None
    first = int(code[:2])
    for level, (low, high) in {
        Level.SECONDARY: (61, 79),
        Level.ASSOCIATE: (41, 59),
        Level.BACHELOR: (21, 39),
    }.items():
        if low <= first <= high:
            return level
    return None


class Category(models.Model):
    """专业大类."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty category (专业大类)")
        verbose_name_plural = _("specialty categories (专业大类)")
        constraints = [
            models.CheckConstraint(
                condition=_code_matches_level(r"$"),
                name="category_code_fits_level",
                violation_error_message=_("The 大类 code does not fit its level."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SpecialtyClass(models.Model):
    """专业类."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="classes")
    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty class (专业类)")
        verbose_name_plural = _("specialty classes (专业类)")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"),
                name="class_code_is_4_digits",
                violation_error_message=_("A 专业类 code has 4 digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> str:
        return self.category.level

    def clean(self) -> None:
        if self.category_id and not self.code.startswith(self.category.code):
            raise ValidationError({"code": _("A 专业类 code must start with its 大类 code.")})


class ProfileStatus(models.TextChoices):
    """Whether the Ministry's 专业简介 (2022) gives this specialty a profile, and if not, why."""

    NONE = "", _("not loaded")
    LOADED = "loaded", _("loaded from the Ministry's text")
    OMITTED = "omitted", _("omitted in the Ministry's text (略)")
    NO_FILE = "no_file", _("the Ministry's file for its 专业类 is missing")
    NOT_FOUND = "not_found", _("not found in its 专业类's file")
    ADDITION = "addition", _("added to the catalog after the 2022 profiles")


class SpecialtyQuerySet(models.QuerySet["Specialty"]):
    def at_level(self, level: str) -> SpecialtyQuerySet:
        return self.filter(level=level)

    def search(self, text: str) -> SpecialtyQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(code__startswith=text))


class Specialty(models.Model):
    """专业: one entry of the national catalog at one level."""

    specialty_class = models.ForeignKey(
        SpecialtyClass, on_delete=models.PROTECT, related_name="specialties", verbose_name=_("专业类")
    )
    # Denormalised from the class so the database can check the code against it.
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    code = models.CharField(_("code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=64, db_index=True)
    years = models.PositiveSmallIntegerField(_("years of study"))
    occupations = models.TextField(_("target occupations (职业面向)"), blank=True)
    training_goals = models.TextField(_("training goals"), blank=True)
    abilities = models.TextField(_("main abilities (主要专业能力要求)"), blank=True)
    courses = models.TextField(_("main courses and practical training (主要专业课程与实习实训)"), blank=True)
    certificates = models.TextField(_("certificates"), blank=True)
    follow_on_undergraduate = models.TextField(
        _("follow-on general undergraduate specialties (接续普通本科专业举例)"),
        blank=True,
        help_text=_("Names only: the general undergraduate catalog is not part of this one."),
    )
    profile_status = models.CharField(
        _("profile (专业简介)"), max_length=16, choices=ProfileStatus.choices, default=ProfileStatus.NONE
    )
    profile_source = models.CharField(_("profile source"), max_length=128, blank=True)
    follow_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="preceded_by",
        verbose_name=_("follow-on specialties (接续专业)"),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    added_in = models.PositiveSmallIntegerField(
        _("added to the catalog in"),
        null=True,
        blank=True,
        help_text=_("Empty for the 2021 catalog; the year of a later addition (增补) where known."),
    )
    is_addition = models.BooleanField(_("later addition (增补)"), default=False)
    addition_verified = models.BooleanField(
        _("addition checked against the Ministry's notice"),
        default=False,
        help_text=_("Additions come from a secondary compilation and show 待核实 until an admin checks them."),
    )
    history = HistoricalRecords(m2m_fields=[follow_on])

    objects = SpecialtyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty (专业)")
        verbose_name_plural = _("specialties (专业)")
        constraints = [
            models.CheckConstraint(
                condition=_code_matches_level(r"[0-9]{4}K?$"),
                name="specialty_code_fits_level",
                violation_error_message=_(
                    "The specialty code does not fit its level: 中职 codes start 61-79, "
                    "高职专科 41-59 and 职业本科 21-39, then 4 digits and an optional K."
                ),
            ),
            models.CheckConstraint(
                condition=Q(years__gte=2, years__lte=5),
                name="specialty_years_2_to_5",
                violation_error_message=_("Years of study must be between 2 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_controlled(self) -> bool:
        """K codes are nationally controlled specialties (国家控制专业), such as nursing."""
        return self.code.endswith("K")

    @property
    def category(self) -> Category:
        return self.specialty_class.category

    def clean(self) -> None:
        errors: dict[str, str | StrPromise] = {}
        code_level = level_for_code(self.code)
        if code_level and self.level and code_level != self.level:
            errors["code"] = _("Code %(code)s is a %(code_level)s code, not %(level)s.") % {
                "code": self.code,
                "code_level": Level(code_level).label,
                "level": Level(self.level).label,
            }
        elif self.specialty_class_id:
            if not self.code.startswith(self.specialty_class.code):
                errors["code"] = _("Code %(code)s does not start with its 专业类 code %(class)s.") % {
                    "code": self.code,
                    "class": self.specialty_class.code,
                }
            if self.level and self.specialty_class.category.level != self.level:
                errors["level"] = _("The level must match the 专业类's level.")
        if errors:
            raise ValidationError(errors)


class InstitutionKind(models.TextChoices):
    SECONDARY = "secondary", _("Secondary vocational school (中职)")
    ASSOCIATE = "associate", _("Higher vocational college (高职专科)")
    VOCATIONAL_BACHELOR = "vocational_bachelor", _("Vocational university (职业本科)")
    GENERAL_BACHELOR = "general_bachelor", _("University (普通本科)")


# Which specialty levels each kind of institution may run.
LEVELS_BY_KIND: dict[str, set[str]] = {
    InstitutionKind.SECONDARY: {Level.SECONDARY},
    InstitutionKind.ASSOCIATE: {Level.ASSOCIATE},
    InstitutionKind.VOCATIONAL_BACHELOR: {Level.ASSOCIATE, Level.BACHELOR},
    InstitutionKind.GENERAL_BACHELOR: {Level.ASSOCIATE, Level.BACHELOR},
}


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public (公办)")
    PRIVATE = "private", _("Private (民办)")


class InstitutionTag(models.Model):
    """A label such as 双高 or 国家示范."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution tag")
        verbose_name_plural = _("institution tags")

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    moe_code = models.CharField(_("MOE code"), max_length=10, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=InstitutionKind.choices, db_index=True)
    district = models.CharField(
        _("district"),
        max_length=16,
        choices=DISTRICT_CHOICES,
        blank=True,
        db_index=True,
        help_text=_("Blank where the main campus's district is not yet confirmed."),
    )
    ownership = models.CharField(_("ownership"), max_length=8, choices=Ownership.choices)
    authority = models.CharField(_("authority (主管部门)"), max_length=32, blank=True)
    tags = models.ManyToManyField(InstitutionTag, blank=True, related_name="institutions", verbose_name=_("tags"))
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Generated sample, not an official record.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(moe_code__isnull=True) | Q(moe_code__regex=r"^[0-9]{10}$"),
                name="institution_moe_code_10_digits",
                violation_error_message=_("An MOE institution code has 10 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ProgramQuerySet(models.QuerySet["Program"]):
    def published(self) -> ProgramQuerySet:
        return self.filter(status=ProgramStatus.PUBLISHED)

    def search(self, text: str) -> ProgramQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(specialty__name__icontains=text)
            | Q(specialty__code__startswith=text)
            | Q(institution__name__icontains=text)
        )


class Program(models.Model):
    """专业点: one specialty run by one institution in one academic year."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="programs", verbose_name=_("institution")
    )
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="programs", verbose_name=_("specialty")
    )
    academic_year = models.PositiveSmallIntegerField(
        _("academic year"), help_text=_("The year the academic year starts, e.g. 2025 for 2025-2026.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT, db_index=True
    )
    quota = models.IntegerField(_("quota (招生计划)"), null=True, blank=True)
    quota_source = models.CharField(_("quota source"), max_length=128, blank=True)
    tuition = models.IntegerField(_("tuition (yuan per year)"), null=True, blank=True)
    tuition_source = models.CharField(_("tuition source"), max_length=128, blank=True)
    campus_district = models.CharField(
        _("campus district"),
        max_length=16,
        blank=True,
        choices=DISTRICT_CHOICES,
        help_text=_("Where the program is taught, when not at the main campus's district."),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Generated sample, not an official record.")
    )
    history = HistoricalRecords()

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["institution__name", "specialty__code"]
        verbose_name = _("program (专业点)")
        verbose_name_plural = _("programs (专业点)")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "specialty", "academic_year"],
                name="program_unique_per_institution_specialty_year",
                violation_error_message=_("This institution already runs this specialty in this academic year."),
            ),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(quota__gte=0),
                name="program_quota_not_negative",
                violation_error_message=_("The quota cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(tuition__isnull=True) | Q(tuition__gte=0),
                name="program_tuition_not_negative",
                violation_error_message=_("The tuition cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2000, academic_year__lte=2100),
                name="program_academic_year_range",
                violation_error_message=_("The academic year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["status", "specialty"]), models.Index(fields=["academic_year"])]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.specialty.name} ({self.academic_year})"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}-{self.academic_year + 1}"

    def clean(self) -> None:
        if self.institution_id and self.specialty_id:
            allowed = LEVELS_BY_KIND.get(self.institution.kind, set())
            if self.specialty.level not in allowed:
                raise ValidationError(
                    {
                        "specialty": _("%(institution)s (%(kind)s) cannot run a %(level)s specialty.")
                        % {
                            "institution": self.institution.name,
                            "kind": self.institution.get_kind_display(),
                            "level": self.specialty.get_level_display(),
                        }
                    }
                )


class OutcomeMetric(models.TextChoices):
    EMPLOYMENT_RATE = "employment_rate", _("Employment rate (%)")
    MATCH_RATE = "match_rate", _("Work in field (对口率, %)")
    STARTING_SALARY = "starting_salary", _("Starting salary (yuan per month)")
    CONTINUATION_RATE = "continuation_rate", _("Continuing to a higher stage (%)")


RATE_METRICS = [OutcomeMetric.EMPLOYMENT_RATE, OutcomeMetric.MATCH_RATE, OutcomeMetric.CONTINUATION_RATE]


class ProgramOutcome(models.Model):
    """One graduate-outcome figure of a program, with its source and year."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(_("metric"), max_length=24, choices=OutcomeMetric.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=1)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The graduating year the figure describes."))
    source = models.CharField(_("source"), max_length=255)
    is_sample = models.BooleanField(_("sample data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "metric", "-year"]
        verbose_name = _("program outcome")
        verbose_name_plural = _("program outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "metric", "year"],
                name="outcome_unique_per_program_metric_year",
                violation_error_message=_("This program already has this figure for this year."),
            ),
            models.CheckConstraint(
                condition=Q(metric=OutcomeMetric.STARTING_SALARY, value__gte=0)
                | Q(metric__in=RATE_METRICS, value__gte=0, value__lte=100),
                name="outcome_value_in_range",
                violation_error_message=_("Rates run from 0 to 100 and salaries cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.value} ({self.year})"


class ClusterTier(models.TextChoices):
    LEADING = "leading", _("Leading cluster (万亿级主导产业)")
    PILLAR = "pillar", _("Pillar cluster (五千亿级支柱产业)")
    DISTINCTIVE = "distinctive", _("Distinctive cluster (千亿级特色优势产业)")
    NEW_STAR = "new_star", _("New-star cluster (新星产业集群)")
    SERVICE = "service", _("Service sector")
    OTHER = "other", _("Other sector")


class GBIndustry(models.Model):
    """An entry of GB/T 4754-2017: 门类 (letter), 大类 (2 digits), 中类 (3) or 小类 (4)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=128)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    remark = models.TextField(_("remark"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("GB/T 4754-2017 industry")
        verbose_name_plural = _("GB/T 4754-2017 industries")
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, code__regex=r"^[A-T]$")
                | Q(level=2, code__regex=r"^[0-9]{2}$")
                | Q(level=3, code__regex=r"^[0-9]{3}$")
                | Q(level=4, code__regex=r"^[0-9]{4}$"),
                name="gb_industry_code_fits_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustryCluster(models.Model):
    """A cluster of Chongqing's 33618 system, or a service sector the product tracks."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=96)
    tier = models.CharField(_("tier"), max_length=16, choices=ClusterTier.choices, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("False where the name or tier still needs an official source.")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    gb_industries = models.ManyToManyField(
        GBIndustry, blank=True, related_name="clusters", verbose_name=_("GB/T 4754-2017 codes")
    )
    history = HistoricalRecords(m2m_fields=[gb_industries])

    class Meta:
        ordering = ["position"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The English name on English pages (where one is kept), the Chinese name otherwise."""
        if (get_language() or "").startswith("en"):
            return self.name_en or self.name
        return self.name

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, name in the active language) for a filter's options, in the clusters' order."""
        english = (get_language() or "").startswith("en")
        rows = cls.objects.order_by("position").values_list("code", "name", "name_en")
        return [(code, (name_en or name) if english else name) for code, name, name_en in rows]


class SpecialtyIndustry(models.Model):
    """How strongly a specialty feeds an industry cluster (0 < weight <= 1)."""

    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="industry_links")
    cluster = models.ForeignKey(IndustryCluster, on_delete=models.CASCADE, related_name="specialty_links")
    weight = models.DecimalField(_("weight"), max_digits=3, decimal_places=2)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialty", "-weight"]
        verbose_name = _("specialty-industry link")
        verbose_name_plural = _("specialty-industry links")
        constraints = [
            models.UniqueConstraint(
                fields=["specialty", "cluster"],
                name="specialty_industry_unique",
                violation_error_message=_("This specialty is already linked to this cluster."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=1),
                name="specialty_industry_weight_0_1",
                violation_error_message=_("The weight must be above 0 and at most 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialty} → {self.cluster} ({self.weight})"


class Occupation(models.Model):
    """职业: one occupation of 中华人民共和国职业分类大典 (2022), by its code (e.g. 6-18-01-01)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=128)
    ocr_name = models.CharField(
        _("name in the OCR'd code list"),
        max_length=128,
        blank=True,
        help_text=_("Kept where the OCR'd list of 2022 codes gives another name; the mapping table's name is used."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation (职业)")
        verbose_name_plural = _("occupations (职业)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SpecialtyOccupation(models.Model):
    """What graduates of a specialty can do: 人社部's specialty–occupation table (2023, for reference)."""

    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="occupation_links")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="specialty_links")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["specialty", "position"]
        verbose_name = _("specialty-occupation link")
        verbose_name_plural = _("specialty-occupation links")
        constraints = [
            models.UniqueConstraint(
                fields=["specialty", "occupation"],
                name="specialty_occupation_unique",
                violation_error_message=_("This specialty is already linked to this occupation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.specialty} → {self.occupation}"
