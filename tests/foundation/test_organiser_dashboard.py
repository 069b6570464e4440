"""The organiser's home: running contests with live participation, judging progress, what needs action."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import Contest, ContestStatus
from judging import services
from tests.factories import make_student
from tests.judging.factories import World
from tests.results.factories import make_attempt, make_knowledge_contest

pytestmark = pytest.mark.django_db


def test_running_contest_shows_started_students_against_the_enrolment_of_the_region(client):
    w = World(schools=0, judges=0)
    t = w.tree
    now = timezone.now()
    contest = make_knowledge_contest(owner=t.city, title="二十大知识竞赛", closes_at=now + timedelta(days=2))
    for _ in range(3):
        make_student(t.class_a)
    make_attempt(contest, t.student_a, t.class_a, 80)
    make_attempt(contest, t.student_b, t.class_b, 70, finalised=False)
    client.force_login(t.city_organiser)
    html = client.get(reverse("home")).content.decode()
    assert "二十大知识竞赛" in html and "已参加 2 人 / 在册 5 人" in html and "（40%）" in html
    # a district organiser sees the same contest with their own district's figures
    client.force_login(t.organiser_a)
    html = client.get(reverse("home")).content.decode()
    assert "已参加 1 人 / 在册 4 人" in html


def test_judging_progress_and_stuck_rounds_are_listed_as_actions(client):
    w = World(schools=3, judges=1, k=2)
    client.force_login(w.organiser)
    html = client.get(reverse("home")).content.decode()
    assert "需要处理" in html and "评委组只有 1 人" in html
    assert reverse("judging:round_detail", args=[w.round.pk]) in html
    services.round_update(actor=w.organiser, rnd=w.round, judges_per_entry=1)
    w.open_and_assign()
    html = client.get(reverse("home")).content.decode()
    assert "评分 0 / 3（0%）" in html and "评委组只有 1 人" not in html


def test_a_draft_contest_about_to_start_needs_action(client):
    w = World(schools=0, judges=0)
    now = timezone.now()
    Contest.objects.create(
        owner_org=w.tree.city,
        title="法律知识竞赛",
        status=ContestStatus.DRAFT,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=3),
    )
    client.force_login(w.organiser)
    html = client.get(reverse("home")).content.decode()
    assert "法律知识竞赛" in html and "仍是草稿未发布" in html


def test_students_home_is_unchanged_by_the_dashboard(client):
    w = World(schools=0, judges=0)
    client.force_login(w.tree.student_a)
    html = client.get(reverse("home")).content.decode()
    assert "需要处理" not in html and "进行中的竞赛" not in html
