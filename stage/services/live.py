"""The host's actions on the day: move between performers, run the timer, open scoring, pause."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from ..access import Actor, check_host
from ..errors import NoSuchThing, WrongState
from ..models import AuditAction, EventStatus, Performer, StageEvent
from ..timer import RUNNING, STOPPED, Timer
from .common import audit, changed, locked_event

TIMER_ACTIONS = {"start", "pause", "stop", "reset"}


def _timer(event: StageEvent) -> Timer:
    return Timer(event.timer_state, event.timer_started_at, event.timer_elapsed_ms)


def _store_timer(event: StageEvent, timer: Timer) -> None:
    event.timer_state, event.timer_started_at, event.timer_elapsed_ms = timer.state, timer.started_at, timer.elapsed_ms


def _check_live(event: StageEvent) -> None:
    if event.status == EventStatus.FINISHED:
        raise WrongState()
    if event.drawn_at is None:
        raise WrongState("请先完成出场顺序抽签。")


@transaction.atomic
def performer_go(*, actor: Actor, event_id: int, to: str | int, now: datetime) -> StageEvent:
    """to: "next", "prev" or a performer id. A running timer is stopped first and its time kept."""
    event = locked_event(event_id)
    check_host(actor, event)
    _check_live(event)
    order = list(event.performers.order_by("running_order").values_list("pk", flat=True))
    if not order:
        raise NoSuchThing()
    current = event.current_performer_id
    if to == "next":
        target = order[0] if current not in order else order[min(order.index(current) + 1, len(order) - 1)]
    elif to == "prev":
        target = order[0] if current not in order else order[max(order.index(current) - 1, 0)]
    else:
        try:
            target = int(to)
        except (TypeError, ValueError):
            raise NoSuchThing() from None
        if target not in order:
            raise NoSuchThing()
    if target == current:
        return event
    if event.timer_state in (RUNNING, "paused"):
        _timer_apply(event, "stop", now)
    event.current_performer_id = target
    _store_timer(event, Timer())
    if event.status == EventStatus.DRAFT:
        event.status = EventStatus.LIVE
    event.save(update_fields=["current_performer", "timer_state", "timer_started_at", "timer_elapsed_ms", "status"])
    performer = Performer.objects.get(pk=target)
    audit(event=event, action=AuditAction.PERFORMER, actor=actor, now=now, performer=performer, to=str(to))
    changed(event)
    return event


def _timer_apply(event: StageEvent, action: str, now: datetime) -> None:
    timer = _timer(event)
    timer = (
        {"start": timer.start, "pause": timer.pause, "stop": timer.stop}[action](now)
        if action != "reset"
        else timer.reset()
    )
    _store_timer(event, timer)
    if event.current_performer_id and action in ("stop", "reset"):
        Performer.objects.filter(pk=event.current_performer_id).update(
            speech_ms=timer.elapsed_ms if action == "stop" else None
        )


@transaction.atomic
def timer_action(*, actor: Actor, event_id: int, action: str, now: datetime) -> StageEvent:
    """start / pause / stop / reset the current performer's timer. Stopping records the speech time
    that the overtime rule reads; a locked performer's time can no longer change."""
    event = locked_event(event_id)
    check_host(actor, event)
    _check_live(event)
    if action not in TIMER_ACTIONS:
        raise WrongState()
    if event.current_performer_id is None:
        raise WrongState("请先选择当前选手。")
    if event.status == EventStatus.PAUSED and action == "start":
        raise WrongState("活动已暂停。")
    performer = Performer.objects.get(pk=event.current_performer_id)
    if performer.locked_at is not None and action in ("start", "stop", "reset"):
        raise WrongState("该选手分数已锁定，计时不能再改变。")
    if action == "start" and event.timer_state == STOPPED:
        raise WrongState("计时已停止；如需重新计时请先重置。")
    _timer_apply(event, action, now)
    event.save(update_fields=["timer_state", "timer_started_at", "timer_elapsed_ms"])
    audit(
        event=event,
        action=f"timer_{action}",
        actor=actor,
        now=now,
        performer=performer,
        elapsed_ms=event.timer_elapsed_ms,
    )
    changed(event)
    return event


@transaction.atomic
def scoring_open(*, actor: Actor, event_id: int, now: datetime) -> Performer:
    event = locked_event(event_id)
    check_host(actor, event)
    _check_live(event)
    if event.current_performer_id is None:
        raise WrongState("请先选择当前选手。")
    performer = Performer.objects.select_for_update().get(pk=event.current_performer_id)
    if performer.locked_at is not None:
        raise WrongState("该选手分数已锁定。")
    if not performer.scoring_open:
        performer.scoring_open = True
        performer.save(update_fields=["scoring_open"])
        audit(event=event, action=AuditAction.SCORING_OPEN, actor=actor, now=now, performer=performer)
        changed(event)
    return performer


@transaction.atomic
def event_set_status(*, actor: Actor, event_id: int, status: str, now: datetime) -> StageEvent:
    """Pause (the screen shows a pause card, the timer pauses), resume, or finish the event."""
    event = locked_event(event_id)
    check_host(actor, event)
    transitions = {
        EventStatus.PAUSED: ({EventStatus.LIVE}, AuditAction.EVENT_PAUSE),
        EventStatus.LIVE: ({EventStatus.PAUSED}, AuditAction.EVENT_RESUME),
        EventStatus.FINISHED: ({EventStatus.LIVE, EventStatus.PAUSED, EventStatus.DRAFT}, AuditAction.EVENT_FINISH),
    }
    if status not in transitions or event.status not in transitions[status][0]:
        raise WrongState()
    if event.timer_state == RUNNING:
        _timer_apply(event, "pause", now)
    event.status = status
    event.save(update_fields=["status", "timer_state", "timer_started_at", "timer_elapsed_ms"])
    audit(event=event, action=transitions[status][1], actor=actor, now=now)
    changed(event)
    return event
