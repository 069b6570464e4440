"""What each device of an event sees, built from the database on every change (tens of devices per
hall). Roles: screen and public see judges' status but no score before the reveal; a judge sees their
own score; the head judge and the host see who is pending; the host sees the result once locked."""

from __future__ import annotations

from datetime import datetime

from .aggregation import PerformerResult
from .devices import holds
from .models import Criterion, JudgeSeat, Performer, Score, StageEvent
from .selectors import conflict_map, event_results, fmt, performer_result, seat_in_conflict
from .timer import Timer, phase

ROLES = ("screen", "judge", "host", "public", "team")


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _num(value) -> str:
    return format(value.normalize(), "f")


def _performer(p: Performer | None) -> dict | None:
    if p is None:
        return None
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "unit": p.unit,
        "title": p.speech_title,
        "category": p.category.name,
        "order": p.running_order,
        "scoring_open": p.scoring_open,
        "locked": p.locked_at is not None,
        "revealed": p.revealed_at is not None,
        "corrected": p.corrected,
        "speech_ms": p.speech_ms,
    }


def _result(res: PerformerResult, seats: list[JudgeSeat], places: int) -> dict:
    rows = []
    for s in seats:
        total = res.totals.get(s.number)
        drop = "high" if s.number == res.dropped_high else "low" if s.number == res.dropped_low else None
        rows.append(
            {
                "seat": s.number,
                "name": s.name,
                "total": fmt(total, places) if total is not None else None,
                "dropped": drop,
                "skipped": s.number in res.skipped,
            }
        )
    return {
        "scores": rows,
        "mean": fmt(res.mean, places + 2) if res.mean is not None else None,
        "deduction": fmt(res.deduction, 2),
        "final": fmt(res.final, places),
        "trimmed": res.dropped_high is not None,
    }


def _draw(event: StageEvent) -> dict:
    out = {
        "commitment": event.draw_commitment,
        "rule": event.draw_public_input_rule,
        "drawn": event.drawn_at is not None,
        "order": [],
    }
    if event.drawn_at is not None:
        out["public_input"] = event.draw_public_input
        out["seed"] = event.draw_seed
        out["order"] = [
            {"order": p.running_order, "code": p.code, "name": p.name, "category": p.category.name}
            for p in event.performers.select_related("category").order_by("running_order")
        ]
    return out


def build(event_id: int, *, role: str, seat_id: int | None = None, now: datetime) -> dict | None:
    """The role's view of the event now; None if the event is gone (or the judge's seat is)."""
    data = shared(event_id, host=role == "host", now=now)
    if data is None:
        return None
    data = {**data, "role": role}
    if role == "judge":
        mine = judge_part(event_id, seat_id, data["performer"]["id"] if data["performer"] else None)
        if mine is None:
            return None
        data.update(mine)
    return data


def judge_part(
    event_id: int, seat_id: int | None, performer_id: int | None, *, by_link: bool = False, device: str | None = None
) -> dict | None:
    """A judge's own part: their seat, their score for the current performer, the criteria. None when
    the seat is gone or (for a judge who came by link) its link was revoked or is bound to another device."""
    seat = JudgeSeat.objects.filter(pk=seat_id, event_id=event_id).first() if seat_id else None
    if seat is None or (
        by_link and (seat.link_revoked_at is not None or not seat.link_hash or not holds(seat, device))
    ):
        return None
    current = Performer.objects.filter(pk=performer_id).first() if performer_id else None
    mine = Score.objects.filter(seat=seat, performer=current).first() if current else None
    return {
        "me": {
            "seat": seat.number,
            "name": seat.name,
            "head": seat.is_head,
            "conflict": current is not None and seat_in_conflict(seat, current),
            "points": mine.points if mine else None,
            "total": fmt(mine.total, 2) if mine else None,
        },
        "criteria": [
            {"id": c.pk, "name": c.name, "min": _num(c.min_points), "max": _num(c.max_points), "weight": _num(c.weight)}
            for c in Criterion.objects.filter(event_id=event_id)
        ],
    }


def shared(event_id: int, *, host: bool, now: datetime) -> dict | None:
    """What every device of the event sees (host=False), or the host's view (host=True). Built once per
    change and shared by every socket of the process (stage.consumers)."""
    role = "host" if host else "shared"
    event = StageEvent.objects.filter(pk=event_id).first()
    if event is None:
        return None
    seats = list(event.seats.all())
    current = Performer.objects.select_related("category").filter(pk=event.current_performer_id).first()
    timer = Timer(event.timer_state, event.timer_started_at, event.timer_elapsed_ms)
    elapsed = timer.elapsed_at(now)
    data: dict = {
        "type": "state",
        "role": role,
        "version": event.version,
        "server_ms": ms(now),
        "event": {"id": event.pk, "title": event.title, "status": event.status, "decimals": event.decimals},
        "timer": {
            "state": timer.state,
            "elapsed_ms": elapsed,
            "limit_ms": event.time_limit_s * 1000,
            "warning_ms": event.warning_s * 1000,
            "phase": phase(elapsed, limit_s=event.time_limit_s, warning_s=event.warning_s),
        },
        "performer": _performer(current),
        "draw": _draw(event),
    }
    if event.kind == "final":
        from .selectors_final import final_part

        data["final"] = final_part(event, host=role == "host")
        return data
    conflicts = conflict_map(event)
    if current is not None:
        scores = list(Score.objects.filter(performer=current))
        done = {s.seat_id for s in scores}
        data["seats"] = [
            {
                "seat": s.number,
                "name": s.name,
                "head": s.is_head,
                "status": "conflict"
                if (s.pk, current.pk) in conflicts
                else ("submitted" if s.pk in done else "pending"),
            }
            for s in seats
        ]
        res = performer_result(event, current, scores, seats, conflicts)
        if current.revealed_at is not None or (role == "host" and current.locked_at is not None):
            data["result"] = _result(res, seats, event.decimals)
    data["ranking"] = [
        {
            "category": cr.category.name,
            "rows": [
                {
                    "rank": r.rank,
                    "code": r.performer.code,
                    "name": r.performer.name,
                    "unit": r.performer.unit,
                    "final": fmt(r.result.final, event.decimals),
                    "corrected": r.performer.corrected,
                }
                for r in cr.rows
                if r.rank is not None
            ],
        }
        for cr in event_results(event, only="revealed")
    ]
    if role == "host":
        data["performers"] = [
            {**_performer(p), "current": p.pk == event.current_performer_id}
            for p in event.performers.select_related("category").order_by("running_order", "code")
        ]
    return data
