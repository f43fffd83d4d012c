"""Articulation import and export in the admin: preview, all-or-nothing, per-row errors, XLSX."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from pathways.models import Articulation
from tests.pathways.conftest import YEAR, World

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
HEADER = [
    "route",
    "academic_year",
    "from_institution",
    "from_specialty_code",
    "skill_category",
    "from_class_code",
    "to_institution",
    "to_specialty_code",
    "quota",
    "first_years",
    "second_years",
    "same_specialty_required",
    "is_sample",
    "source",
]
URL = "/admin/pathways/articulation/"


def csv_of(*rows: list[object]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(client: Client, name: str, content: bytes, fmt: str = CSV) -> str:
    response = client.post(f"{URL}import/", {"import_file": SimpleUploadedFile(name, content), "format": fmt})
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, preview_html: str) -> None:
    fields = dict(
        re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', preview_html)
    )
    assert client.post(f"{URL}process_import/", fields).status_code == 302


GOOD = ["3-2", YEAR, "甲中职", "710201", "", "", "丙学院", "510202", 45, 3, 2, "True", "False", "2030 合作协议"]


def test_import_previews_then_writes_an_articulation(small_city: World, curator_client: Client) -> None:
    preview = upload(curator_client, "links.csv", csv_of(GOOD))
    assert "510202" in preview
    assert not Articulation.objects.filter(to_program=small_city.q2, from_program=small_city.p1).exists()  # dry run
    confirm(curator_client, preview)
    link = Articulation.objects.get(to_program=small_city.q2, from_program=small_city.p1)
    assert (link.quota, link.route.code, link.source) == (45, "3-2", "2030 合作协议")
    assert link.history.latest().history_user.username == "curator_chen"


def test_an_import_with_one_bad_row_reports_it_and_writes_nothing(small_city: World, curator_client: Client) -> None:
    years_wrong = [*GOOD[:7], "510201", 45, 3, 3, *GOOD[11:]]  # an update of the existing 3+2 link P1 → Q1
    unknown_program = [*GOOD[:6], "丙学院", "999999", *GOOD[8:]]
    unknown_route = ["7+1", *GOOD[1:]]
    downhill = ["3-2", YEAR, "丙学院", "510201", "", "", "甲中职", "710201", 10, 3, 2, "True", "False", ""]
    before = Articulation.objects.count()
    html = upload(curator_client, "links.csv", csv_of(GOOD, years_wrong, unknown_program, unknown_route, downhill))
    assert "未知专业点：丙学院 在 2030 学年没有开设 999999。" in html
    assert "未知的升学途径：7+1" in html
    assert "这一条加起来是 6 年（3 + 3）" in html
    assert "阶段层次必须逐级上升" in html and "这条衔接会形成循环" in html
    assert "process_import" not in html  # no confirm button on a file with errors
    assert Articulation.objects.count() == before
    assert Articulation.objects.get(pk=small_city.three_two.pk).second_years == 2


def test_the_same_articulation_twice_in_one_file_is_refused(small_city: World, curator_client: Client) -> None:
    html = upload(curator_client, "links.csv", csv_of(GOOD, GOOD))
    assert "与第 1 行重复" in html
    assert "process_import" not in html
    assert not Articulation.objects.filter(to_program=small_city.q2, from_program=small_city.p1).exists()


def test_xlsx_import_of_an_open_exam_row(small_city: World, curator_client: Client) -> None:
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(
        ["skills-exam", YEAR, "", "", "computing", "", "丙学院", "510201", 12, 3, 3, "False", "False", "x"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    confirm(curator_client, upload(curator_client, "links.xlsx", buffer.getvalue(), fmt=XLSX))
    link = Articulation.objects.get(to_program=small_city.q1, route__code="skills-exam")
    assert link.from_skill_category.code == "computing" and link.from_program is None


def test_export_names_programs_by_school_and_code_and_flags_archived_ones(
    small_city: World, curator_client: Client
) -> None:
    small_city.r1.status = "archived"
    small_city.r1.save()
    columns = ["route", "academic_year", "from_institution", "from_program", "to_institution", "to_program", "flag"]
    response = curator_client.post(
        f"{URL}export/?academic_year__exact={YEAR}",
        {"format": XLSX, **{f"articulationresource_{c}": "on" for c in columns}},
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("route", "academic_year", "from_institution", "from_specialty_code")
    assert len(rows) == 6  # the header and the five 2030 articulations
    three_four = next(r for r in rows if r[0] == "3-4")
    assert three_four[2:6] == ("甲中职", "710201", "丁大学", "310201")
    assert three_four[6]  # the flag says the later program is archived
