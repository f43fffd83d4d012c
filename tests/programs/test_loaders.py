from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from programs.loading import SOURCE_DIR
from programs.models import (
    Category,
    IndustryCluster,
    Institution,
    Program,
    ProgramOutcome,
    Specialty,
    SpecialtyIndustry,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_national_catalog_loads_with_the_official_counts() -> None:
    catalog = Specialty.objects.filter(is_addition=False)
    assert catalog.count() == 1349
    assert catalog.filter(level="secondary").count() == 358
    assert catalog.filter(level="associate").count() == 744
    assert catalog.filter(level="bachelor").count() == 247
    for level in ("secondary", "associate", "bachelor"):
        assert Category.objects.filter(level=level).count() == 19
    assert Specialty.objects.get(code="520201").name == "护理"
    assert Specialty.objects.filter(code__endswith="K").count() > 0


def test_chongqing_institutions_load_from_the_moe_list() -> None:
    real = Institution.objects.filter(moe_code__isnull=False)
    assert real.count() == 75
    assert real.filter(kind="associate").count() == 46
    assert set(real.filter(kind="vocational_bachelor").values_list("name", flat=True)) == {
        "重庆机电职业技术大学",
        "重庆电子科技职业大学",
        "重庆工业职业技术大学",
    }
    assert not real.filter(is_sample=True).exists()


def test_sample_data_has_chongqing_orders_of_size_and_is_labelled() -> None:
    secondary = Institution.objects.filter(kind="secondary")
    assert secondary.count() == 125
    assert secondary.filter(is_sample=True).count() == 124  # 奉节职业教育中心 is a real name
    assert 3000 <= Program.objects.count() <= 3600
    assert not Program.objects.filter(is_sample=False).exists()
    assert not ProgramOutcome.objects.filter(is_sample=False).exists()
    assert set(secondary.values_list("district", flat=True)) >= {"奉节县", "城口县", "渝中区"}


def test_every_specialty_feeds_at_least_one_industry_and_the_33618_tiers_are_complete() -> None:
    assert not Specialty.objects.exclude(pk__in=SpecialtyIndustry.objects.values("specialty")).exists()
    tiers = {
        t: IndustryCluster.objects.filter(tier=t).count() for t in ("leading", "pillar", "distinctive", "new_star")
    }
    assert tiers == {"leading": 3, "pillar": 3, "distinctive": 6, "new_star": 18}
    nursing = SpecialtyIndustry.objects.get(specialty__code="520201", cluster__code="healthcare")
    assert nursing.weight == 1


@pytest.mark.parametrize("command", ["load_catalog", "load_institutions", "load_industries", "load_sample_data"])
def test_loaders_are_idempotent(command: str) -> None:
    before = (Specialty.history.count(), Program.history.count(), Institution.history.count())
    output = run(command)
    assert "created 0, updated 0" in output
    assert "created 0, updated 0" in run(command)
    assert (Specialty.history.count(), Program.history.count(), Institution.history.count()) == before


def _catalog_with(tmp_path: Path, extra_rows: list[list[str]]) -> Path:
    source = (SOURCE_DIR / "vocational-2021.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "catalog.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in extra_rows:
        writer.writerow(row)
    path.write_text("\n".join(source) + "\n" + buffer.getvalue(), encoding="utf-8")
    return path


def test_a_bad_catalog_row_names_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    good = [
        "MOE_VOCATIONAL_2021",
        "VOCATIONAL_SECONDARY",
        "61",
        "农林牧渔大类",
        "6101",
        "农业类",
        "610199",
        "新设示范专业",
        "6101",
        "MAJOR",
        "中华人民共和国教育部",
    ]
    wrong_level = good[:6] + ["410199", "层次不符专业", "6101", "MAJOR", "中华人民共和国教育部"]
    path = _catalog_with(tmp_path, [good, wrong_level])
    with pytest.raises(CommandError) as error:
        run("load_catalog", "--file", str(path))
    assert "line 1684" in str(error.value)  # header + 1,681 rows + the good row
    assert "410199" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert not Specialty.objects.filter(code="610199").exists()


def test_a_new_specialty_in_the_file_is_added_and_reported(tmp_path: Path) -> None:
    good = [
        "MOE_VOCATIONAL_2021",
        "VOCATIONAL_SECONDARY",
        "61",
        "农林牧渔大类",
        "6101",
        "农业类",
        "610199",
        "新设示范专业",
        "6101",
        "MAJOR",
        "中华人民共和国教育部",
    ]
    output = run("load_catalog", "--file", str(_catalog_with(tmp_path, [good])))
    assert "specialties: created 1, updated 0, unchanged 1349" in output
    assert Specialty.objects.get(code="610199").specialty_class.code == "6101"


def test_a_bad_district_in_the_institution_file_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("name,district,kind,source\n重庆大学,火星区,,test\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"extra.csv, line 2: '火星区' is not one of Chongqing's 38 districts"):
        run("load_institutions", "--extra", str(extra))


def test_an_unknown_cluster_in_the_industry_links_is_refused(tmp_path: Path) -> None:
    links = tmp_path / "links.csv"
    links.write_text("class_name,links\n农业类,rural-agriculture:1.0 moon-farming:0.5\n", encoding="utf-8")
    before = SpecialtyIndustry.objects.count()
    with pytest.raises(CommandError, match="links.csv, line 2: unknown industry cluster 'moon-farming'"):
        run("load_industries", "--class-links", str(links))
    assert SpecialtyIndustry.objects.count() == before


def test_catalog_report_prints_the_health_counts_as_json() -> None:
    report = json.loads(run("catalog_report", "--json"))
    assert report["catalog_2021_per_level"] == {"secondary": 358, "associate": 744, "bachelor": 247}
    assert report["additions_per_level"] == {"secondary": 10, "associate": 57, "bachelor": 74}
    assert report["specialties_per_level"] == {"secondary": 368, "associate": 801, "bachelor": 321}
    assert report["profiles_per_level"] == {"secondary": 346, "associate": 733, "bachelor": 244}
    missing = {row["code"]: (row["status"], row["reason"]) for row in report["specialties_without_profile"]}
    assert len(missing) == 26 and missing["750101"] == ("no_file", "缺少该专业类的教育部专业简介文件")
    assert missing["580101K"] == ("omitted", "教育部专业简介中从略")
    assert report["follow_on_links"] > 2900 and report["occupations"] > 1000
    assert report["categories_per_level"] == {"secondary": 19, "associate": 19, "bachelor": 19}
    assert report["institutions_per_kind"]["secondary"] == 125
    assert report["industries_per_tier"]["new_star"] == 18
    assert report["specialties_without_industry"] == 0
    assert sum(report["programs_per_status"].values()) == Program.objects.count()


def test_catalog_report_counts_a_specialty_without_industry() -> None:
    SpecialtyIndustry.objects.filter(specialty__code="520201").delete()
    report = json.loads(run("catalog_report", "--json"))
    assert report["specialties_without_industry"] == 1
    assert report["specialties_without_industry_codes"] == ["520201"]
