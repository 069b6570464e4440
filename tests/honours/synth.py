"""Synthetic vote logs written straight to the table (anomaly rules and tallies read only columns)."""

from datetime import datetime

from django.utils import timezone

from honours.chain import GENESIS, link_hash
from honours.models import ChainHead, Vote


def add_votes(campaign, rows: list[dict]) -> None:
    """rows: {candidate, voter_key, cast_at, ip_prefix?, ua_hash?, code_batch_id?, account_age_s?}; chained."""
    head, _ = ChainHead.objects.get_or_create(campaign=campaign)
    prev, seq = head.hash if head.seq else GENESIS, head.seq
    objs = []
    for r in sorted(rows, key=lambda r: r["cast_at"]):
        seq += 1
        cast_at: datetime = r["cast_at"]
        fields = {
            "candidate_id": r["candidate"].pk,
            "voter_key": r["voter_key"],
            "day": timezone.localdate(cast_at),
            "cast_at": cast_at,
            "ip_prefix": r.get("ip_prefix", f"10.{seq % 200}.{seq // 200 % 200}.0/24"),
            "ua_hash": r.get("ua_hash", f"ua{seq:06d}"),
            "session_hash": "",
            "account_age_s": r.get("account_age_s"),
        }
        h = link_hash(prev_hash=prev, seq=seq, campaign_id=campaign.pk, **fields)
        objs.append(
            Vote(campaign=campaign, seq=seq, prev_hash=prev, hash=h, code_batch_id=r.get("code_batch_id"), **fields)
        )
        prev = h
    Vote.objects.bulk_create(objs, batch_size=2000)
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
