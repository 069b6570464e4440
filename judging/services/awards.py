"""Quotas into the next round, award tiers, publication.

Tie rule (the same for quotas and tiers, see judging.aggregation): scores are compared at two decimal
places; entries tied with the last place of a quota or tier all receive it (the quota is exceeded
rather than cut by lot), and the next tier starts after them, so it shrinks by the overflow."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import aggregation
from ..models import TIER_ORDER, Award, Round, RoundEntry, RoundStatus, SubmissionContest
from ..selectors import round_results
from .common import _require_manager, log
from .errors import JudgingError


def _check_quota(top_n, top_percent):
    if (top_n is None) == (top_percent is None):
        raise JudgingError("quota_choice", _("请在“前 N 名”和“前百分之 X”中选择一种。"))
    if top_n is not None and int(top_n) < 0:
        raise JudgingError("quota_invalid", _("名额不能为负数。"))
    if top_percent is not None:
        try:
            pct = Decimal(str(top_percent))
        except InvalidOperation:
            raise JudgingError("quota_invalid", _("百分比须为数字。")) from None
        if not pct.is_finite() or pct < 0 or pct > 100:
            raise JudgingError("quota_invalid", _("百分比须在 0 到 100 之间。"))


@transaction.atomic
def round_advance(
    *,
    actor: User,
    rnd: Round,
    next_round: Round,
    top_n: int | None = None,
    top_percent: Decimal | None = None,
    per_district: bool = True,
) -> list[int]:
    """Move the best entries of a closed round into the next one: top N or top X% (per district by
    default). Returns the advanced entry ids."""
    _require_manager(actor, rnd.contest)
    _check_quota(top_n, top_percent)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    next_round = Round.objects.select_for_update().get(pk=next_round.pk)
    if rnd.status != RoundStatus.CLOSED:
        raise JudgingError("round_not_closed", _("请先结束本轮评审，再确定晋级名单。"), 409)
    if next_round.contest_id != rnd.contest_id or next_round.order <= rnd.order:
        raise JudgingError("next_round_invalid", _("晋级目标必须是本比赛的后续轮次。"))
    if next_round.status != RoundStatus.SETUP:
        raise JudgingError("next_round_started", _("下一轮已开始，不能再调整晋级名单。"), 409)
    rows = [r for r in round_results(rnd) if r["score"] is not None]
    if not rows:
        raise JudgingError("round_no_scores", _("本轮没有得分的作品，无法确定晋级名单。"), 409)
    groups: dict = defaultdict(dict)
    for r in rows:
        key = r["entry"].district_id if per_district else None
        groups[key][r["entry"].pk] = r["score"]
    advanced: set[int] = set()
    for scores in groups.values():
        places = aggregation.quota_count(total=len(scores), top_n=top_n, top_percent=top_percent)
        advanced |= aggregation.select_top(scores, places)
    RoundEntry.objects.filter(round=rnd).update(advanced=False)
    RoundEntry.objects.filter(round=rnd, entry_id__in=advanced).update(advanced=True)
    RoundEntry.objects.filter(round=next_round).delete()
    RoundEntry.objects.bulk_create([RoundEntry(round=next_round, entry_id=e) for e in sorted(advanced)])
    log(
        rnd.contest,
        actor,
        "round_advance",
        round=rnd.pk,
        next_round=next_round.pk,
        top_n=top_n,
        top_percent=str(top_percent) if top_percent is not None else None,
        per_district=per_district,
        advanced=len(advanced),
    )
    return sorted(advanced)


@transaction.atomic
def awards_compute(*, actor: User, contest: SubmissionContest, rnd: Round, tiers: dict[str, dict]) -> list[Award]:
    """Draft awards from a closed round. tiers: {"first": {"count": 3} | {"percent": 5}, ...}; counts
    are per tier and accumulate in tier order (一等奖 → 优秀奖). Replaces the previous draft; refused
    after publication."""
    _require_manager(actor, contest)
    contest = SubmissionContest.objects.select_for_update().get(pk=contest.pk)
    if contest.awards_published_at:
        raise JudgingError("awards_published", _("奖项已公布并冻结，不能再修改。"), 409)
    rnd = Round.objects.get(pk=rnd.pk)
    if rnd.contest_id != contest.pk or rnd.status != RoundStatus.CLOSED:
        raise JudgingError("round_not_closed", _("请选择本比赛已结束的评审轮次。"), 409)
    rows = [r for r in round_results(rnd) if r["score"] is not None]
    scores = {r["entry"].pk: r["score"] for r in rows}
    n = len(scores)
    cumulative, running = [], 0
    for tier in TIER_ORDER:
        spec = tiers.get(tier) or {}
        count, percent = spec.get("count"), spec.get("percent")
        if count in (None, "") and percent in (None, ""):
            continue
        try:
            if count not in (None, ""):
                places = int(count)
            else:
                places = aggregation.quota_count(total=n, top_percent=Decimal(str(percent)))
        except (ValueError, InvalidOperation):
            raise JudgingError("tier_invalid", _("奖项名额须为数字。")) from None
        if places < 0:
            raise JudgingError("tier_invalid", _("奖项名额不能为负数。"))
        running += places
        cumulative.append((tier, running))
    if not cumulative:
        raise JudgingError("tier_missing", _("请至少设置一个奖项的名额。"))
    tier_of = aggregation.assign_tiers(scores, cumulative)
    ranks = aggregation.competition_ranks(scores)
    Award.objects.filter(contest=contest).delete()
    awards = [
        Award(contest=contest, entry_id=e, tier=tier_of[e], rank=ranks[e], score=aggregation.q2(scores[e]))
        for e in sorted(tier_of, key=lambda e: (ranks[e], e))
    ]
    Award.objects.bulk_create(awards)
    given = {t: {k: str(v) for k, v in (tiers.get(t) or {}).items() if v not in (None, "")} for t in TIER_ORDER}
    log(
        contest,
        actor,
        "awards_compute",
        round=rnd.pk,
        tiers=dict(cumulative),
        given={t: v for t, v in given.items() if v},
        awarded=len(awards),
    )
    return awards


@transaction.atomic
def awards_publish(*, actor: User, contest: SubmissionContest, now=None) -> int:
    """Publish the draft award list: stamped, logged, and frozen from then on."""
    _require_manager(actor, contest)
    contest = SubmissionContest.objects.select_for_update().get(pk=contest.pk)
    if contest.awards_published_at:
        raise JudgingError("awards_published", _("奖项已经公布。"), 409)
    now = now or timezone.now()
    count = Award.objects.filter(contest=contest).update(published_at=now)
    if not count:
        raise JudgingError("awards_empty", _("还没有拟定奖项名单。"), 409)
    contest.awards_published_at = now
    contest.save(update_fields=["awards_published_at"])
    log(contest, actor, "awards_publish", count=count)
    return count
