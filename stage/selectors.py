"""Reads: conflicts, pending judges, each performer's result and the rankings. `event_results` is the
one place a result and a rank are computed; the public page, the screen, the xlsx export, the bias
report and the certificates all read it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .aggregation import PerformerResult, aggregate, award_tiers, overtime_deduction, rank
from .models import AwardMode, Category, JudgeSeat, Performer, Score, StageEvent

TIERS = [("first", _("一等奖")), ("second", _("二等奖")), ("third", _("三等奖")), ("merit", _("优秀奖"))]
TIER_LABELS = dict(TIERS)


def seat_in_conflict(seat: JudgeSeat, performer: Performer) -> bool:
    if seat.unit_org_id and seat.unit_org_id == performer.unit_org_id:
        return True
    return seat.conflicts.filter(pk=performer.pk).exists()


def conflict_map(event: StageEvent) -> set[tuple[int, int]]:
    """{(seat id, performer id)} for every declared or same-unit conflict of the event, in 2 queries."""
    seats = list(event.seats.all())
    out = {(t.judgeseat_id, t.performer_id) for t in JudgeSeat.conflicts.through.objects.filter(judgeseat__event=event)}
    by_org: dict[int, list[int]] = {}
    for s in seats:
        if s.unit_org_id:
            by_org.setdefault(s.unit_org_id, []).append(s.pk)
    if by_org:
        for pid, org_id in Performer.objects.filter(event=event, unit_org_id__in=by_org).values_list(
            "pk", "unit_org_id"
        ):
            out.update((sid, pid) for sid in by_org[org_id])
    return out


def pending_seats(performer: Performer) -> list[JudgeSeat]:
    conflicts = conflict_map(performer.event)
    done = set(Score.objects.filter(performer=performer).values_list("seat_id", flat=True))
    return [s for s in performer.event.seats.all() if s.pk not in done and (s.pk, performer.pk) not in conflicts]


def performer_result(
    event: StageEvent, performer: Performer, scores: list[Score], seats: list[JudgeSeat], conflicts: set
) -> PerformerResult:
    skipped = [s.number for s in seats if (s.pk, performer.pk) in conflicts]
    number = {s.pk: s.number for s in seats}
    totals = {number[sc.seat_id]: sc.total for sc in scores if (sc.seat_id, performer.pk) not in conflicts}
    deduction = overtime_deduction(
        speech_ms=performer.speech_ms,
        limit_s=event.time_limit_s,
        step_s=event.overtime_step_s,
        step_deduction=event.overtime_deduction,
    )
    return aggregate(
        totals, trim_min=event.trim_min_judges, places=event.decimals, deduction=deduction, skipped=skipped
    )


@dataclass
class Row:
    performer: Performer
    result: PerformerResult
    rank: int | None = None
    tier: str | None = None

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS.get(self.tier, "")) if self.tier else ""


@dataclass
class CategoryResults:
    category: Category
    rows: list[Row]  # ranked rows first, then performers without a counted result


def event_results(event: StageEvent, *, only: str = "locked") -> list[CategoryResults]:
    """Per category, ranked by `aggregation.rank_key`, with award tiers. `only`: "locked" (the official
    results: locked scores), "revealed" (what the hall has seen: the screen and the public page)."""
    seats = list(event.seats.all())
    conflicts = conflict_map(event)
    performers = list(event.performers.select_related("category").order_by("running_order", "code"))
    scores: dict[int, list[Score]] = {}
    for sc in Score.objects.filter(performer__event=event):
        scores.setdefault(sc.performer_id, []).append(sc)
    quotas = [(t, getattr(event, f"award_{t}")) for t, _label in TIERS]
    out = []
    for category in event.categories.all():
        rows = []
        counted: dict[int, tuple[PerformerResult, int | None]] = {}
        for p in performers:
            if p.category_id != category.pk:
                continue
            res = performer_result(event, p, scores.get(p.pk, []), seats, conflicts)
            row = Row(p, res)
            rows.append(row)
            visible = p.revealed_at is not None if only == "revealed" else p.locked_at is not None
            if visible and res.final is not None:
                counted[p.pk] = (res, p.running_order)
        order = rank(counted)
        tiers = award_tiers(len(order), quotas, percent=event.award_mode == AwardMode.PERCENT)
        by_pk = {r.performer.pk: r for r in rows}
        ranked = []
        for i, pk in enumerate(order):
            by_pk[pk].rank, by_pk[pk].tier = i + 1, tiers[i]
            ranked.append(by_pk[pk])
        rest = [r for r in rows if r.performer.pk not in counted]
        out.append(CategoryResults(category, ranked + rest))
    return out


def fmt(value: Decimal | None, places: int) -> str | None:
    if value is None:
        return None
    return f"{value:.{places}f}"
