"""Score aggregation, pure arithmetic on Decimals (no database), so every rule has a hand-checkable test.

* Judge total = Σ points_i × weight_i over the rubric's criteria (立意 30 + 内容 30 + 结构 20 + 语言 20 with
  weights 1 gives a total out of 100).
* Entry score = mean of its judges' totals; with 5 or more totals the single highest and single lowest
  are dropped first (去掉一个最高分和一个最低分).
* Optional standardisation, for rounds where judges see different subsets of entries. Assumption: each
  judge's subset is a fair sample of the same population, so a judge's mean and spread describe the
  judge's severity, not the quality of what they happened to read. Each total x by judge j becomes
  z = (x − mean_j) / sd_j, rescaled to the round's scale: x' = M + z × S, where M and S are the mean and
  (population) standard deviation of all totals of the round. A judge with fewer than 2 totals, or
  with sd_j = 0, is only shifted (x' = x − mean_j + M): dividing by a spread that is not there would
  invent one. The assumption fails when subsets really differ in quality (e.g. one judge got a strong
  school's batch); then leave standardisation off.
* Disagreement: spread = max − min of an entry's totals; above the round's threshold it is flagged.
* Ranking: one key (score rounded to 2 places, descending; then entry code) for quotas, awards and
  exports. Ties are decided by the rule in `competition_ranks`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def q2(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_total(points: dict[Hashable, Decimal], weights: dict[Hashable, Decimal]) -> Decimal:
    return q2(sum((Decimal(points[c]) * Decimal(w) for c, w in weights.items() if c in points), Decimal(0)))


def trimmed_mean(values: Iterable[Decimal]) -> Decimal | None:
    """Mean; with ≥5 values the single highest and lowest are dropped first."""
    vals = sorted(Decimal(v) for v in values)
    if not vals:
        return None
    if len(vals) >= 5:
        vals = vals[1:-1]
    return q2(sum(vals, Decimal(0)) / len(vals))


def spread(values: Iterable[Decimal]) -> Decimal:
    vals = [Decimal(v) for v in values]
    return q2(max(vals) - min(vals)) if vals else Decimal("0.00")


def _mean(vals: list[Decimal]) -> Decimal:
    return sum(vals, Decimal(0)) / len(vals)


def _sd(vals: list[Decimal]) -> Decimal:
    m = _mean(vals)
    return (sum(((v - m) ** 2 for v in vals), Decimal(0)) / len(vals)).sqrt()


def standardise(totals: list[tuple[Hashable, Hashable, Decimal]]) -> dict[tuple[Hashable, Hashable], Decimal]:
    """totals: (judge, entry, total) triples. Returns {(judge, entry): rescaled total}."""
    if not totals:
        return {}
    all_vals = [Decimal(t) for _j, _e, t in totals]
    big_m, big_s = _mean(all_vals), _sd(all_vals)
    by_judge: dict[Hashable, list[Decimal]] = defaultdict(list)
    for j, _e, t in totals:
        by_judge[j].append(Decimal(t))
    stats = {j: (_mean(v), _sd(v) if len(v) >= 2 else Decimal(0)) for j, v in by_judge.items()}
    out = {}
    for j, e, t in totals:
        m, s = stats[j]
        t = Decimal(t)
        out[(j, e)] = q2(big_m + (t - m) / s * big_s) if s > 0 else q2(t - m + big_m)
    return out


def ranking_key(*, score: Decimal | None, code: str) -> tuple:
    """Ascending sort key: best first. Entries without a score sort last."""
    return (score is None, -(q2(score) if score is not None else Decimal(0)), code)


def competition_ranks(scores: dict[Hashable, Decimal]) -> dict[Hashable, int]:
    """Standard competition ranking ("1224"): rank = 1 + number of strictly better scores, compared
    at 2 decimal places. Entries with equal scores share a rank."""
    rounded = {k: q2(v) for k, v in scores.items()}
    ordered = sorted(rounded.values(), reverse=True)
    first_pos = {}
    for i, v in enumerate(ordered):
        first_pos.setdefault(v, i + 1)
    return {k: first_pos[v] for k, v in rounded.items()}


def quota_count(*, total: int, top_n: int | None = None, top_percent: Decimal | None = None) -> int:
    """How many places a quota opens: top_n, or top_percent of total rounded half up (at least 1 when
    there is anyone and the percentage is positive)."""
    if top_n is not None:
        return max(0, min(int(top_n), total))
    if top_percent is not None:
        n = int((Decimal(total) * Decimal(top_percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if total and Decimal(top_percent) > 0:
            n = max(n, 1)
        return min(n, total)
    return total


def select_top(scores: dict[Hashable, Decimal], places: int) -> set[Hashable]:
    """Tie rule (documented for organisers): everyone whose competition rank is within the places is
    in, so entries tied with the last place all get in and the quota may be exceeded, never cut
    arbitrarily."""
    ranks = competition_ranks(scores)
    return {k for k, r in ranks.items() if r <= places}


def assign_tiers(scores: dict[Hashable, Decimal], cumulative: list[tuple[str, int]]) -> dict[Hashable, str]:
    """cumulative: [(tier, cumulative places)], best tier first, e.g. [("first", 1), ("second", 3)].
    An entry gets the first tier whose cumulative places reach its competition rank. So ties at a
    boundary all receive the higher tier, and the next tier starts after them (its own places shrink
    by the overflow; it never grows)."""
    ranks = competition_ranks(scores)
    out = {}
    for k, r in ranks.items():
        for tier, places in cumulative:
            if r <= places:
                out[k] = tier
                break
    return out
