"""Judges' scores, the head judge's lock, corrections, conflicts, the reveal and the audit trail."""

from decimal import Decimal

import pytest

from stage import services
from stage.access import Actor
from stage.errors import ConflictOfInterest, InvalidScore, Locked, NotAllowed, NotLocked, Pending, ScoringClosed
from stage.models import AuditAction, AuditEntry, Score
from stage.selectors import event_results
from tests.events import capture_events
from tests.stage.factories import T0, Stage, at

pytestmark = pytest.mark.django_db


def test_resending_the_same_score_is_a_no_op_and_one_row_stays():
    st = Stage(judges=3)
    p = st.performers[0]
    st.open(p)
    seat = st.seats[1]
    score, changed = services.score_submit(seat=seat, performer_id=p.pk, points=st.points(35), client_id="a1", now=T0)
    assert changed and score.total == Decimal("83")  # 35 + 25 + 15 + 8
    with capture_events(expected=0):
        again, changed = services.score_submit(seat=seat, performer_id=p.pk, points=st.points(35), now=at(30))
    assert not changed and again.pk == score.pk
    assert Score.objects.filter(seat=seat, performer=p).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.SCORE, performer=p).count() == 1


def test_judge_may_change_until_the_lock_then_only_a_logged_correction():
    st = Stage(judges=3)
    p = st.performers[0]
    st.open(p)
    st.score_all(p, [30, 32, 34])
    services.score_submit(seat=st.seats[2], performer_id=p.pk, points=st.points(36), now=at(5))
    assert AuditEntry.objects.filter(action=AuditAction.SCORE_CHANGE).count() == 1
    head = Actor(seat=st.seats[0])
    services.performer_lock(actor=head, event_id=st.event.pk, performer_id=p.pk, now=at(10))
    with pytest.raises(Locked):
        services.score_submit(seat=st.seats[2], performer_id=p.pk, points=st.points(38), now=at(11))
    # the phone's queued copy of the score it already sent is still acknowledged after the lock
    _s, changed = services.score_submit(seat=st.seats[2], performer_id=p.pk, points=st.points(36), now=at(12))
    assert not changed
    with pytest.raises(InvalidScore):
        services.score_correct(
            actor=head,
            event_id=st.event.pk,
            performer_id=p.pk,
            seat_number=3,
            points=st.points(38),
            reason="",
            now=at(13),
        )
    services.score_correct(
        actor=head,
        event_id=st.event.pk,
        performer_id=p.pk,
        seat_number=3,
        points=st.points(38),
        reason="录入错误",
        now=at(14),
    )
    p.refresh_from_db()
    assert p.corrected
    entry = AuditEntry.objects.get(action=AuditAction.CORRECTION)
    assert (
        entry.seat == st.seats[0]
        and entry.data["reason"] == "录入错误"
        and entry.data["before"]["" + str(st.criteria[0].pk)] == "36"
    )
    row = event_results(st.refresh())[2].rows[0]
    assert row.result.totals[3] == Decimal(38 + 25 + 15 + 8)


def test_lock_waits_for_pending_judges_unless_forced():
    st = Stage(judges=3)
    p = st.performers[0]
    st.open(p)
    st.score_all(p, [30, 32])
    head = Actor(seat=st.seats[0])
    with pytest.raises(Pending) as exc:
        services.performer_lock(actor=head, event_id=st.event.pk, performer_id=p.pk, now=at(1))
    assert "3号" in exc.value.message
    services.performer_lock(actor=head, event_id=st.event.pk, performer_id=p.pk, now=at(2), force=True)
    assert AuditEntry.objects.get(action=AuditAction.LOCK).data["missing"] == [3]


def test_a_judge_from_the_performers_school_is_skipped_and_the_result_says_so():
    st = Stage(judges=5)
    # performer "选手1" comes from school_a (by name); seat 4 is from the same school
    first = next(p for p in st.performers if p.name == "选手1")
    assert first.unit_org_id == st.tree.school_a.pk
    seat4 = st.seats[3]
    seat4.unit_org = st.tree.school_a
    seat4.save()
    st.open(first)
    with pytest.raises(ConflictOfInterest):
        services.score_submit(seat=seat4, performer_id=first.pk, points=st.points(40), now=T0)
    for seat, content in zip([st.seats[0], st.seats[1], st.seats[2], st.seats[4]], [30, 32, 34, 36], strict=True):
        services.score_submit(seat=seat, performer_id=first.pk, points=st.points(content), now=T0)
    services.performer_lock(actor=Actor(seat=st.seats[0]), event_id=st.event.pk, performer_id=first.pk, now=at(1))
    row = next(r for r in event_results(st.refresh())[2].rows if r.performer.pk == first.pk)
    assert row.result.skipped == [4]
    # four counted judges: plain mean, nothing dropped: (78 + 80 + 82 + 84) / 4 = 81
    assert row.result.dropped_high is None and row.result.final == Decimal("81.00")


def test_scores_outside_the_bounds_or_before_opening_are_refused():
    st = Stage(judges=3)
    p = st.performers[0]
    with pytest.raises(ScoringClosed):
        services.score_submit(seat=st.seats[0], performer_id=p.pk, points=st.points(30), now=T0)
    st.open(p)
    with pytest.raises(InvalidScore):
        services.score_submit(seat=st.seats[0], performer_id=p.pk, points=st.points(41), now=T0)
    with pytest.raises(InvalidScore):
        services.score_submit(seat=st.seats[0], performer_id=p.pk, points=st.points("3.333"), now=T0)
    with pytest.raises(InvalidScore):
        services.score_submit(seat=st.seats[0], performer_id=p.pk, points={str(st.criteria[0].pk): "30"}, now=T0)
    assert not Score.objects.exists()


def test_only_the_host_reveals_and_only_after_the_lock():
    st = Stage(judges=3)
    p = st.performers[0]
    st.open(p)
    st.score_all(p, [30, 32, 34])
    with pytest.raises(NotLocked):
        services.scores_reveal(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=at(1))
    with pytest.raises(NotAllowed):
        services.performer_lock(actor=Actor(seat=st.seats[1]), event_id=st.event.pk, performer_id=p.pk, now=at(1))
    services.performer_lock(actor=Actor(seat=st.seats[0]), event_id=st.event.pk, performer_id=p.pk, now=at(2))
    with pytest.raises(NotAllowed):
        services.scores_reveal(actor=Actor(seat=st.seats[0]), event_id=st.event.pk, performer_id=p.pk, now=at(3))
    with pytest.raises(NotAllowed):
        services.scores_reveal(
            actor=Actor(user=st.tree.organiser_b), event_id=st.event.pk, performer_id=p.pk, now=at(3)
        )
    services.scores_reveal(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=at(3))
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, actor=st.tree.city_organiser).count() == 1


def test_a_district_organiser_cannot_host_a_city_event_nor_a_judge():
    st = Stage(judges=1)
    for user in (st.tree.organiser_a, st.judge_users[0], st.tree.teacher_a):
        with pytest.raises(NotAllowed):
            services.performer_go(actor=Actor(user=user), event_id=st.event.pk, to="next", now=T0)
