"""Admin curation: access, CSV/XLSX import with dry-run preview and all-or-nothing, export, history, actions."""

from __future__ import annotations

import csv as csv_module
import io
import re

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from programs.models import Institution, Program, ProgramStatus, Specialty, SpecialtyIndustry
from programs.resources import ProgramResource

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # indexes of settings.IMPORT_EXPORT_FORMATS
PROGRAM_HEADER = "institution,specialty_code,academic_year,status,quota,quota_source,tuition,tuition_source,is_sample\n"


def upload(client: Client, model: str, name: str, content: bytes, fmt: str = CSV) -> str:
    response = client.post(
        f"/admin/programs/{model}/import/",
        {"import_file": SimpleUploadedFile(name, content), "format": fmt},
    )
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, model: str, preview_html: str) -> None:
    """Post the confirm form the preview page rendered (the second step of an admin import)."""
    fields = dict(
        re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', preview_html)
    )
    response = client.post(f"/admin/programs/{model}/process_import/", fields)
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/programs/program/", "/admin/programs/program/import/"])
def test_a_non_staff_user_is_refused_by_the_admin(student_wang: User, path: str) -> None:
    client = Client()
    client.force_login(student_wang)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_curator_browses_programs_with_filters(curator_client: Client) -> None:
    response = curator_client.get(
        "/admin/programs/program/", {"status__exact": "archived", "institution__district": "万州区"}
    )
    assert response.status_code == 200
    expected = Program.objects.filter(status="archived", institution__district="万州区").count()
    assert f"{expected} " in response.content.decode()


def test_import_previews_then_writes_and_records_who_did_it(curator_client: Client, curator_chen: User) -> None:
    content = (PROGRAM_HEADER + "奉节职业教育中心,610101,2026,draft,45,县教委 2026 计划,0,政策免学费,False\n").encode()
    preview = upload(curator_client, "program", "programs.csv", content)
    assert "610101" in preview
    assert not Program.objects.filter(academic_year=2026, specialty__code="610101").exists()  # dry run
    confirm(curator_client, "program", preview)
    program = Program.objects.get(academic_year=2026, specialty__code="610101", institution__name="奉节职业教育中心")
    assert program.quota == 45 and program.is_sample is False
    assert program.history.latest().history_user == curator_chen


def test_an_import_with_bad_rows_reports_each_and_writes_nothing(curator_client: Client) -> None:
    content = (
        PROGRAM_HEADER
        + "奉节职业教育中心,610101,2026,draft,45,,,,False\n"  # good
        + "奉节职业教育中心,999999,2026,draft,45,,,,False\n"  # unknown specialty code
        + "奉节职业教育中心,610102,2026,draft,-3,,,,False\n"  # negative quota
        + "奉节职业教育中心,610101,2026,draft,50,,,,False\n"  # duplicate of row 1
        + "奉节职业教育中心,520201,2026,draft,50,,,,False\n"  # level does not fit a 中职 school
    ).encode()
    before = Program.objects.count()
    html = upload(curator_client, "program", "programs.csv", content)
    assert "999999" in html
    assert "招生计划不能为负数" in html
    assert "重复" in html
    assert "不能开设" in html
    assert "process_import" not in html  # no confirm button on a file with errors
    assert Program.objects.count() == before


def test_the_resource_rolls_back_a_file_with_one_bad_row() -> None:
    data = tablib.Dataset(headers=PROGRAM_HEADER.strip().split(","))
    data.append(["奉节职业教育中心", "610101", "2026", "draft", "45", "", "", "", "False"])
    data.append(["不存在的学校", "610102", "2026", "draft", "45", "", "", "", "False"])
    result = ProgramResource().import_data(data, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Program.objects.filter(academic_year=2026).exists()


def test_an_xlsx_import_of_specialties_updates_the_profile(curator_client: Client) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["code", "name", "level", "class_code", "years", "occupations", "training_goals", "certificates", "source"]
    )
    sheet.append(
        [
            "520201",
            "护理",
            "associate",
            "5202",
            3,
            "内科护士、外科护士、社区护士",
            "培养护理人才",
            "护士执业资格",
            "test",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(curator_client, "specialty", "specialties.xlsx", buffer.getvalue(), fmt=XLSX)
    confirm(curator_client, "specialty", preview)
    nursing = Specialty.objects.get(code="520201")
    assert nursing.occupations.startswith("内科护士")
    assert nursing.history.latest().prev_record.occupations.startswith(
        "面向"
    )  # the Ministry's 职业面向, kept in history


def test_a_specialty_import_with_a_wrong_level_code_is_refused(curator_client: Client) -> None:
    content = "code,name,level,class_code,years\n410199,错层专业,secondary,6101,3\n".encode()
    html = upload(curator_client, "specialty", "s.csv", content)
    assert "代码 410199 属于高职专科，而不是中职" in html
    assert not Specialty.objects.filter(code="410199").exists()


def test_industry_links_and_institutions_export_as_csv(curator_client: Client) -> None:
    response = curator_client.post(
        "/admin/programs/specialtyindustry/export/",
        {
            "format": CSV,
            **{f"specialtyindustryresource_{f}": "on" for f in ["specialty", "cluster", "weight", "source"]},
        },
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "specialty_code,cluster_code,weight,source"
    assert len(text.splitlines()) == SpecialtyIndustry.objects.count() + 1
    response = curator_client.post(
        "/admin/programs/institution/export/",
        {"format": CSV, **{f"institutionresource_{f}": "on" for f in ["name", "kind", "district"]}},
    )
    assert "重庆电子科技职业大学,vocational_bachelor,沙坪坝区" in response.content.decode("utf-8-sig")


def test_publish_and_archive_actions_change_status_with_history(curator_client: Client, curator_chen: User) -> None:
    drafts = list(Program.objects.filter(status=ProgramStatus.DRAFT).values_list("pk", flat=True)[:3])
    response = curator_client.post(
        "/admin/programs/program/", {"action": "publish", "_selected_action": drafts}, follow=True
    )
    assert "3 个专业点已发布" in response.content.decode()
    assert Program.objects.filter(pk__in=drafts, status=ProgramStatus.PUBLISHED).count() == 3
    curator_client.post("/admin/programs/program/", {"action": "archive", "_selected_action": drafts[:1]})
    archived = Program.objects.get(pk=drafts[0])
    assert archived.status == ProgramStatus.ARCHIVED
    last = archived.history.latest()
    assert last.history_user == curator_chen and last.history_change_reason == "admin 归档"
    assert [h.status for h in archived.history.all()[:3]] == ["archived", "published", "draft"]


def test_an_edit_in_the_admin_keeps_before_and_after(curator_client: Client) -> None:
    inst = Institution.objects.get(name="重庆三峡职业学院")
    response = curator_client.get(f"/admin/programs/institution/{inst.pk}/history/")
    assert response.status_code == 200
    inst.district = "开州区"
    inst.save()
    diff = inst.history.latest().diff_against(inst.history.latest().prev_record)
    assert [(c.field, c.old, c.new) for c in diff.changes] == [("district", "万州区", "开州区")]


def test_import_problems_are_told_in_words_by_file_line_all_in_one_pass(curator_client: Client) -> None:
    content = (
        PROGRAM_HEADER
        + "奉节职业教育中心,610101,2026,draft,45,,,,False\n"  # line 2: good
        + "奉节职业教育中心,610102,2026,draft,一百,,,,False\n"  # line 3
        + "奉节职业教育中心,999999,2026,draft,45,,,,False\n"  # line 4
        + "奉节职业教育中心,610103,20x6,draft,5,,,,False\n"  # line 5: a key column
        + "奉节职业教育中心,610104,2026,draft,5,,abc,,False\n"  # line 6
    ).encode()
    before = Program.objects.count()
    html = upload(curator_client, "program", "programs.csv", content)
    assert "第 3 行：招生计划必须是整数（“一百”）" in html
    assert "第 4 行：未知的专业代码：999999" in html
    assert "第 5 行：学年必须是整数（“20x6”）" in html
    assert "第 6 行：" in html and "（“abc”）" in html
    problems = html.split('<ul class="import-problems">')[1].split("</ul>")[0]
    assert problems.count("<li>") == 4 and "第 2 行" not in problems and "class" not in problems
    assert "文件中有 4 行有问题" in html and 'class="import-table-wrap"' in html
    assert Program.objects.count() == before


def test_a_csv_saved_by_excel_in_gbk_imports_in_the_admin(curator_client: Client) -> None:
    content = (PROGRAM_HEADER + "奉节职业教育中心,610101,2026,draft,45,县教委 2026 计划,0,政策免学费,False\n").encode(
        "gbk"
    )
    preview = upload(curator_client, "program", "programs.csv", content)
    assert "县教委 2026 计划" in preview and "import-problems" not in preview
    confirm(curator_client, "program", preview)
    assert Program.objects.get(academic_year=2026, specialty__code="610101").quota_source == "县教委 2026 计划"


@pytest.mark.parametrize(
    "model",
    [
        "programs/program",
        "programs/institution",
        "programs/specialty",
        "programs/specialtyindustry",
        "pathways/articulation",
    ],
)
def test_every_import_page_offers_a_template_that_imports_back(curator_client: Client, model: str) -> None:
    page = curator_client.get(f"/admin/{model}/import/").content.decode()
    assert f"/admin/{model}/import/template.csv" in page and f"/admin/{model}/import/template.xlsx" in page
    csv = curator_client.get(f"/admin/{model}/import/template.csv")
    assert csv.status_code == 200 and "attachment" in csv["Content-Disposition"]
    rows = list(csv_module.reader(io.StringIO(csv.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and len(rows[0]) == len(rows[1]) > 1  # the columns, and one real row to copy
    xlsx = curator_client.get(f"/admin/{model}/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == rows[0]
    # The template as downloaded imports cleanly (it changes nothing: the row is already there).
    app, name = model.split("/")
    response = curator_client.post(
        f"/admin/{model}/import/", {"import_file": SimpleUploadedFile(f"{name}.csv", csv.content), "format": CSV}
    )
    assert response.status_code == 200 and "import-problems" not in response.content.decode()
    assert curator_client.get(f"/admin/{model}/import/template.pdf").status_code == 404


def test_the_template_is_for_curators_only(student_wang: User) -> None:
    client = Client()
    client.force_login(student_wang)
    assert client.get("/admin/programs/program/import/template.csv").status_code == 302  # to the admin's sign-in


def test_the_export_page_names_fields_as_the_admin_does(curator_client: Client) -> None:
    page = curator_client.get("/admin/programs/program/export/").content.decode()
    assert "招生计划 (quota)" in page and "学年 (academic_year)" in page
    assert "Quota Source" not in page and "{#" not in page  # no English title-case, no template comment shown
