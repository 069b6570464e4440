"""The database is the source of truth: rebuilds restore exactly the live ranks, a flushed Redis loses
nothing, and a rolled-back score never reaches a board."""

import os

import pytest
from django.core.management import call_command
from django.db import transaction

from leaderboards.selectors import board_read
from leaderboards.store import DISTRICT, INDIVIDUAL, SCHOOL, get_store
from tests.factories import Tree, make_student
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = pytest.mark.django_db(transaction=True)


def _play(tree, contest, n=30):
    students = [make_student(tree.class_a if i % 2 else tree.class_b) for i in range(n)]
    for i, s in enumerate(students):
        finish_attempt(contest, s, score=(i * 7) % 40, time_used_s=100 + i)
    for s in students[::3]:
        finish_attempt(contest, s, score=45, time_used_s=500)  # a second, better attempt counts
    return students


def _boards(contest):
    return {s: board_read(contest_id=contest.pk, scope=s, limit=100).entries for s in (INDIVIDUAL, SCHOOL, DISTRICT)}


def test_rebuild_command_restores_exactly_the_live_ranks(backend, capsys):
    tree = Tree()
    contest = make_contest(tree.city)
    _play(tree, contest)
    live = _boards(contest)
    assert len(live[INDIVIDUAL]) == 30
    call_command("rebuild_leaderboard", str(contest.pk))
    assert "30 participants" in capsys.readouterr().out
    assert _boards(contest) == live


@pytest.mark.redis
def test_redis_flushed_mid_contest_loses_no_score(settings, lb_prefix):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    tree = Tree()
    contest = make_contest(tree.city)
    students = _play(tree, contest)
    before = _boards(contest)
    # Redis restarted empty: every key of this board is gone
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(*list(client.scan_iter(match=f"{lb_prefix}:*")))
    # the next answer arrives while the keys are missing, then viewers read
    finish_attempt(contest, students[1], score=99, time_used_s=1)
    after = _boards(contest)
    assert after[INDIVIDUAL][0]["score"] == 99.0 and len(after[INDIVIDUAL]) == 30
    without_new = [e for e in after[INDIVIDUAL] if e["key"] != f"u{students[1].pk}"]
    assert [e["key"] for e in without_new] == [e["key"] for e in before[INDIVIDUAL] if e["key"] != f"u{students[1].pk}"]


def test_rolled_back_score_never_reaches_the_board(backend):
    tree = Tree()
    contest = make_contest(tree.city)
    finish_attempt(contest, tree.student_a, score=50, time_used_s=100)
    with pytest.raises(RuntimeError), transaction.atomic():
        finish_attempt(contest, tree.student_b, score=90, time_used_s=10)
        raise RuntimeError("scoring failed")
    entries = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=10).entries
    assert [e["name"] for e in entries] == ["张小明"]
    assert get_store().me_many(contest.pk, INDIVIDUAL, [tree.student_b.pk])[tree.student_b.pk] is None


def test_attempt_finished_before_the_freeze_but_scored_later_reaches_the_frozen_board(backend):
    from datetime import timedelta

    from django.utils import timezone

    from leaderboards.store import FROZEN

    tree = Tree()
    now = timezone.now()
    contest = make_contest(tree.city, closes_at=now + timedelta(minutes=10), freeze_minutes=30)
    early = make_student(tree.class_a, real_name="早交卷")
    finish_attempt(contest, early, score=50, time_used_s=100, finished_at=now - timedelta(hours=1))
    frozen = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=10, variant=FROZEN)
    assert [e["name"] for e in frozen.entries] == ["早交卷"]
    # an attempt whose deadline passed before the freeze, finalised only now by the sweep
    swept = make_student(tree.class_b, real_name="超时未归")
    finish_attempt(contest, swept, score=80, time_used_s=1800, finished_at=now - timedelta(minutes=45))
    late = make_student(tree.class_b, real_name="封榜后交卷")
    finish_attempt(contest, late, score=99, time_used_s=60, finished_at=now - timedelta(minutes=1))
    frozen = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=10, variant=FROZEN)
    assert [e["name"] for e in frozen.entries] == ["超时未归", "早交卷"]
