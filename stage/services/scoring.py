"""Judges' scores, the head judge's lock, corrections and the reveal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ..access import Actor, check_head, check_host
from ..aggregation import judge_total
from ..errors import (
    ConflictOfInterest,
    InvalidScore,
    Locked,
    NoSuchThing,
    NotAllowed,
    NotLocked,
    Pending,
    ScoringClosed,
)
from ..models import AuditAction, Criterion, JudgeSeat, Performer, Score
from ..selectors import pending_seats, seat_in_conflict
from .common import audit, changed

MAX_PLACES = 2


def _locked_performer(event_id: int, performer_id) -> Performer:
    try:
        pk = int(performer_id)
    except (TypeError, ValueError):
        raise NoSuchThing() from None
    performer = Performer.objects.select_for_update().select_related("event").filter(pk=pk, event_id=event_id).first()
    if performer is None:
        raise NoSuchThing()
    return performer


def normalise_points(criteria: list[Criterion], points: dict) -> dict[str, str]:
    """{criterion id: text} → {criterion id: canonical decimal text}; every criterion within its bounds."""
    if not isinstance(points, dict):
        raise InvalidScore()
    out: dict[str, str] = {}
    for c in criteria:
        raw = points.get(str(c.pk), points.get(c.pk))
        if raw is None or str(raw).strip() == "":
            raise InvalidScore(_("请填写“%(name)s”的分数。") % {"name": c.name})
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise InvalidScore(_("“%(name)s”的分数不是数字。") % {"name": c.name}) from None
        if not value.is_finite() or value.as_tuple().exponent < -MAX_PLACES:
            raise InvalidScore(_("“%(name)s”的分数最多保留两位小数。") % {"name": c.name})
        if not (c.min_points <= value <= c.max_points):
            raise InvalidScore(
                _("“%(name)s”的分数须在 %(lo)s 到 %(hi)s 之间。")
                % {"name": c.name, "lo": c.min_points, "hi": c.max_points}
            )
        out[str(c.pk)] = format(value.normalize(), "f")
    extra = {str(k) for k in points} - set(out)
    if extra:
        raise InvalidScore(_("包含未知的评分项。"))
    return out


def _total(criteria: list[Criterion], points: dict[str, str]) -> Decimal:
    return judge_total({k: Decimal(v) for k, v in points.items()}, {str(c.pk): c.weight for c in criteria})


@transaction.atomic
def score_submit(
    *, seat: JudgeSeat, performer_id: int, points: dict, client_id: str = "", now: datetime
) -> tuple[Score, bool]:
    """Save a judge's score. Idempotent per (seat, performer): resending the same points (a phone's
    offline queue) changes nothing and succeeds even after the lock. Returns (score, changed)."""
    performer = _locked_performer(seat.event_id, performer_id)
    criteria = list(Criterion.objects.filter(event_id=seat.event_id))
    if seat_in_conflict(seat, performer):
        raise ConflictOfInterest()
    normal = normalise_points(criteria, points)
    existing = Score.objects.filter(seat=seat, performer=performer).first()
    if existing is not None and existing.points == normal:
        return existing, False
    if performer.locked_at is not None:
        raise Locked()
    if not performer.scoring_open:
        raise ScoringClosed()
    actor = Actor(user=seat.user, seat=seat)
    if existing is None:
        score = Score.objects.create(
            seat=seat,
            performer=performer,
            points=normal,
            total=_total(criteria, normal),
            client_id=str(client_id)[:64],
            submitted_at=now,
            updated_at=now,
        )
        audit(event=performer.event, action=AuditAction.SCORE, actor=actor, now=now, performer=performer, points=normal)
    else:
        before = existing.points
        existing.points, existing.total = normal, _total(criteria, normal)
        existing.client_id, existing.updated_at = str(client_id)[:64], now
        existing.save(update_fields=["points", "total", "client_id", "updated_at"])
        score = existing
        audit(
            event=performer.event,
            action=AuditAction.SCORE_CHANGE,
            actor=actor,
            now=now,
            performer=performer,
            before=before,
            after=normal,
        )
    changed(performer.event)
    return score, True


@transaction.atomic
def performer_lock(*, actor: Actor, performer_id: int, event_id: int, now: datetime, force: bool = False) -> Performer:
    """Head judge (or host) locks a performer's scores. Refused while a judge is pending unless forced
    (a judge who cannot score at all); the forced lock is recorded with who was missing."""
    performer = _locked_performer(event_id, performer_id)
    check_head(actor, performer.event)
    if performer.locked_at is not None:
        return performer
    missing = pending_seats(performer)
    if missing and not force:
        names = "、".join(str(s) for s in missing)
        raise Pending(_("还有评委未提交分数：%(names)s。") % {"names": names})
    if not performer.scores.exists():
        raise Pending(_("还没有任何评委提交分数。"))
    performer.locked_at = now
    performer.scoring_open = False
    performer.save(update_fields=["locked_at", "scoring_open"])
    audit(
        event=performer.event,
        action=AuditAction.LOCK,
        actor=actor,
        now=now,
        performer=performer,
        missing=[s.number for s in missing],
    )
    changed(performer.event)
    return performer


@transaction.atomic
def score_correct(
    *, actor: Actor, performer_id: int, event_id: int, seat_number: int, points: dict, reason: str, now: datetime
) -> Score:
    """A change after locking: only the head judge or the host, with a reason; logged with before and
    after, and the screen marks the performer's result as 更正."""
    performer = _locked_performer(event_id, performer_id)
    check_head(actor, performer.event)
    if performer.locked_at is None:
        raise NotLocked()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidScore(_("更正须填写原因。"))
    seat = JudgeSeat.objects.filter(event_id=event_id, number=seat_number).first()
    if seat is None:
        raise NoSuchThing()
    if seat_in_conflict(seat, performer):
        raise ConflictOfInterest(_("该评委与选手需回避，不能为其评分。"))
    criteria = list(Criterion.objects.filter(event_id=event_id))
    normal = normalise_points(criteria, points)
    score = Score.objects.filter(seat=seat, performer=performer).first()
    before = score.points if score else None
    if score is None:
        score = Score(seat=seat, performer=performer, submitted_at=now)
    score.points, score.total, score.corrected, score.updated_at = normal, _total(criteria, normal), True, now
    score.save()
    performer.corrected = True
    performer.save(update_fields=["corrected"])
    audit(
        event=performer.event,
        action=AuditAction.CORRECTION,
        actor=actor,
        now=now,
        performer=performer,
        seat_number=seat.number,
        before=before,
        after=normal,
        reason=reason[:200],
    )
    changed(performer.event)
    return score


@transaction.atomic
def scores_reveal(*, actor: Actor, performer_id: int, event_id: int, now: datetime) -> Performer:
    performer = _locked_performer(event_id, performer_id)
    check_host(actor, performer.event)
    if performer.locked_at is None:
        raise NotLocked()
    if performer.revealed_at is None:
        performer.revealed_at = now
        performer.save(update_fields=["revealed_at"])
        audit(event=performer.event, action=AuditAction.REVEAL, actor=actor, now=now, performer=performer)
        changed(performer.event)
    return performer


def check_seat_active(seat: JudgeSeat | None) -> JudgeSeat:
    if seat is None:
        raise NotAllowed()
    return seat
