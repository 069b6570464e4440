"""Organisers' lists have search and paging, the round page pages its tables, and a district organiser is
shown only links they can open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import Contest, ContestStatus
from judging.models import Assignment
from tests.factories import Tree
from tests.judging.factories import World, make_contest

from .factories import make_submission_contest

pytestmark = pytest.mark.django_db


def _knowledge(owner, title):
    now = timezone.now()
    return Contest.objects.create(
        owner_org=owner, title=title, status=ContestStatus.DRAFT, opens_at=now, closes_at=now + timedelta(days=1)
    )


def test_contest_list_searches_and_pages(client):
    tree = Tree()
    for i in range(25):
        _knowledge(tree.city, f"安全知识竞赛{i:02d}")
    _knowledge(tree.city, "法律知识竞赛")
    client.force_login(tree.city_organiser)
    first = client.get(reverse("competitions:contest_list")).content.decode()
    assert "第 1 / 2 页（共 26 条）" in first and "下一页" in first
    second = client.get(reverse("competitions:contest_list"), {"page": 2}).content.decode()
    assert "第 2 / 2 页" in second
    found = client.get(reverse("competitions:contest_list"), {"q": "法律"}).content.decode()
    assert "法律知识竞赛" in found and "安全知识竞赛00" not in found
    none = client.get(reverse("competitions:contest_list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的竞赛" in none


def test_essay_contest_list_searches(client):
    w = World(schools=0, judges=0)
    make_contest(w.tree, title="微视频课件征集")
    client.force_login(w.organiser)
    html = client.get(reverse("judging:index"), {"q": "微视频"}).content.decode()
    assert "微视频课件征集" in html and w.contest.title not in html


def test_district_organiser_sees_no_showcase_link_for_a_city_contest(client):
    tree = Tree()
    city_contest = make_submission_contest(owner=tree.city, title="市级征文")
    own = make_submission_contest(owner=tree.district_a, title="如东县征文")
    client.force_login(tree.organiser_a)
    html = client.get(reverse("results:stats_index")).content.decode()
    assert "市级征文" in html and "如东县征文" in html  # both figures are theirs to read
    assert reverse("results:showcase_manage", args=[city_contest.pk]) not in html
    assert reverse("results:showcase_manage", args=[own.pk]) in html
    assert client.get(reverse("results:showcase_manage", args=[own.pk])).status_code == 200


def test_round_page_pages_its_results_and_assignments(client):
    w = World(schools=55, judges=3, k=2)
    w.open_and_assign()
    client.force_login(w.organiser)
    url = reverse("judging:round_detail", args=[w.round.pk])
    html = client.get(url).content.decode()
    assert "第 1 / 2 页（共 55 条）" in html  # results
    assert "第 1 / 3 页（共 110 条）" in html  # assignments
    last = Assignment.objects.order_by("entry__code", "judge__username").last()
    marker = f'name="assignment" value="{last.pk}"'
    assert marker not in html
    assert marker in client.get(url, {"apage": 3}).content.decode()
