"""The parents' report through a link the student makes: read-only, no account, expires, revocable (issue 17)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pathways.models import ReportShare
from tests.factories import as_user, saved_student

pytestmark = pytest.mark.django_db


def make_link(client: Client, name: str = "小雨", days: int = 7) -> str:
    page = client.post("/quiz/report/", {"action": "share", "shown_name": name, "days": days}).content.decode()
    found = re.search(r'<code data-testid="share-link">https?://[^/]+(/report/[^<]+/)</code>', page)
    assert found, "no link on the page"
    return found.group(1)


def test_a_parent_opens_the_link_with_no_account_and_sees_the_report_but_nothing_of_the_login() -> None:
    attempt = saved_student("share_owner")
    link = make_link(as_user(attempt.student))
    parent = Client()
    page = parent.get(link)
    body = page.content.decode()
    assert page.status_code == 200 and "学生：小雨" in body and attempt.code in body
    assert "share_owner" not in body and "分享给家长" not in body  # no login, no way to make or end links
    assert page["Referrer-Policy"] == "no-referrer"
    assert ReportShare.objects.get().digest not in link  # only a digest of the secret is kept


def test_the_student_ends_a_link_and_an_expired_link_stops_too() -> None:
    attempt = saved_student("share_ender")
    mine = as_user(attempt.student)
    link = make_link(mine)
    share = ReportShare.objects.get(student=attempt.student)
    mine.post("/quiz/report/", {"action": "revoke", "share": share.pk})
    assert Client().get(link).status_code == 404 and "已经失效" in Client().get(link).content.decode()
    second = make_link(mine, days=30)
    ReportShare.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(second).status_code == 404


def test_another_student_cannot_end_my_link_and_bad_input_is_refused() -> None:
    owner, other = saved_student("share_mine"), saved_student("share_other")
    link = make_link(as_user(owner.student))
    share = ReportShare.objects.get(student=owner.student)
    as_user(other.student).post("/quiz/report/", {"action": "revoke", "share": share.pk})
    assert Client().get(link).status_code == 200
    refused = as_user(owner.student).post("/quiz/report/", {"action": "share", "shown_name": "x" * 40, "days": 7})
    assert "最多 32 个字" in refused.content.decode()
    refused = as_user(owner.student).post("/quiz/report/", {"action": "share", "shown_name": "", "days": 365})
    assert "7 天或 30 天" in refused.content.decode() and ReportShare.objects.count() == 1
