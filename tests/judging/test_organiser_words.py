"""Organisers read Chinese labels and people's names, not action codes or usernames."""

import pytest
from django.urls import reverse

from judging.models import Assignment

from .factories import World

pytestmark = pytest.mark.django_db


def test_operation_log_shows_chinese_labels_not_codes(client):
    w = World(schools=2, judges=2, k=2)
    w.open_and_assign()
    client.force_login(w.organiser)
    page = client.get(reverse("judging:dashboard", args=[w.contest.pk])).content.decode()
    log = page.split("操作记录")[1]
    assert "开始评审" in log and "自动分配评审任务" in log
    for code in ("round_open", "assign_auto", "assign_add"):
        assert code not in log


def test_judge_consistency_lists_judges_by_name(client):
    w = World(schools=2, judges=2, k=2)
    w.open_and_assign()
    for a in Assignment.objects.filter(round=w.round):
        w.score(a, [20, 20, 15, 15])
    client.force_login(w.organiser)
    page = client.get(reverse("judging:round_detail", args=[w.round.pk])).content.decode()
    table = page.split("评委一致性")[1].split("</table>")[0]
    assert "评委0" in table and "评委1" in table
    assert "judge_0" not in table and "judge_1" not in table
