"""The stage scoring rule, pure arithmetic on Decimals (no database), published on the event page.

* Judge total = Σ points × weight over the criteria (each criterion's points within its min/max).
* Performer score = mean of the valid totals; with at least `trim_min` totals (default 5) the single
  highest and the single lowest are dropped first ("去掉一个最高分、去掉一个最低分"). A judge in
  conflict with the performer does not score, so the panel may be smaller for that performer.
* Overtime: over = speech time − time limit; every started `step_s` over deducts `step_deduction`
  (e.g. 10 s steps, −0.1 each: 5:00.001 over a 5:00 limit is −0.1, 5:10.000 is −0.1, 5:10.001 is −0.2).
* Final = score − deduction, shown rounded half-up to the event's decimal places.
* Ranking within a category (the tie rule): higher final at the shown places; if equal, higher final
  computed exactly (more decimals); if equal, higher median of the valid totals; if still equal, the
  earlier running-order position. So ranks are always distinct and stated. `rank_key` owns it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

EXACT = Decimal("0.000001")


def quantize(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def judge_total(points: dict[Hashable, Decimal], weights: dict[Hashable, Decimal]) -> Decimal:
    return sum((Decimal(points[c]) * Decimal(w) for c, w in weights.items() if c in points), Decimal(0))


def overtime_deduction(*, speech_ms: int | None, limit_s: int, step_s: int, step_deduction: Decimal) -> Decimal:
    if speech_ms is None:
        return Decimal(0)
    over_ms = speech_ms - limit_s * 1000
    if over_ms <= 0:
        return Decimal(0)
    return Decimal(step_deduction) * math.ceil(over_ms / (step_s * 1000))


def median(values: list[Decimal]) -> Decimal:
    vals = sorted(values)
    n = len(vals)
    mid = n // 2
    return vals[mid] if n % 2 else (vals[mid - 1] + vals[mid]) / 2


@dataclass(frozen=True)
class PerformerResult:
    totals: dict[Hashable, Decimal]  # judge → total, only the judges who count (conflicts excluded)
    dropped_high: Hashable | None
    dropped_low: Hashable | None
    mean: Decimal | None  # exact mean of the kept totals
    deduction: Decimal
    final_exact: Decimal | None
    final: Decimal | None  # rounded to the event's places: what the screen shows
    median: Decimal | None
    skipped: list[Hashable] = field(default_factory=list)  # judges in conflict

    @property
    def kept(self) -> list[Hashable]:
        return [j for j in self.totals if j not in (self.dropped_high, self.dropped_low)]


def aggregate(
    totals: dict[Hashable, Decimal],
    *,
    trim_min: int = 5,
    places: int = 2,
    deduction: Decimal = Decimal(0),
    skipped: Iterable[Hashable] = (),
) -> PerformerResult:
    """Judges' totals → the performer's result. Of two equal lowest totals the judge whose key sorts
    first is marked dropped, of two equal highest the one that sorts last (never the same judge twice);
    the score is the same either way."""
    totals = {j: Decimal(t) for j, t in totals.items()}
    skipped = list(skipped)
    if not totals:
        return PerformerResult({}, None, None, None, Decimal(deduction), None, None, None, skipped)
    ordered = sorted(totals.items(), key=lambda jt: (jt[1], str(jt[0])))
    high = low = None
    kept = [t for _j, t in ordered]
    if len(ordered) >= trim_min:
        low, high = ordered[0][0], ordered[-1][0]
        kept = [t for _j, t in ordered[1:-1]]
    mean = sum(kept, Decimal(0)) / len(kept)
    final_exact = (mean - Decimal(deduction)).quantize(EXACT, rounding=ROUND_HALF_UP)
    return PerformerResult(
        totals=totals,
        dropped_high=high,
        dropped_low=low,
        mean=mean,
        deduction=Decimal(deduction),
        final_exact=final_exact,
        final=quantize(final_exact, places),
        median=median(list(totals.values())),
        skipped=skipped,
    )


def rank_key(result: PerformerResult, running_order: int | None) -> tuple:
    """Ascending sort key, best first; performers without a result sort last."""
    if result.final is None:
        return (1, 0, 0, 0, running_order or 0)
    return (0, -result.final, -result.final_exact, -result.median, running_order or 0)


def rank(results: dict[Hashable, tuple[PerformerResult, int | None]]) -> list[Hashable]:
    """Performer keys in ranking order (see the tie rule above)."""
    return sorted(results, key=lambda k: rank_key(*results[k]))


def award_tiers(n_ranked: int, quotas: list[tuple[str, Decimal]], *, percent: bool) -> list[str | None]:
    """Tier per rank position (index 0 = first place). quotas: [(tier, places or percent)], best first.
    Percentages are of the ranked performers, rounded half up."""
    from judging.aggregation import quota_count

    out: list[str | None] = [None] * n_ranked
    pos = 0
    for tier, amount in quotas:
        count = quota_count(total=n_ranked, top_percent=amount) if percent else int(amount)
        if percent and Decimal(amount) <= 0:
            count = 0
        for i in range(pos, min(n_ranked, pos + count)):
            out[i] = tier
        pos += count
    return out
