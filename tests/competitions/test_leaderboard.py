from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_issue
from competitions.models import Attempt, AttemptState
from leaderboards.selectors import leaderboard_page
from tests.factories import make_student

from .factories import make_contest, make_question


@pytest.fixture
def contest(tree, topic):
    return make_contest(owner_org=tree.city, fixed=[(make_question(topic=topic), "100")], freeze_minutes=0)


def finished(contest, user, *, score, used, finished_at, klass):
    return Attempt.objects.create(
        contest=contest,
        user=user,
        state=AttemptState.FINALISED,
        class_org=klass,
        seed=1,
        started_at=finished_at - timedelta(seconds=used),
        deadline=finished_at + timedelta(hours=1),
        finished_at=finished_at,
        score=Decimal(score),
        max_score=Decimal(100),
        time_used_s=used,
        counts=True,
    )


def test_ranking_key_tie_breaks_score_then_time_then_finish(tree, contest):
    t = timezone.now() - timedelta(minutes=5)
    a = make_student(tree.class_a, real_name="甲")
    b = make_student(tree.class_a, real_name="乙")
    c = make_student(tree.class_b, real_name="丙")
    d = make_student(tree.class_b, real_name="丁")
    finished(contest, a, score="80", used=300, finished_at=t, klass=tree.class_a)
    finished(contest, b, score="90", used=500, finished_at=t, klass=tree.class_a)  # higher score wins
    finished(contest, c, score="80", used=200, finished_at=t + timedelta(seconds=9), klass=tree.class_b)  # less time
    finished(
        contest, d, score="80", used=300, finished_at=t - timedelta(seconds=1), klass=tree.class_b
    )  # earlier finish
    board = leaderboard_page(contest_id=contest.pk, scope="individual", limit=10, user=a)
    assert [(e["rank"], e["name"]) for e in board["entries"]] == [(1, "乙"), (2, "丙"), (3, "丁"), (4, "甲")]
    assert board["entries"][0] == {
        "rank": 1,
        "name": "乙",
        "school": "如东县实验小学",
        "district": "如东县",
        "score": 90.0,
        "time_used_s": 500,
    }
    assert board["me"]["rank"] == 4 and board["frozen"] is False
    schools = leaderboard_page(contest_id=contest.pk, scope="school", limit=10, user=a)["entries"]
    # 如东 average 85, 海安 average 80
    assert [(e["name"], e["score"]) for e in schools] == [("如东县实验小学", 85.0), ("海安市实验小学", 80.0)]
    districts = leaderboard_page(contest_id=contest.pk, scope="district", limit=10, user=a)["entries"]
    assert [e["district"] for e in districts] == ["如东县", "海安市"]


def test_frozen_board_hides_late_finishers_but_me_stays_live(tree, contest):
    contest.freeze_minutes = 30
    contest.closes_at = timezone.now() + timedelta(minutes=10)
    contest.save()
    early = make_student(tree.class_a, real_name="早")
    late = make_student(tree.class_a, real_name="晚")
    finished(contest, early, score="50", used=100, finished_at=timezone.now() - timedelta(hours=1), klass=tree.class_a)
    finished(contest, late, score="99", used=100, finished_at=timezone.now() - timedelta(minutes=1), klass=tree.class_a)
    board = leaderboard_page(contest_id=contest.pk, scope="individual", limit=10, user=late)
    assert board["frozen"] is True
    assert [e["name"] for e in board["entries"]] == ["早"]
    # the student sees their own current score, but no live rank: it would leak others' late answers
    assert board["me"]["score"] == 99.0
    assert board["me"]["rank"] is None


def test_leaderboard_api_shape_and_visibility(tree, contest):
    finished(contest, tree.student_a, score="70", used=60, finished_at=timezone.now(), klass=tree.class_a)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=tree.student_b)}"}
    body = client.get(f"/api/v1/contests/{contest.pk}/leaderboard?scope=individual&limit=5", **auth).json()
    assert set(body) == {"version", "frozen", "entries", "me"}
    assert body["entries"][0]["name"] == tree.student_a.real_name and body["me"] is None
    bad = client.get(f"/api/v1/contests/{contest.pk}/leaderboard?scope=galaxy", **auth)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"
    regional = make_contest(owner_org=tree.district_a, fixed=[(contest.fixed_questions.first().revision, "1")])
    hidden = client.get(f"/api/v1/contests/{regional.pk}/leaderboard", **auth)
    assert hidden.status_code == 404 and hidden.json()["code"] == "contest_not_found"
