"""The school administrator's forms: a class, a counselor account, who teaches which class."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=64, help_text=_("e.g. 2026级 汽修1班"))
    academic_year = forms.IntegerField(label=_("Academic year"), min_value=2000, max_value=2100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["academic_year"].initial = timezone.localdate().year


class CounselorForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. The counselor signs in with it."),
    )
    display_name = forms.CharField(
        label=_("Name shown to students"), max_length=64, required=False, help_text=_("e.g. 王老师")
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_(
            "Only where the installation sends email: then the counselor can also reset the password by email."
        ),
    )


class ProgramsFileForm(forms.Form):
    file = forms.FileField(
        label=_("Programs file (CSV or XLSX)"),
        help_text=_("One row per specialty and year: 专业代码, 学年, 招生名额, 学费（元/年）, 校区所在区县."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
