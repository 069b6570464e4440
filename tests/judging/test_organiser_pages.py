"""Organiser flow through the pages: create a contest, set the rubric, award and publish."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from judging.models import Assignment, Award, JudgingLog, SubmissionContest
from judging.selectors import published_awards
from tests.factories import Tree

from .factories import World

pytestmark = pytest.mark.django_db


def contest_post(org, **extra):
    now = timezone.localtime()
    data = {
        "title": "法治征文",
        "kind": "essay",
        "code_prefix": "fz",
        "owner_org": org.pk,
        "opens_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        "min_chars": 0,
        "max_chars": 0,
        "max_file_mb": 50,
        "max_team_size": 3,
        "pledge_text": "原创",
    }
    data.update(extra)
    return data


def test_district_organiser_creates_a_contest_only_in_their_district(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    url = reverse("judging:contest_create")
    resp = client.post(url, contest_post(tree.city))
    assert resp.status_code == 200 and not SubmissionContest.objects.exists()  # city is not theirs
    resp = client.post(url, contest_post(tree.district_a, closes_at="2020-01-01T00:00"))
    assert "截止时间必须晚于开始时间" in resp.content.decode()
    resp = client.post(url, contest_post(tree.district_a))
    contest = SubmissionContest.objects.get()
    assert resp.status_code == 302 and contest.code_prefix == "FZ" and contest.owner_org == tree.district_a
    assert hasattr(contest, "rubric")


def test_rubric_is_set_through_the_page_and_bad_rows_are_explained(client):
    w = World(schools=0, judges=0)
    w.contest.rubric.criteria.all().delete()
    client.force_login(w.organiser)
    url = reverse("judging:rubric_edit", args=[w.contest.pk])
    form = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    resp = client.post(url, form | {"form-0-name": "立意", "form-0-max_points": "0"})
    assert resp.status_code == 200 and w.contest.rubric.criteria.count() == 0
    resp = client.post(
        url,
        form
        | {"form-0-name": "立意", "form-0-max_points": "40", "form-0-weight": "1"}
        | {"form-1-name": "语言", "form-1-max_points": "60", "form-1-weight": "0.5"},
    )
    assert resp.status_code == 302
    assert [(c.name, c.max_points, c.weight) for c in w.contest.rubric.criteria.all()] == [
        ("立意", 40, 1),
        ("语言", 60, 0.5),
    ]


def test_awards_are_drafted_reviewed_and_published_through_the_page(client):
    w = World(schools=4, judges=3, k=2)
    w.open_and_assign()
    for i, e in enumerate(w.entries):
        for a in Assignment.objects.filter(entry=e):
            w.score(a, [20 + i, 20, 10, 10])
    client.force_login(w.organiser)
    client.post(reverse("judging:round_action", args=[w.round.pk]), {"action": "close"})
    url = reverse("judging:awards", args=[w.contest.pk])
    client.post(url, {"action": "compute", "round": w.round.pk, "first_count": 1, "second_percent": 50})
    assert Award.objects.count() == 3 and not published_awards(w.contest).exists()
    html = client.get(url).content.decode()
    assert "拟定名单（未公布）" in html and w.students[3].real_name in html
    # publishing is irreversible: without confirmation the page only asks, and nothing is published
    resp = client.post(url, {"action": "publish"})
    assert "确认公布奖项" in resp.content.decode() and 'name="confirmed" value="1"' in resp.content.decode()
    assert not published_awards(w.contest).exists()
    client.post(url, {"action": "publish", "confirmed": "1"})
    assert published_awards(w.contest).count() == 3
    assert JudgingLog.objects.filter(action="awards_publish", actor=w.organiser).exists()
    resp = client.post(url, {"action": "compute", "round": w.round.pk, "first_count": 4}, follow=True)
    assert "已公布并冻结" in resp.content.decode()
    assert Award.objects.filter(tier="first").count() == 1


def test_staff_admin_pages_load(admin_client):
    w = World(schools=1, judges=0)
    for model in ("submissioncontest", "entry", "round", "award", "judginglog", "rubric"):
        assert admin_client.get(reverse(f"admin:judging_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:judging_entry_change", args=[w.entries[0].pk])).status_code == 200
