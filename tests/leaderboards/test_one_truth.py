"""The boards and the database agree on the two rules they share: which attempt counts (best / last /
first, also on the frozen board) and the finish-time precision that breaks exact ties (µs everywhere)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competitions.models import Attempt, CountingRule
from competitions.ranking import DB_ORDERING, pick_counted
from competitions.selectors import counted_attempts
from competitions.services import attempt_recount
from leaderboards.selectors import board_read
from leaderboards.services import leaderboard_rebuild
from leaderboards.store import FROZEN, INDIVIDUAL
from tests.factories import Tree, make_student
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = pytest.mark.django_db(transaction=True)


def test_equal_scores_finishing_within_one_millisecond_rank_by_finish_time_on_board_and_in_database(backend):
    tree = Tree()
    contest = make_contest(tree.city)
    t = timezone.now().replace(microsecond=500_000)
    later = make_student(tree.class_a, real_name="晚0.3毫秒")
    earlier = make_student(tree.class_a, real_name="早0.3毫秒")
    # the later finisher gets the lower attempt id: a board comparing milliseconds would put it first
    finish_attempt(contest, later, score=90, time_used_s=300, finished_at=t + timedelta(microseconds=400))
    finish_attempt(contest, earlier, score=90, time_used_s=300, finished_at=t + timedelta(microseconds=100))
    database = [a.user.real_name for a in counted_attempts(contest).order_by(*DB_ORDERING).select_related("user")]
    leaderboard_rebuild(contest_id=contest.pk)
    board = [e["name"] for e in board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=10).entries]
    assert database == board == ["早0.3毫秒", "晚0.3毫秒"]


@pytest.mark.parametrize(
    "counting,live,frozen",
    [(CountingRule.BEST, 70, 60), (CountingRule.LAST, 40, 60), (CountingRule.FIRST, 50, 50)],
)
def test_live_and_frozen_boards_count_with_the_contests_rule(backend, counting, live, frozen):
    tree = Tree()
    now = timezone.now()
    contest = make_contest(tree.city, closes_at=now + timedelta(minutes=10), freeze_minutes=30, counting=counting)
    student = make_student(tree.class_a, real_name="三次作答")
    for minutes_ago, score in [(50, 50), (40, 60), (5, 70), (2, 40)]:  # freeze was 20 minutes ago
        Attempt.objects.filter(contest=contest, user=student).update(counts=False)
        finish_attempt(contest, student, score=score, time_used_s=100, finished_at=now - timedelta(minutes=minutes_ago))
    attempt_recount(contest=contest, user_id=student.pk)
    counted = Attempt.objects.get(contest=contest, user=student, counts=True)
    leaderboard_rebuild(contest_id=contest.pk)
    live_board = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=5).entries
    frozen_board = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=5, variant=FROZEN).entries
    assert counted.score == live and live_board[0]["score"] == live
    assert frozen_board[0]["score"] == frozen


@pytest.fixture
def four_students():
    tree = Tree()
    return make_contest(tree.city), [make_student(tree.class_a) for _ in range(4)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 100), st.integers(1, 50), st.integers(0, 2_000)),
        min_size=1,
        max_size=12,
    )
)
def test_python_pick_of_the_best_attempt_matches_the_database_ordering(four_students, rows):
    """`pick_counted` (Python) and DB_ORDERING (SQL) state the same "best" for any attempts."""
    contest, students = four_students
    Attempt.objects.filter(contest=contest).delete()
    t0 = timezone.now().replace(microsecond=0)
    created = [
        finish_attempt(
            contest,
            students[who],
            score=Decimal(score),
            time_used_s=used,
            finished_at=t0 + timedelta(microseconds=us),
            send=False,
        )
        for who, score, used, us in rows
    ]
    picked = {uid: a.pk for uid, a in pick_counted(created, CountingRule.BEST).items()}
    database = {}
    for attempt in Attempt.objects.filter(contest=contest).order_by(*DB_ORDERING):
        database.setdefault(attempt.user_id, attempt.pk)
    assert picked == database
