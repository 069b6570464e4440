"""The server-held timer with an injected clock, and its time feeding the overtime rule."""

from decimal import Decimal

import pytest

from stage import services
from stage.access import Actor
from stage.errors import WrongState
from stage.models import AuditAction, AuditEntry
from stage.selectors import event_results
from stage.timer import Timer, phase
from tests.stage.factories import T0, Stage, at

pytestmark = pytest.mark.django_db


def test_timer_accumulates_across_pauses():
    t = Timer().start(at(0)).pause(at(10)).start(at(20))
    assert t.elapsed_at(at(25)) == 15_000
    assert t.stop(at(30)).elapsed_ms == 20_000
    assert phase(239_999, limit_s=300, warning_s=60) == "normal"
    assert phase(240_000, limit_s=300, warning_s=60) == "warning"
    assert phase(300_001, limit_s=300, warning_s=60) == "overtime"


def test_stopped_time_sets_the_overtime_deduction_of_the_result():
    st = Stage(judges=3, time_limit_s=300)
    p = st.performers[0]
    services.performer_go(actor=st.host, event_id=st.event.pk, to="next", now=T0)
    assert st.refresh().current_performer_id == p.pk
    services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(0))
    services.timer_action(actor=st.host, event_id=st.event.pk, action="pause", now=at(100))
    services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(110))
    services.timer_action(actor=st.host, event_id=st.event.pk, action="stop", now=at(325.5))  # 315.5 s
    with pytest.raises(WrongState):
        services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(330))
    p.refresh_from_db()
    assert p.speech_ms == 315_500
    services.scoring_open(actor=st.host, event_id=st.event.pk, now=at(330))
    st.score_all(p, [30, 32, 34])
    services.performer_lock(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=at(340))
    row = event_results(st.refresh())[2].rows[0]
    # (78 + 80 + 82) / 3 = 80; 15.5 s over → 2 started steps → −0.2
    assert row.result.deduction == Decimal("0.2") and row.result.final == Decimal("79.80")
    actions = list(AuditEntry.objects.filter(action__startswith="timer_").values_list("action", flat=True))
    assert actions == ["timer_start", "timer_pause", "timer_start", "timer_stop"]


def test_moving_on_stops_a_running_timer_and_keeps_the_time():
    st = Stage(judges=1)
    first, second = st.performers[0], st.performers[1]
    services.performer_go(actor=st.host, event_id=st.event.pk, to="next", now=T0)
    services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(0))
    services.performer_go(actor=st.host, event_id=st.event.pk, to="next", now=at(42))
    first.refresh_from_db()
    event = st.refresh()
    assert first.speech_ms == 42_000 and event.current_performer_id == second.pk and event.timer_state == "idle"
    services.performer_go(actor=st.host, event_id=st.event.pk, to="prev", now=at(50))
    assert st.refresh().current_performer_id == first.pk
    assert AuditEntry.objects.filter(action=AuditAction.PERFORMER).count() == 3


def test_pausing_the_event_pauses_the_timer_and_refuses_a_start():
    st = Stage(judges=1)
    services.performer_go(actor=st.host, event_id=st.event.pk, to="next", now=T0)
    services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(0))
    services.event_set_status(actor=st.host, event_id=st.event.pk, status="paused", now=at(5))
    event = st.refresh()
    assert event.timer_state == "paused" and event.timer_elapsed_ms == 5000
    with pytest.raises(WrongState):
        services.timer_action(actor=st.host, event_id=st.event.pk, action="start", now=at(6))
    with pytest.raises(Exception):  # noqa: B017 - a judge may not pause the event
        services.event_set_status(actor=Actor(seat=st.seats[0]), event_id=st.event.pk, status="live", now=at(7))
