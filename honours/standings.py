"""The one place that counts votes and ranks candidates. The public page, the API, the big screen,
the export and `tally_votes` all read these functions, so they cannot disagree.

Published formula (shown on the rules page by `formula_text`):
- votes counted = votes in the log minus quarantined and invalidated ones;
- weighted: vote score = votes / top candidate's votes × 100 (0 when nobody has votes); combined =
  panel × w% + vote score × (100 − w)%, rounded half-up to 2 places; the panel score is the trimmed
  mean of the panel's totals at the voting level (judging.aggregation.trimmed_mean);
- gate: the top N by votes (everyone tied with the N-th included) go on, ranked by panel score;
- ties: higher combined, then higher panel score, then more votes, then earlier nomination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from judging.aggregation import q2, trimmed_mean

from .models import Campaign, CountDisplay, Formula, PanelScore, Vote, VoteFlag, VoteFlagState, VoteTally
from .voting_set import voting_candidates

NOT_COUNTED = (VoteFlagState.QUARANTINED, VoteFlagState.INVALIDATED)


def vote_counts(campaign_id: int, *, until: datetime | None = None) -> dict[int, int]:
    """Votes counted per candidate: the log's votes (cast before `until` when given) minus quarantined
    and invalidated ones. The log's votes come from the database's hourly tallies; before `until`, that
    is the whole hours before it plus the log's rows of the hour it falls in."""
    hour = until.replace(minute=0, second=0, microsecond=0) if until is not None else None
    total = tallied_counts(campaign_id, before=hour)
    if until is not None and until > hour:
        part = Vote.objects.filter(campaign_id=campaign_id, cast_at__gte=hour, cast_at__lt=until)
        for cid, n in part.values("candidate_id").annotate(n=Count("id")).values_list("candidate_id", "n"):
            total[cid] = total.get(cid, 0) + n
    flagged = VoteFlag.objects.filter(campaign_id=campaign_id, state__in=NOT_COUNTED)
    if until is not None:
        flagged = flagged.filter(vote__cast_at__lt=until)
    for cid, n in flagged.values("candidate_id").annotate(n=Count("id")).values_list("candidate_id", "n"):
        total[cid] = total.get(cid, 0) - n
    return total


def logged_counts(campaign_id: int) -> dict[int, int]:
    """The log's rows per candidate, counted from the log itself (what the tallies must add up to)."""
    rows = Vote.objects.filter(campaign_id=campaign_id).values("candidate_id").annotate(n=Count("id"))
    return dict(rows.values_list("candidate_id", "n"))


def tallied_counts(campaign_id: int, *, before: datetime | None = None) -> dict[int, int]:
    """The log's rows per candidate as the hourly tallies give them (only the hours before `before`)."""
    tallies = VoteTally.objects.filter(campaign_id=campaign_id)
    if before is not None:
        tallies = tallies.filter(hour__lt=before)
    rows = tallies.values("candidate_id").annotate(n=Sum("votes")).values_list("candidate_id", "n")
    return {cid: int(n) for cid, n in rows if n}


def invalidated_counts(campaign_id: int) -> dict[int, list[tuple[str, int]]]:
    """Per candidate: [(reason, votes)] of invalidated votes, for the public page."""
    out: dict[int, list[tuple[str, int]]] = {}
    rows = (
        VoteFlag.objects.filter(campaign_id=campaign_id, state=VoteFlagState.INVALIDATED)
        .values("candidate_id", "reason")
        .annotate(n=Count("id"))
        .order_by("candidate_id", "reason")
    )
    for r in rows:
        out.setdefault(r["candidate_id"], []).append((r["reason"], r["n"]))
    return out


def panel_scores(campaign: Campaign) -> dict[int, Decimal]:
    totals: dict[int, list[Decimal]] = {}
    rows = PanelScore.objects.filter(candidate__campaign=campaign, level__kind=campaign.voting_level)
    for cid, total in rows.values_list("candidate_id", "total"):
        totals.setdefault(cid, []).append(total)
    return {cid: trimmed_mean(vals) for cid, vals in totals.items()}


@dataclass
class Standing:
    rank: int
    candidate_id: int
    name: str
    school: str
    votes: int
    vote_score: Decimal
    panel: Decimal | None
    combined: Decimal | None
    honour: str = ""


def standing_key(s: Standing) -> tuple:
    """The tie rule in one key (ascending sort)."""
    return (-(s.combined or Decimal(-1)), -(s.panel or Decimal(-1)), -s.votes, s.candidate_id)


def standings(campaign: Campaign) -> list[Standing]:
    counts = vote_counts(campaign.pk)
    panel = panel_scores(campaign)
    cands = list(voting_candidates(campaign).select_related("school").order_by("id"))
    top = max((counts.get(c.pk, 0) for c in cands), default=0)
    weight = Decimal(campaign.panel_weight)
    rows = []
    for c in cands:
        votes = counts.get(c.pk, 0)
        vote_score = q2(Decimal(votes) * 100 / top) if top else Decimal("0.00")
        p = panel.get(c.pk)
        if campaign.formula == Formula.WEIGHTED:
            combined = q2((p or Decimal(0)) * weight / 100 + vote_score * (100 - weight) / 100)
        else:
            combined = p
        rows.append(Standing(0, c.pk, c.name, c.school.name, votes, vote_score, p, combined))
    if campaign.formula == Formula.GATE and campaign.gate_top_n:
        by_votes = sorted(rows, key=lambda s: -s.votes)
        if len(by_votes) > campaign.gate_top_n:
            cutoff = by_votes[campaign.gate_top_n - 1].votes
            for s in rows:
                if s.votes < cutoff:
                    s.combined = None  # did not pass the vote gate
    rows.sort(key=standing_key)
    honours = list(campaign.honours.order_by("order"))
    slots = [h.name for h in honours for _i in range(h.places)]
    for i, s in enumerate(rows, start=1):
        s.rank = i
        if s.combined is not None and i <= len(slots):
            s.honour = slots[i - 1]
    return rows


def _pct(value: Decimal) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def formula_text(campaign: Campaign) -> str:
    w = campaign.panel_weight
    if campaign.formula == Formula.WEIGHTED:
        main = (
            f"综合成绩 = 评审分 × {_pct(w)}% + 网络投票分 × {_pct(100 - w)}%；"
            "网络投票分 = 本人有效票数 ÷ 最高有效票数 × 100（无人得票时为 0）；结果四舍五入保留两位小数。"
        )
    else:
        main = f"有效票数前 {campaign.gate_top_n or '—'} 名（与第 N 名同票者一并入围）进入评审，按评审分排序。"
    return (
        main
        + "评审分为评审组总分的平均值（5 人及以上去掉一个最高分和一个最低分）。"
        + "同分时依次比较：评审分、有效票数、推荐先后。有效票数不含待核查和已作废的票。"
    )


def display_until(campaign: Campaign, now: datetime) -> datetime | None:
    """Counts shown to the public stop at the start of the display freeze."""
    if campaign.freeze_hours and campaign.vote_closes_at:
        freeze_at = campaign.vote_closes_at - timedelta(hours=campaign.freeze_hours)
        if freeze_at <= now < campaign.vote_closes_at:
            return freeze_at
    return None


def public_counts(campaign: Campaign, now: datetime) -> dict[int, dict]:
    """What the public may see per candidate: {"votes"} exact or rounded, or {"rank"} only; {} when
    the rules hide counts. Frozen at the freeze instant during the last H hours."""
    if campaign.count_display == CountDisplay.HIDDEN:
        return {}
    counts = vote_counts(campaign.pk, until=display_until(campaign, now))
    ids = list(voting_candidates(campaign).values_list("pk", flat=True))
    if campaign.count_display == CountDisplay.RANKS:
        ordered = sorted(ids, key=lambda cid: (-counts.get(cid, 0), cid))
        return {cid: {"rank": i} for i, cid in enumerate(ordered, start=1)}
    if campaign.count_display == CountDisplay.ROUNDED:
        return {cid: {"votes": int(round(counts.get(cid, 0), -2))} for cid in ids}
    return {cid: {"votes": counts.get(cid, 0)} for cid in ids}


def shows_votes(campaign: Campaign) -> bool:
    return campaign.count_display in (CountDisplay.EXACT, CountDisplay.ROUNDED)
