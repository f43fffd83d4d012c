"""Saved programs (the student's favourites), taking a save or a dismissal back, the in-place answer the page's
script reads, and the comparison of two to four programs: through the real pages and the real catalog."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import RecommendationFeedback
from programs.models import Program, ProgramStatus
from tests.factories import saved_student

pytestmark = pytest.mark.django_db


def feedback_url(attempt) -> str:
    return f"/quiz/history/{attempt.pk}/recommendations/feedback/"


def test_saving_comes_back_to_the_card_and_dismissed_programs_move_below(client: Client) -> None:
    attempt = saved_student("student_saved")
    client.force_login(attempt.student)
    shown = [item.program for item in recommendations_for_attempt(attempt=attempt, stage="junior").programs]
    first, second = shown[0], shown[1]
    response = client.post(feedback_url(attempt), {"program": first.pk, "kind": "save", "reason": "离家近"})
    assert response.status_code == 302 and response["Location"].endswith(f"#program-{first.pk}")
    client.post(feedback_url(attempt), {"program": second.pk, "kind": "dismiss", "reason": "太远了"})
    page = client.get(f"/quiz/history/{attempt.pk}/recommendations/").content.decode()
    main, _, below = page.partition('id="dismissed"')
    assert f'id="program-{first.pk}"' in main and 'value="离家近"' in main  # the reason stays in its field
    assert f'id="program-{second.pk}"' not in main and f'id="program-{second.pk}"' in below
    assert 'class="dismissed-count">1<' in page


def test_the_script_gets_an_answer_it_can_show_in_place(client: Client) -> None:
    attempt = saved_student("student_fetch")
    client.force_login(attempt.student)
    program = recommendations_for_attempt(attempt=attempt, stage="junior").programs[0].program
    headers = {"X-Requested-With": "fetch"}
    answer = client.post(feedback_url(attempt), {"program": program.pk, "kind": "dismiss"}, headers=headers)
    assert answer.status_code == 200 and json.loads(answer.content) == {"kind": "dismiss", "label": "不适合我"}
    answer = client.post(feedback_url(attempt), {"program": program.pk, "kind": "withdraw"}, headers=headers)
    assert json.loads(answer.content) == {"kind": "", "label": ""}
    assert not RecommendationFeedback.objects.filter(student=attempt.student).exists()
    too_long = client.post(
        feedback_url(attempt), {"program": program.pk, "kind": "save", "reason": "长" * 201}, headers=headers
    )
    assert too_long.status_code == 400 and "201" in json.loads(too_long.content)["error"]
    assert not RecommendationFeedback.objects.filter(student=attempt.student).exists()
    never = Program.objects.published().exclude(pk__in=[program.pk]).order_by("-pk").first()
    refused = client.post(feedback_url(attempt), {"program": never.pk, "kind": "save"}, headers=headers)
    assert refused.status_code == 400 and str(never.pk) in json.loads(refused.content)["error"]


def test_the_saved_list_is_the_students_own_and_can_be_emptied(client: Client) -> None:
    attempt = saved_student("student_list")
    other = saved_student("student_other")
    programs = [item.program for item in recommendations_for_attempt(attempt=attempt, stage="junior").programs[:3]]
    client.force_login(attempt.student)
    for program in programs[:2]:
        client.post(feedback_url(attempt), {"program": program.pk, "kind": "save", "reason": "喜欢"})
    client.post(feedback_url(attempt), {"program": programs[2].pk, "kind": "dismiss"})
    page = client.get("/me/saved/").content.decode()
    assert page.count('name="p"') == 2 and "喜欢" in page and "1 个你标记为“不适合我”的专业点" in page
    removed = client.post(feedback_url(attempt), {"program": programs[0].pk, "kind": "withdraw", "back": "saved"})
    assert removed["Location"] == "/me/saved/"
    assert client.get("/me/saved/").content.decode().count('name="p"') == 1
    client.force_login(other.student)
    assert 'name="p"' not in client.get("/me/saved/").content.decode()  # nothing of hers
    # Nobody withdraws another's feedback through their own attempt or hers.
    assert client.post(feedback_url(attempt), {"program": programs[1].pk, "kind": "withdraw"}).status_code == 404
    assert RecommendationFeedback.objects.filter(student=attempt.student, kind="save").count() == 1
    assert Client().get("/me/saved/").status_code == 302  # sign in first


def test_two_to_four_programs_side_by_side(client: Client) -> None:
    programs = list(Program.objects.published().filter(quota__isnull=False, tuition__isnull=False).order_by("pk")[:3])
    programs.reverse()  # the columns follow the order asked, not the catalog's
    query = "&".join(f"p={p.pk}" for p in programs)
    page = client.get(f"/programs/compare/?{query}")
    html = page.content.decode()
    assert page.status_code == 200
    for program in programs:
        assert program.specialty.name in html and program.institution.name in html and str(program.quota) in html
    for row in ["学制", "升学途径", "名额", "每年学费", "产业", "毕业生做什么"]:
        assert f">{row}</th>" in html, row
    columns = [html.index(f'<th scope="col"><a href="/programs/{p.pk}/">') for p in programs]
    assert columns == sorted(columns)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "现在选了 0 个"),
        ("p={a}", "现在选了 1 个"),
        ("p={a}&p={a}", "现在选了 1 个"),
        ("p={a}&p={b}&p={c}&p={d}&p={e}", "现在选了 5 个"),
        ("p={a}&p=abc", "专业点编号必须是整数"),
        ("p={a}&p=999999999", "没有编号为 999999999 的公开专业点"),
        ("p={a}&p={draft}", "没有编号为 {draft} 的公开专业点"),
    ],
)
def test_a_comparison_of_the_wrong_programs_says_why(client: Client, query: str, says: str) -> None:
    ids = list(Program.objects.published().order_by("pk").values_list("pk", flat=True)[:5])
    draft = Program.objects.published().order_by("-pk").first()
    Program.objects.filter(pk=draft.pk).update(status=ProgramStatus.DRAFT)
    names = dict(zip("abcde", ids, strict=True), draft=draft.pk)
    page = client.get(f"/programs/compare/?{query.format(**names)}")
    assert page.status_code == 400 and says.format(**names) in page.content.decode()
