"""The vote log's hash chain. Each row's hash covers the previous row's hash and the row's own
immutable fields, so changing, inserting or deleting any row breaks every later link; the chain head
at the end of each day is the published daily digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_hash(
    *,
    prev_hash: str,
    seq: int,
    campaign_id: int,
    candidate_id: int,
    voter_key: str,
    day,
    cast_at: datetime,
    ip_prefix: str,
    ua_hash: str,
    session_hash: str,
    account_age_s: int | None,
) -> str:
    text = "|".join(
        [
            prev_hash,
            str(seq),
            str(campaign_id),
            str(candidate_id),
            voter_key,
            str(day),
            canonical_time(cast_at),
            ip_prefix,
            ua_hash,
            session_hash,
            "" if account_age_s is None else str(account_age_s),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


CHAIN_FIELDS = (
    "seq",
    "candidate_id",
    "voter_key",
    "day",
    "cast_at",
    "ip_prefix",
    "ua_hash",
    "session_hash",
    "account_age_s",
    "prev_hash",
    "hash",
)


@dataclass
class ChainReport:
    ok: bool
    rows: int
    first_bad_seq: int | None
    problem: str
    digests: list[tuple[str, int, str]]  # (day, last seq of that day, chain head after that day)


def chain_verify(campaign_id: int) -> ChainReport:
    """Walk the campaign's log in seq order and recompute every link; stream rows, never load all."""
    from .models import ChainHead, Vote

    prev, expected_seq, rows = GENESIS, 1, 0
    digests: list[tuple[str, int, str]] = []
    last_day = None
    qs = Vote.objects.filter(campaign_id=campaign_id).order_by("seq").values_list(*CHAIN_FIELDS)
    for seq, cand, key, day, cast_at, ip, ua, sess, age, prev_hash, h in qs.iterator(chunk_size=5000):
        rows += 1
        if seq != expected_seq:
            return ChainReport(False, rows, seq, f"序号不连续：应为 {expected_seq}，实为 {seq}", digests)
        if prev_hash != prev:
            return ChainReport(False, rows, seq, "前一条哈希不符（记录被删除、插入或改写）", digests)
        computed = link_hash(
            prev_hash=prev,
            seq=seq,
            campaign_id=campaign_id,
            candidate_id=cand,
            voter_key=key,
            day=day,
            cast_at=cast_at,
            ip_prefix=ip,
            ua_hash=ua,
            session_hash=sess,
            account_age_s=age,
        )
        if computed != h:
            return ChainReport(False, rows, seq, "本条哈希不符（记录内容被改写）", digests)
        if last_day is not None and day != last_day:
            digests.append((str(last_day), seq - 1, prev))
        last_day, prev, expected_seq = day, h, seq + 1
    if last_day is not None:
        digests.append((str(last_day), expected_seq - 1, prev))
    head = ChainHead.objects.filter(campaign_id=campaign_id).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return ChainReport(False, rows, head.seq, "链头与日志末条不符（末尾记录被删除）", digests)
    return ChainReport(True, rows, None, "", digests)
