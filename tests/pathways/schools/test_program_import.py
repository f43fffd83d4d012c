"""A school's own programs from its spreadsheet: the template, a preview that names every bad row by its file line,
then one all-or-nothing write (issue 16)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pathways.models import StaffRole
from pathways.schools.services import staff_account_create
from programs.models import Institution, Program, ProgramStatus

pytestmark = pytest.mark.django_db
HEADER = "专业代码,学年,招生名额,学费（元/年）,校区所在区县\n"


@pytest.fixture
def school() -> Institution:
    return Institution.objects.get(name="奉节职业教育中心")


def admin_of(school: Institution, username: str) -> Client:
    root = User.objects.create_superuser(f"root_{username}", password="x")
    user = staff_account_create(
        school=school, username=username, role=StaffRole.SCHOOL_ADMIN, display_name="", created_by=root
    ).user
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content: bytes, name: str = "programs.csv"):
    return client.post(
        reverse("pathways:school_programs"),
        {"action": "preview", "file": SimpleUploadedFile(name, content)},
    )


def test_the_templates_download_and_read_back_as_a_clean_preview(school: Institution) -> None:
    client = admin_of(school, "tpl_admin")
    csv_file = client.get(reverse("pathways:school_programs_template", args=["csv"]))
    assert csv_file.content.startswith("\ufeff专业代码".encode())
    xlsx = client.get(reverse("pathways:school_programs_template", args=["xlsx"])).content
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).active["A1"].value == "专业代码"
    for content, name in ((csv_file.content, "t.csv"), (xlsx, "t.xlsx")):
        response = upload(client, content, name)
        assert response.status_code == 200 and response.context["preview"].ok, name
        assert [r.line for r in response.context["preview"].rows] == [2, 3]


def test_every_bad_row_of_a_gbk_file_is_reported_with_its_line_and_nothing_is_written(school: Institution) -> None:
    client = admin_of(school, "gbk_admin")
    before = Program.objects.count()
    text = (
        HEADER
        + "700206,2026,50,3200,奉节县\n700206,2026,一百,3200,\n999999,2026,,,\n"
        + "700206,2026,40,,\n660301,2026,10,,火星区\n"
    )
    response = upload(client, text.encode("gb18030"))
    assert response.status_code == 400
    errors = response.context["preview"].errors
    page = response.content.decode()
    assert any(e.startswith("第 3 行") and "“一百”" in e and "整数" in e for e in errors), errors
    assert any(e.startswith("第 4 行") and "999999" in e for e in errors)
    assert any(e.startswith("第 5 行") and "第 2 行" in e for e in errors)  # the same specialty and year twice
    assert any(e.startswith("第 6 行") and "火星区" in e for e in errors)
    assert "第 3 行" in page and 'name="payload"' not in page  # nothing to confirm
    assert Program.objects.count() == before


def test_confirm_writes_published_real_programs_and_a_second_import_changes_nothing(school: Institution) -> None:
    client = admin_of(school, "ok_admin")
    text = HEADER + "700206,2027,45,3300,奉节县\n"
    response = upload(client, text.encode("utf-8"))
    assert [r.action for r in response.context["preview"].rows] == ["new"]
    payload = response.context["payload"]
    assert not Program.objects.filter(institution=school, academic_year=2027).exists()  # a preview writes nothing
    done = client.post(reverse("pathways:school_programs"), {"action": "confirm", "payload": payload}, follow=True)
    program = Program.objects.get(institution=school, specialty__code="700206", academic_year=2027)
    assert (program.quota, program.tuition, program.campus_district) == (45, 3300, "奉节县")
    assert program.status == ProgramStatus.PUBLISHED and not program.is_sample
    assert "ok_admin" in program.quota_source
    assert re.search("1 个新增", done.content.decode()) or "1 new" in done.content.decode()
    again = upload(client, text.encode("utf-8"))
    assert [r.action for r in again.context["preview"].rows] == ["unchanged"]


def test_a_changed_or_borrowed_preview_is_refused(school: Institution) -> None:
    client = admin_of(school, "mine_admin")
    payload = upload(client, (HEADER + "700206,2028,45,,\n").encode()).context["payload"]
    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    client.post(reverse("pathways:school_programs"), {"action": "confirm", "payload": tampered})
    other = admin_of(Institution.objects.exclude(pk=school.pk).filter(kind=school.kind).first(), "other_admin")
    other.post(reverse("pathways:school_programs"), {"action": "confirm", "payload": payload})
    assert not Program.objects.filter(academic_year=2028, specialty__code="700206").exists()


def test_only_a_school_administrator_reaches_the_import(school: Institution) -> None:
    student = User.objects.create_user("plain", password="x")
    client = Client()
    client.force_login(student)
    assert client.get(reverse("pathways:school_programs")).status_code == 404
    assert client.get(reverse("pathways:school_programs_template", args=["csv"])).status_code == 404
