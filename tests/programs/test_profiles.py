"""The Ministry's 专业简介 (2022), the 接续专业 links, the occupations and the catalog's later additions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook
from rest_framework.test import APIClient

from programs.models import Occupation, ProfileStatus, Specialty, SpecialtyOccupation
from programs.profiles import PROFILE_SOURCE, class_profiles, parse_years

pytestmark = pytest.mark.django_db

BLOCK = """专业代码 {code}

专业名称 {name}

基本修业年限 三年

# 职业面向

面向{name}人员等职业，{job}等岗位（群）。

# 培养目标定位

本专业培养{name}人才。

# 主要专业能力要求

1. 具有{name}的能力；

# 主要专业课程与实习实训

专业核心课程：{name}基础、

{name}实务。

# 职业类证书举例

职业技能等级证书：{name}

# 接续专业举例

接续高职专科专业举例：{follow}接续高职本科专业举例：数控技术
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _block(code: str, name: str, follow: str = "数控技术", job: str = "车床操作") -> str:
    return BLOCK.format(code=code, name=name, follow=follow, job=job)


def _without_header(block: str) -> str:
    """What the PDF conversion did to about 90 blocks: the 专业代码, 专业名称 and 年限 lines are gone."""
    return block[block.index("# 职业面向") :]


def test_a_block_that_lost_its_header_is_placed_by_its_position_in_the_class(tmp_path: Path) -> None:
    catalog = [("660101", "甲"), ("660102", "乙"), ("660103", "丙")]
    text = (
        "# 6601 机械设计制造类\n\n"
        + _block("660101", "甲")
        + _without_header(_block("660102", "乙"))
        + _block("660103", "丙")
    )
    path = tmp_path / "6601 机械设计制造类.md"
    path.write_text(text, encoding="utf-8")
    found = class_profiles(path, catalog)
    assert [(p.code, p.how) for p in found.profiles] == [("660101", "code"), ("660102", "position"), ("660103", "code")]
    second = found.profiles[1]
    assert second.fields["training_goals"] == "本专业培养乙人才。"
    assert second.fields["courses"] == "专业核心课程：乙基础、乙实务。"  # the line the PDF split is joined again
    assert second.follow_on == {"associate": ["数控技术"], "bachelor": ["数控技术"]}  # two lists on one line, cut apart
    assert found.profiles[0].years == 3 and found.unplaced == []


def test_a_gap_that_cannot_be_matched_is_reported_with_its_line_not_guessed(tmp_path: Path) -> None:
    catalog = [("660101", "甲"), ("660102", "乙"), ("660103", "丙"), ("660104", "丁")]
    text = _block("660101", "甲") + _without_header(_block("660102", "乙")) + _block("660104", "丁")
    path = tmp_path / "6601 机械设计制造类.md"
    path.write_text(text, encoding="utf-8")
    found = class_profiles(path, catalog)
    assert [p.code for p in found.profiles] == ["660101", "660104"]
    second = text.index("# 职业面向", text.index("# 职业面向") + 1)
    line = text[:second].count("\n") + 1
    assert found.unplaced == [(line, "no 专业代码; 1 such blocks between matched ones but 2 codes")]


def test_a_code_from_another_class_is_never_matched_across_classes(tmp_path: Path) -> None:
    path = tmp_path / "6601 机械设计制造类.md"
    path.write_text(_block("710201", "计算机应用"), encoding="utf-8")
    found = class_profiles(path, [("660101", "甲")])
    assert found.profiles == [] and found.unplaced == [(1, "专业代码 710201 is not in 专业类 6601")]


def test_the_loader_refuses_a_bad_block_naming_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    numerical = Specialty.objects.get(code="660103")
    before = numerical.training_goals
    (tmp_path / "6601 机械设计制造类.md").write_text("\n\n" + _block("710201", "计算机应用"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was written. 6601 机械设计制造类.md, line 3: 专业代码 710201"):
        run("load_profiles", "--dir", str(tmp_path))
    assert Specialty.objects.get(code="660103").training_goals == before and before


def test_parse_years_reads_the_years_after_junior_school() -> None:
    assert parse_years("三年") == 3 and parse_years("四年") == 4
    assert parse_years("六年（小学毕业起点）、三年") == 3 and parse_years("") is None


def test_every_profile_is_loaded_idempotently_and_the_missing_ones_say_why() -> None:
    assert "created 0, updated 0, unchanged 1349" in run("load_profiles")
    loaded = Specialty.objects.filter(profile_status=ProfileStatus.LOADED)
    assert loaded.count() == 1323 and not loaded.filter(training_goals="").exists()
    assert Specialty.objects.filter(profile_status=ProfileStatus.NO_FILE, code__startswith="7501").count() == 12
    assert Specialty.objects.get(code="580101K").profile_status == ProfileStatus.OMITTED
    nursing = Specialty.objects.get(code="520201")
    assert (
        nursing.occupations.startswith("面向") and "基础护理" in nursing.courses and nursing.abilities.startswith("1.")
    )
    assert nursing.profile_source == PROFILE_SOURCE


def test_the_follow_on_chain_of_numerical_control_reaches_a_vocational_bachelor() -> None:
    secondary = Specialty.objects.get(code="660103")
    assert secondary.name == "数控技术应用"
    associate = secondary.follow_on.get(level="associate", name="数控技术")
    bachelor = associate.follow_on.get(level="bachelor", name="数控技术")
    assert bachelor.code == "260103" and "机械工程" in associate.follow_on_undergraduate
    assert bachelor in secondary.follow_on.all()  # 中职 lists 职业本科 follow-ons too


def test_a_follow_on_name_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    block = _block("660103", "数控技术应用", follow="月球采矿技术")
    (tmp_path / "6601 机械设计制造类.md").write_text(block, encoding="utf-8")
    output = run("load_profiles", "--dir", str(tmp_path))
    assert "follow-on name matches no specialty: 660103 数控技术应用 → 高职专科 月球采矿技术" in output
    assert list(Specialty.objects.get(code="660103").follow_on.values_list("code", flat=True)) == ["260103"]
    run("load_profiles")  # the real files again


def test_the_specialty_page_shows_the_profile_occupations_follow_ons_and_the_source(client: Client) -> None:
    html = client.get("/specialties/460103/").content.decode()
    assert "主要专业能力要求" in html and "主要专业课程与实习实训" in html and "数控车铣加工" in html  # a certificate
    assert "毕业后可以从事" in html and "人社部《职业信息与教育培训项目（专业）信息对应指引（2023年版）》" in html
    assert "之后还可以读什么" in html and 'href="/specialties/260103/"' in html
    assert "专业简介来源：职业教育专业简介（2022年修订），教育部。" in html
    assert "完整的专业简介尚未录入" not in html
    assert "缺少该专业类" not in client.get("/specialties/750101/").content.decode()
    assert "本系统暂未收录该专业的教育部 2022 年简介" in client.get("/specialties/750101/").content.decode()
    assert "教育部 2022 年专业简介中未公布该专业的简介" in client.get("/specialties/580101K/").content.decode()


def test_occupations_link_each_specialty_to_the_2022_codes_idempotently() -> None:
    assert "links created 0, updated 0, unchanged 5550" in run("load_occupations")
    nursing = Specialty.objects.get(code="520201")
    codes = list(SpecialtyOccupation.objects.filter(specialty=nursing).values_list("occupation__code", flat=True))
    assert codes and all(len(code) == 10 for code in codes)
    assert Occupation.objects.filter(code__in=codes, name__contains="护").exists()


def _sheet_book(rows: list[list[object]], sheets: tuple[str, ...]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name in sheets:
        sheet = book.create_sheet(name)
        sheet.append(["序号", "专业代码", "专业名称", "职业编码", "职业名称"])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_occupation_row_is_refused_with_its_sheet_and_row(tmp_path: Path) -> None:
    sheets = ("中职-专业职业对照", "高职专业-专业职业对照", "职教本科-专业职业对照")
    path = tmp_path / "table.xlsx"
    path.write_bytes(
        _sheet_book([[1, 660103, "数控技术应用", "6-18-01-01", "车工"], [2, 999999, "无", "6-18", "x"]], sheets)
    )
    before = SpecialtyOccupation.objects.count()
    with pytest.raises(CommandError, match=r"table.xlsx, line 3: 中职-专业职业对照, row 3: 职业编码 '6-18' is not"):
        run("load_occupations", "--file", str(path))
    assert SpecialtyOccupation.objects.count() == before


def test_the_later_additions_are_loaded_once_marked_to_verify(client: Client) -> None:
    additions = Specialty.objects.filter(is_addition=True)
    assert additions.count() == 141 and not additions.filter(addition_verified=True).exists()
    assert additions.filter(added_in=2025).count() == 54
    coffee = Specialty.objects.get(code="610120")
    assert coffee.name == "咖啡生产与工艺" and coffee.profile_status == ProfileStatus.ADDITION
    assert Specialty.objects.get(code="330401").specialty_class.name == "统计类"  # a 专业类 only additions have
    assert "created 0, updated 0, unchanged 141" in run("load_catalog")
    html = client.get("/specialties/610120/").content.decode()
    assert "2025 年增补" in html and "待核实" in html


def test_a_bad_addition_row_is_refused_with_its_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "全部专业"
    sheet.append(["专业大类代码", "专业大类", "专业类代码", "专业类", "专业代码", "专业名称", "层次", "备注"])
    sheet.append(["61", "农林牧渔大类", "6101", "农业类", "610199", "新专业", "中职", ""])
    sheet.append(["61", "农林牧渔大类", "6101", "农业类", "410199", "错层次", "中职", ""])
    path = tmp_path / "additions.xlsx"
    book.save(path)
    with pytest.raises(CommandError, match=r"additions.xlsx, line 3: 专业代码 '410199' does not fit 层次 中职"):
        run("load_catalog", "--additions", str(path))
    assert not Specialty.objects.filter(code="610199").exists()


def test_the_catalog_api_gives_the_profile_follow_ons_and_occupations() -> None:
    body = APIClient().get("/api/v1/specialties/460103/").json()
    assert body["profile_status"] == "loaded" and body["profile_source"] == PROFILE_SOURCE
    assert "260103" in body["follow_on"] and body["courses"].startswith("专业基础课程")
    assert body["graduate_occupations"] and all(set(o) == {"code", "name"} for o in body["graduate_occupations"])
    addition = APIClient().get("/api/v1/specialties/610120/").json()
    assert (addition["is_addition"], addition["added_in"], addition["addition_verified"]) == (True, 2025, False)
