"""Casting a vote. Every rule is a database fact, so concurrent requests cannot double-count:
- one vote per (voter, candidate, day): a unique constraint on the log;
- at most `votes_per_day` per voter per day: a VoterDay counter moved by a conditional UPDATE, with a
  CHECK constraint behind it;
- the log is a hash chain: the campaign's ChainHead row is locked (SELECT … FOR UPDATE) for the
  insert, so links are made in one order with no gaps.
The API endpoint, the page and the bench all call `vote_cast`."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User

from ..chain import link_hash
from ..errors import AlreadyVotedToday, DailyLimit, InvalidCode, NotEligible, VotingClosed
from ..live import counts_changed
from ..models import Campaign, ChainHead, Vote, VoteCode, VoterDay
from ..voting_set import voting_candidates, voting_open

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10


@dataclass(frozen=True)
class Voter:
    key: str
    code_batch_id: int | None = None
    account_age_s: int | None = None


@dataclass(frozen=True)
class VoteMeta:
    ip_prefix: str = ""
    ua_hash: str = ""
    session_hash: str = ""


def short_hash(value: str) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16] if value else ""


def ip_prefix_of(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address: enough to see concentration, not a person."""
    try:
        addr = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    bits = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{bits}", strict=False))


def vote_meta_from(*, ip: str, user_agent: str, session_key: str) -> VoteMeta:
    return VoteMeta(ip_prefix=ip_prefix_of(ip), ua_hash=short_hash(user_agent), session_hash=short_hash(session_key))


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch in CODE_ALPHABET)


@functools.lru_cache(maxsize=4)
def _keyed_mac(secret: str):
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def code_hash(*, campaign_id: int, code: str) -> str:
    mac = _keyed_mac(settings.SECRET_KEY).copy()  # the key's setup once, not per vote
    mac.update(f"honours-code:{campaign_id}:{code}".encode())
    return mac.hexdigest()


def voter_for_user(*, user: User, now: datetime) -> Voter:
    """Students and staff on the roster (any membership at a node of the tree) may vote."""
    if not user.is_authenticated or not Membership.objects.filter(user=user, org__isnull=False).exists():
        raise NotEligible()
    age = int((now - user.date_joined).total_seconds()) if user.date_joined else None
    return Voter(key=f"u{user.pk}", account_age_s=age)


def voter_for_code(*, campaign: Campaign, code: str) -> Voter:
    normal = normalize_code(code)
    if len(normal) != CODE_LENGTH:
        raise InvalidCode()
    row = VoteCode.objects.filter(campaign=campaign, code_hash=code_hash(campaign_id=campaign.pk, code=normal)).first()
    if row is None:
        raise InvalidCode()
    return Voter(key=f"c{row.pk}", code_batch_id=row.batch_id)


def _head(campaign_id: int) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(campaign_id=campaign_id).first()
    if head is None:
        try:
            with transaction.atomic():
                ChainHead.objects.create(campaign_id=campaign_id)
        except IntegrityError:
            pass
        head = ChainHead.objects.select_for_update().get(campaign_id=campaign_id)
    return head


def vote_cast(*, campaign: Campaign, candidate_id: int, voter: Voter, meta: VoteMeta, now: datetime) -> int:
    """Record one vote and return the voter's votes left today. Raises VotingClosed, NotFound-like
    NotEligible for a candidate outside the vote, AlreadyVotedToday or DailyLimit."""
    if not voting_open(campaign, now):
        raise VotingClosed()
    if not voting_candidates(campaign).filter(pk=candidate_id).exists():
        raise NotEligible("该候选人不在本次投票名单中。", code="unknown_candidate", status=404)
    day = timezone.localdate(now)
    with transaction.atomic():
        head = _head(campaign.pk)
        if Vote.objects.filter(campaign=campaign, voter_key=voter.key, candidate_id=candidate_id, day=day).exists():
            raise AlreadyVotedToday()
        counter, _created = VoterDay.objects.get_or_create(
            campaign=campaign, voter_key=voter.key, day=day, defaults={"day_limit": campaign.votes_per_day}
        )
        if not VoterDay.objects.filter(pk=counter.pk, used__lt=F("day_limit")).update(used=F("used") + 1):
            raise DailyLimit()
        seq = head.seq + 1
        fields = {
            "candidate_id": candidate_id,
            "voter_key": voter.key,
            "day": day,
            "cast_at": now,
            "ip_prefix": meta.ip_prefix,
            "ua_hash": meta.ua_hash,
            "session_hash": meta.session_hash,
            "account_age_s": voter.account_age_s,
        }
        digest = link_hash(prev_hash=head.hash, seq=seq, campaign_id=campaign.pk, **fields)
        try:
            with transaction.atomic():
                Vote.objects.create(
                    campaign=campaign,
                    seq=seq,
                    prev_hash=head.hash,
                    hash=digest,
                    code_batch_id=voter.code_batch_id,
                    **fields,
                )
        except IntegrityError as exc:
            raise AlreadyVotedToday() from exc
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
        if voter.key.startswith("c"):
            VoteCode.objects.filter(pk=int(voter.key[1:]), first_used_at__isnull=True).update(first_used_at=now)
        left = counter.day_limit - VoterDay.objects.values_list("used", flat=True).get(pk=counter.pk)
        counts_changed(campaign.pk)  # after commit; coalesced per campaign
    return left
