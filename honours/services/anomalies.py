"""Anomaly detection over a campaign's vote log, in SQL aggregations (GROUP BY returns few rows) plus
one streamed pass over code votes only. Flagged votes get a VoteFlag (quarantined: not counted) and are
never deleted; the committee invalidates or releases them with a reason (`vote_flags_review`).

Rules and thresholds (HONOURS_ANOMALY settings override; published in honours/README.md):
- burst: a candidate's votes in a 5-minute bucket ≥ burst_min and > burst_factor × the median of the
  previous 12 buckets (empty buckets count as 0, median at least 1);
- ip: one /24 gives one candidate ≥ ip_min votes on one day and ≥ ip_share of that candidate's day;
- ua: one User-Agent hash gives one candidate ≥ ua_min votes on a day and ≥ ua_share of that day;
- code_cluster: ≥ cluster_size votes for one candidate from codes of one batch within cluster_seconds;
- new_account: cast less than new_account_s after the account was created;
- single_candidate: a voter with ≥ single_min votes, all for one candidate;
- night: ≥ night_min votes for a candidate between 00:00 and 05:00 local time on one night that are
  ≥ night_share of that candidate's votes that day."""

from __future__ import annotations

import statistics
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.selectors import Scope

from ..errors import HonoursError
from ..live import counts_changed
from ..models import Campaign, Vote, VoteFlag, VoteFlagState

DEFAULTS = {
    "burst_min": 30,
    "burst_factor": 5,
    "ip_min": 30,
    "ip_share": 0.3,
    "ua_min": 100,
    "ua_share": 0.5,
    "cluster_size": 5,
    "cluster_seconds": 10,
    "new_account_s": 600,
    "single_min": 5,
    "night_min": 20,
    "night_share": 0.5,
}
RULE_LABELS = {
    "burst": "单个候选人 5 分钟内票数突增",
    "ip": "同一网段（/24）集中投票",
    "ua": "同一设备标识集中投票",
    "code_cluster": "同批投票码数秒内集中投票",
    "new_account": "新注册账号即投票",
    "single_candidate": "只投同一候选人",
    "night": "夜间集中投票",
}
CHUNK = 2000


def thresholds() -> dict:
    return {**DEFAULTS, **getattr(settings, "HONOURS_ANOMALY", {})}


def _epoch_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(EPOCH FROM cast_at) AS BIGINT)"
    return "CAST(strftime('%%s', cast_at) AS INTEGER)"


def _tz_offset_s() -> int:
    return int(timezone.localtime(timezone.now()).utcoffset().total_seconds())


@dataclass
class AnomalyReport:
    groups: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    flagged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_flags: int = 0


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _table() -> str:
    return connection.ops.quote_name(Vote._meta.db_table)


def _burst(cid: int, t: dict, report: AnomalyReport) -> Q:
    rows = _rows(
        f"SELECT candidate_id, {_epoch_sql()} / 300 AS b, COUNT(*) FROM {_table()} "  # noqa: S608 (constants only)
        "WHERE campaign_id = %s GROUP BY candidate_id, b ORDER BY candidate_id, b",
        [cid],
    )
    per: dict[int, dict[int, int]] = defaultdict(dict)
    for cand, bucket, n in rows:
        per[cand][int(bucket)] = n
    q = Q(pk__in=[])
    for cand, buckets in per.items():
        for bucket, n in buckets.items():
            if n < t["burst_min"]:
                continue
            history = [buckets.get(bucket - k, 0) for k in range(1, 13)]
            median = max(statistics.median(history), 1)
            if n > t["burst_factor"] * median:
                start = datetime.fromtimestamp(bucket * 300, tz=UTC)
                end = datetime.fromtimestamp((bucket + 1) * 300, tz=UTC)
                report.groups["burst"].append(f"候选人 {cand}：{start:%m-%d %H:%M} 起 5 分钟 {n} 票（中位数 {median}）")
                q |= Q(candidate_id=cand, cast_at__gte=start, cast_at__lt=end)
    return q


def _concentration(cid: int, t: dict, column: str, rule: str, minimum: int, share: float, report) -> Q:
    day_totals = {
        (c, d): n
        for c, d, n in Vote.objects.filter(campaign_id=cid)
        .values("candidate_id", "day")
        .annotate(n=Count("id"))
        .values_list("candidate_id", "day", "n")
    }
    rows = (
        Vote.objects.filter(campaign_id=cid)
        .exclude(**{column: ""})
        .values("candidate_id", "day", column)
        .annotate(n=Count("id"))
        .filter(n__gte=minimum)
        .values_list("candidate_id", "day", column, "n")
    )
    q = Q(pk__in=[])
    for cand, day, value, n in rows:
        if n >= share * day_totals.get((cand, day), n):
            report.groups[rule].append(f"候选人 {cand}：{day} 来自 {value} 的 {n} 票")
            q |= Q(candidate_id=cand, day=day, **{column: value})
    return q


def _code_clusters(cid: int, t: dict, report: AnomalyReport) -> list[int]:
    ids: list[int] = []
    sql = (
        f"SELECT id, code_batch_id, candidate_id, {_epoch_sql()} FROM {_table()} "  # noqa: S608 (constants only)
        "WHERE campaign_id = %s AND code_batch_id IS NOT NULL ORDER BY code_batch_id, candidate_id, cast_at"
    )
    window: deque = deque()
    key = None
    size, span = t["cluster_size"], t["cluster_seconds"]
    with connection.cursor() as cur:
        cur.execute(sql, [cid])
        while batch := cur.fetchmany(20000):
            for vid, b, cand, ts in batch:
                if (b, cand) != key:
                    window.clear()
                    key = (b, cand)
                window.append((vid, ts))
                while ts - window[0][1] > span:
                    window.popleft()
                if len(window) >= size:
                    if len(window) == size:
                        report.groups["code_cluster"].append(f"批次 {b} → 候选人 {cand}：{span} 秒内 {size} 票起")
                        ids.extend(v for v, _ts in window)
                    else:
                        ids.append(vid)
    return ids


def _single_candidate(cid: int, t: dict, report: AnomalyReport) -> Q:
    keys = list(
        Vote.objects.filter(campaign_id=cid)
        .values("voter_key")
        .annotate(n=Count("id"), k=Count("candidate_id", distinct=True))
        .filter(n__gte=t["single_min"], k=1)
        .values_list("voter_key", flat=True)
    )
    if keys:
        report.groups["single_candidate"].append(f"{len(keys)} 个投票人只投同一候选人")
    return Q(voter_key__in=keys)


def _night(cid: int, t: dict, report: AnomalyReport) -> Q:
    off = _tz_offset_s()
    hour = f"((({_epoch_sql()}) + {off}) %% 86400) / 3600"
    rows = _rows(
        f"SELECT candidate_id, day, SUM(CASE WHEN {hour} < 5 THEN 1 ELSE 0 END), COUNT(*) FROM {_table()} "  # noqa: S608
        "WHERE campaign_id = %s GROUP BY candidate_id, day",
        [cid],
    )
    q = Q(pk__in=[])
    for cand, day, night, total in rows:
        if night and night >= t["night_min"] and night >= t["night_share"] * total:
            if isinstance(day, str):
                day = datetime.strptime(day, "%Y-%m-%d").date()
            report.groups["night"].append(f"候选人 {cand}：{day} 凌晨 {night} 票（全天 {total}）")
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            q |= Q(candidate_id=cand, day=day, cast_at__gte=start, cast_at__lt=start + timedelta(hours=5))
    return q


def anomalies_detect(*, campaign: Campaign, now: datetime) -> AnomalyReport:
    """Run every rule and quarantine the votes they pick out (votes already flagged keep their flag)."""
    t = thresholds()
    cid = campaign.pk
    report = AnomalyReport()
    base = Vote.objects.filter(campaign_id=cid)
    selections: dict[str, list[tuple[int, int]]] = {
        "burst": list(base.filter(_burst(cid, t, report)).values_list("id", "candidate_id")),
        "ip": list(
            base.filter(_concentration(cid, t, "ip_prefix", "ip", t["ip_min"], t["ip_share"], report)).values_list(
                "id", "candidate_id"
            )
        ),
        "ua": list(
            base.filter(_concentration(cid, t, "ua_hash", "ua", t["ua_min"], t["ua_share"], report)).values_list(
                "id", "candidate_id"
            )
        ),
        "new_account": list(base.filter(account_age_s__lt=t["new_account_s"]).values_list("id", "candidate_id")),
        "single_candidate": list(base.filter(_single_candidate(cid, t, report)).values_list("id", "candidate_id")),
        "night": list(base.filter(_night(cid, t, report)).values_list("id", "candidate_id")),
    }
    cluster_ids = _code_clusters(cid, t, report)
    cand_of = (
        dict(base.filter(pk__in=cluster_ids).values_list("id", "candidate_id")) if len(cluster_ids) < 50000 else {}
    )
    if len(cluster_ids) >= 50000:
        for i in range(0, len(cluster_ids), 50000):
            cand_of.update(base.filter(pk__in=cluster_ids[i : i + 50000]).values_list("id", "candidate_id"))
    selections["code_cluster"] = [(v, cand_of[v]) for v in cluster_ids if v in cand_of]
    rules_of: dict[int, list[str]] = defaultdict(list)
    cand: dict[int, int] = {}
    for rule, pairs in selections.items():
        report.flagged[rule] = len(pairs)
        for vid, c in pairs:
            rules_of[vid].append(rule)
            cand[vid] = c
    existing = set()
    ids = list(rules_of)
    for i in range(0, len(ids), 50000):
        existing.update(VoteFlag.objects.filter(vote_id__in=ids[i : i + 50000]).values_list("vote_id", flat=True))
    new = [
        VoteFlag(vote_id=vid, campaign_id=cid, candidate_id=cand[vid], rules=sorted(r), flagged_at=now)
        for vid, r in rules_of.items()
        if vid not in existing
    ]
    with transaction.atomic():
        VoteFlag.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        if new:
            counts_changed(cid)  # quarantined votes stop counting
    report.new_flags = len(new)
    return report


def vote_flags_review(
    *, actor: User, scope: Scope, campaign: Campaign, flag_ids: list[int], invalidate: bool, reason: str, now: datetime
) -> int:
    """The committee's decision on quarantined votes: invalidate (not counted, published per candidate
    with the reason) or release (counted again). Returns how many flags changed."""
    if not scope.manages(campaign.owner_org):
        raise PermissionDenied
    reason = (reason or "").strip()[:300]
    if not reason:
        raise HonoursError("请填写处理理由。")
    state = VoteFlagState.INVALIDATED if invalidate else VoteFlagState.RELEASED
    with transaction.atomic():
        n = VoteFlag.objects.filter(campaign=campaign, pk__in=flag_ids, state=VoteFlagState.QUARANTINED).update(
            state=state, reviewed_by=actor, reviewed_at=now, reason=reason
        )
        if n:
            counts_changed(campaign.pk)
    return n
