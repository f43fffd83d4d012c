"""The public catalog pages, through the real HTTP interface and the real data."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from programs.models import IndustryCluster, Program, ProgramStatus, Specialty

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_home_is_in_chinese_by_default_with_level_counts(client: Client) -> None:
    html = text(client.get("/"))
    assert '<html lang="zh-hans">' in html
    assert "找到适合你的专业" in html
    assert "358 个专业" in html and "744 个专业" in html and "247 个专业" in html
    assert "另有 10 个增补专业（待核实）" in html
    assert "智能网联新能源汽车" in html


def test_english_is_one_click_away(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/specialties/"})
    assert response.status_code == 302
    html = text(client.get("/specialties/"))
    assert '<html lang="en">' in html
    assert "1490 specialties found" in html  # the 2021 catalog and its later additions


def test_specialty_search_filters_by_level_and_word(client: Client) -> None:
    html = text(client.get("/specialties/", {"level": "secondary", "q": "汽车"}))
    expected = Specialty.objects.filter(level="secondary", name__contains="汽车").count()
    assert f"找到 {expected} 个专业" in html
    assert "汽车运用与维修" in html
    assert "新能源汽车技术" not in html  # 高职专科, filtered out


def test_specialty_filter_by_industry_cluster(client: Client) -> None:
    html = text(client.get("/specialties/", {"cluster": "elderly-care", "level": "associate", "q": "养老"}))
    assert "智慧健康养老服务与管理" in html


def test_the_specialty_page_says_what_where_and_who(client: Client) -> None:
    program = Program.objects.filter(specialty__code="700206", status=ProgramStatus.PUBLISHED).first()
    assert program is not None
    html = text(client.get("/specialties/700206/"))
    assert "汽车运用与维修" in html and "学制 3 年" in html
    assert "智能网联新能源汽车" in html  # industry it feeds
    assert program.institution.name in html
    assert "示例" in html  # the sample programs are labelled
    assert "新能源汽车检测与维修技术" in html  # the same 专业类 (道路运输类) at the next level


def test_an_unknown_specialty_code_is_a_404(client: Client) -> None:
    assert client.get("/specialties/999999/").status_code == 404


def test_program_search_by_district_and_cluster_shows_only_published(client: Client) -> None:
    html = text(client.get("/programs/", {"district": "万州区", "cluster": "auto-ev"}))
    expected = (
        Program.objects.published()
        .filter(institution__district="万州区", specialty__industry_links__cluster__code="auto-ev")
        .distinct()
        .count()
    )
    assert f"找到 {expected} 个专业点" in html
    assert expected > 0


def test_a_bad_filter_value_is_explained_and_ignored(client: Client) -> None:
    html = text(client.get("/programs/", {"level": "doctorate"}))
    assert "选择一个有效的选项" in html
    assert f"找到 {Program.objects.published().count()} 个专业点" in html


def test_pagination_walks_the_whole_program_list(client: Client) -> None:
    html = text(client.get("/programs/", {"page": "2"}))
    assert "第 2 页" in html
    assert text(client.get("/programs/", {"page": "9999"})).count('class="card"') > 0  # last page, not an error


def test_a_draft_program_is_not_public(client: Client) -> None:
    draft = Program.objects.filter(status=ProgramStatus.DRAFT).first()
    assert draft is not None
    assert client.get(f"/programs/{draft.pk}/").status_code == 404


def test_program_institution_and_industry_pages_render_real_data(client: Client) -> None:
    program = Program.objects.published().select_related("institution", "specialty").first()
    assert program is not None
    assert program.specialty.name in text(client.get(f"/programs/{program.pk}/"))
    assert program.specialty.name in text(client.get(f"/institutions/{program.institution.pk}/"))
    html = text(client.get("/industries/"))
    assert "“新星”产业集群" in html and "待核实" in html
    assert "3741 飞机制造" not in text(client.get("/industries/low-altitude/"))
    assert "3963 智能无人飞行器制造" in text(client.get("/industries/low-altitude/"))


def test_pages_load_no_asset_from_another_host(client: Client) -> None:
    for path in ["/", "/specialties/", "/programs/", "/specialties/520201/", "/industries/"]:
        html = text(client.get(path))
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:css|js|woff2?|png|svg))"', html)
        assert assets and all(a.startswith("/static/") for a in assets)
        assert '<meta name="viewport"' in html


def test_chinese_stays_the_default_whatever_the_browser_asks(client: Client) -> None:
    html = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert '<html lang="zh-hans">' in html
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in text(client.get("/"))
    client.cookies["django_language"] = "klingon"
    assert '<html lang="zh-hans">' in text(client.get("/"))


def test_english_pages_name_the_industries_in_english(client: Client) -> None:
    cluster = IndustryCluster.objects.exclude(name_en="").first()
    assert cluster is not None
    assert cluster.name in text(client.get("/industries/"))
    client.cookies["django_language"] = "en"
    for path in ["/industries/", f"/industries/{cluster.code}/", "/programs/"]:
        html = text(client.get(path))
        assert cluster.name_en in html, path
        assert f">{cluster.name}<" not in html, path
