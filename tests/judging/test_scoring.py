from decimal import Decimal

import pytest

from judging import services
from judging.models import Assignment, AssignmentSource, JudgingLog, RoundEntry, RoundStatus, Score, ScoreStatus
from judging.services import JudgingError
from tests.factories import make_judge

from .factories import RUBRIC, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World(schools=4, judges=4, k=2)
    w.open_and_assign()
    return w


def first_assignment(world, judge=None):
    qs = Assignment.objects.filter(round=world.round)
    if judge:
        qs = qs.filter(judge=judge)
    return qs.order_by("pk").first()


def test_submitted_score_stores_weighted_total(world):
    a = first_assignment(world)
    score = world.score(a, [25, 26.5, 18, 17], comment="立意深刻")
    assert score.status == ScoreStatus.SUBMITTED
    assert score.total == Decimal("86.50")
    assert score.items.count() == 4


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([31, 20, 10, 10], "「立意」的分数须在 0 到 30 之间"),
        ([-1, 20, 10, 10], "须在 0 到 30 之间"),
        (["abc", 20, 10, 10], "须为数字"),
        ([20.25, 20, 10, 10], "最多保留一位小数"),
        ([20, 20, 10, None], "请为「语言」打分"),
        (["NaN", 20, 10, 10], "须在 0 到 30 之间"),
    ],
)
def test_bad_scores_are_refused_with_a_chinese_message_and_nothing_saved(world, values, message):
    a = first_assignment(world)
    with pytest.raises(JudgingError, match=message):
        world.score(a, values)
    assert not Score.objects.filter(assignment=a, status=ScoreStatus.SUBMITTED).exists()
    assert not Score.objects.filter(assignment=a).exists()  # the whole save rolled back


def test_a_draft_may_be_partial_and_is_not_locked(world):
    a = first_assignment(world)
    world.score(a, [20, None, None, None], submit=False)
    score = Score.objects.get(assignment=a)
    assert score.status == ScoreStatus.DRAFT and score.total == Decimal("20.00")
    world.score(a, [20, 20, 15, 15])
    assert Score.objects.get(assignment=a).total == Decimal("70.00")


def test_scoring_an_entry_not_assigned_to_you_is_refused(world):
    a = first_assignment(world)
    outsider = make_judge(world.tree.city, username="outsider")
    points = {c.pk: 10 for c in world.criteria()}
    with pytest.raises(JudgingError, match="未分配给您") as exc:
        services.score_save(judge=outsider, assignment=a, points=points, submit=True)
    assert exc.value.status == 403


def test_a_submitted_score_is_locked_until_an_organiser_reopens_it_with_a_logged_reason(world):
    a = first_assignment(world)
    world.score(a, [20, 20, 15, 15])
    with pytest.raises(JudgingError, match="已提交，不能修改"):
        world.score(a, [30, 30, 20, 20])
    score = Score.objects.get(assignment=a)
    with pytest.raises(JudgingError, match="须填写原因"):
        services.score_reopen(actor=world.organiser, score=score, reason=" ")
    with pytest.raises(JudgingError) as exc:
        services.score_reopen(actor=world.tree.organiser_b, score=score, reason="误操作")
    assert exc.value.status == 403
    services.score_reopen(actor=world.organiser, score=score, reason="评委误填语言分")
    log = JudgingLog.objects.get(action="score_reopen")
    assert log.detail["reason"] == "评委误填语言分" and log.actor == world.organiser
    world.score(a, [30, 30, 20, 20])
    assert Score.objects.get(assignment=a).total == Decimal("100.00")


def test_scoring_after_the_round_closes_is_refused(world):
    for a in Assignment.objects.filter(round=world.round):
        world.score(a, [20, 20, 15, 15])
    services.round_close(actor=world.organiser, rnd=world.round)
    a = first_assignment(world)
    Score.objects.filter(assignment=a).update(status=ScoreStatus.DRAFT)
    with pytest.raises(JudgingError, match="本轮评审已结束"):
        world.score(a, [10, 10, 10, 10])


def test_round_cannot_close_with_scores_pending(world):
    with pytest.raises(JudgingError, match="未提交"):
        services.round_close(actor=world.organiser, rnd=world.round)
    assert world.refresh_round().status == RoundStatus.JUDGING


def test_rubric_is_frozen_once_judging_starts(world):
    with pytest.raises(JudgingError, match="已冻结"):
        services.rubric_set(actor=world.organiser, contest=world.contest, criteria=RUBRIC[:2])
    assert world.contest.rubric.criteria.count() == 4


def test_large_disagreement_flags_the_entry_and_adds_one_extra_judge():
    w = World(schools=4, judges=5, k=2)
    w.open_and_assign()
    entry = w.entries[0]
    a1, a2 = Assignment.objects.filter(round=w.round, entry=entry).order_by("pk")
    w.score(a1, [29, 29, 19, 19])  # 96
    assert not RoundEntry.objects.get(round=w.round, entry=entry).flagged
    w.score(a2, [10, 10, 10, 10])  # 40: spread 56 > 20
    re_ = RoundEntry.objects.get(round=w.round, entry=entry)
    assert re_.flagged and "加派" in re_.flag_note
    extra = Assignment.objects.get(round=w.round, entry=entry, source=AssignmentSource.EXTRA)
    assert extra.judge_id not in {a1.judge_id, a2.judge_id}
    # the extra judge's score does not trigger yet another judge
    w.score(extra, [0, 0, 0, 0])
    assert Assignment.objects.filter(round=w.round, entry=entry).count() == 3


def test_agreeing_judges_do_not_flag():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    for a in Assignment.objects.filter(round=w.round, entry=w.entries[0]):
        w.score(a, [25, 25, 15, 15])
    assert not RoundEntry.objects.filter(flagged=True).exists()
    assert Assignment.objects.filter(round=w.round, entry=w.entries[0]).count() == 2
