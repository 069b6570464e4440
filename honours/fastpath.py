"""The lean vote path: `POST /api/v1/honours/campaigns/{id}/votes` with a Bearer token or a `"code"` in
the body, served as raw ASGI in front of Django when the database is PostgreSQL.

Why: a public vote draws thousands of requests a second at its peak, and a Django view costs ~20x a
bare ASGI app before it touches the database; the hash chain also serialises writes per campaign,
so one transaction per vote caps throughput at one commit per chain link.

Same rules and guarantees as `services.voting.vote_cast` (which the ninja endpoint, pages, SQLite and
every non-accepted outcome still use):
- votes are group-committed: concurrent votes of one campaign and day go to PostgreSQL as one call of
  honours_vote_batch (migration 0010), which locks the campaign's ChainHead row FOR UPDATE (as
  vote_cast does), re-reads the window, the candidates in the vote, the voters' votes today and their
  day counters, decides each vote in arrival order, and writes the accepted ones with one INSERT
  (chained in order), one upsert of the counters (their CHECK constraint and the log's unique
  constraint still stand behind it) and the new chain head. The lock is held while the database runs
  that, never across a round trip to this process. A 201 is sent only after that commit;
- acceptances, duplicates (409 already_voted_today) and the daily limit (429 daily_limit) are
  answered here, decided under the lock exactly as vote_cast decides them, with the same error
  classes. Anything else — outside the window, an unknown candidate, an unknown token or code,
  session requests (CSRF) — is handed to the Django app with the same body, so those answers are
  exactly the API's.
The frame (routing, tokens, group commit, replies, hand-over) is core/fastpath; this module is the
route, the call and the answers' mapping. The responses carry `x-honours-path: fast` so tests (and
operators) can see this path is in use."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone

from core.clientip import scope_client_ip
from core.errors import AppError
from core.fastpath import FastPath, GroupCommit, Lru, Reply

from .errors import AlreadyVotedToday, DailyLimit
from .live import publisher
from .services.voting import CODE_LENGTH, code_hash, ip_prefix_of, normalize_code, short_hash
from .voting_set import VOTING_STATUSES

log = logging.getLogger(__name__)
VOTE_PATH = re.compile(r"^/api/v1/honours/campaigns/(\d{1,18})/votes$")
MAX_BODY = 4096
MAX_BATCH = 1000
# pure and repeated across a burst (the same clients, the same browsers): computed once each
_ip_prefix = functools.lru_cache(maxsize=65536)(ip_prefix_of)
_ua_hash = functools.lru_cache(maxsize=4096)(short_hash)


class Voter(NamedTuple):
    key: str
    code_batch_id: int | None
    account_age_s: int | None


class Ballot(NamedTuple):
    campaign_id: int
    candidate_id: int
    voter: Voter
    ip_prefix: str
    ua_hash: str
    session_hash: str
    cast_at: datetime


class Statements(NamedTuple):
    code: str
    batch: str


# honours_vote_batch's answers other than "votes left today" (migration 0010_vote_batch_function)
ALREADY_VOTED, LIMIT_REACHED = -1, -2


@functools.cache
def statements() -> Statements:
    from .models import VoteCode

    table = VoteCode._meta.db_table
    return Statements(
        code=f'SELECT vc.id, vc.batch_id FROM "{table}" vc WHERE vc.campaign_id = %s AND vc.code_hash = %s',  # noqa: S608 - a model's table
        batch=(
            "SELECT honours_vote_batch(%s::bigint, %s::date, %s::text[], %s::bigint[], %s::text[], %s::bigint[], "
            "%s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::bigint[])"
        ),
    )


class VoteFastPath(FastPath):
    method = "POST"
    path = VOTE_PATH
    max_body = MAX_BODY
    needs_bearer = False  # a family code in the body votes without an account
    oversize_to_django = True
    extra_headers = ((b"x-honours-path", b"fast"),)

    def __init__(self, app, **kw):
        super().__init__(app, **kw)
        self.codes = Lru()
        self.votes = GroupCommit(self._write_batch, max_batch=MAX_BATCH, name="votes")

    # --- who is voting ------------------------------------------------------------------------------

    async def voter_for_token(self, raw: str, now) -> Voter | None:
        """voter_for_user's rule: an active account on the roster; others are answered by Django."""
        who = await self.tokens.user(raw)
        if who is None or who.must_change_password or not who.on_roster:
            return None
        age = int((now - who.date_joined).total_seconds()) if who.date_joined else None
        return Voter(f"u{who.user_id}", None, age)

    async def voter_for_code(self, campaign_id: int, raw: str) -> Voter | None:
        normal = normalize_code(raw)
        if len(normal) != CODE_LENGTH:
            return None
        digest = code_hash(campaign_id=campaign_id, code=normal)
        hit = self.codes.get((campaign_id, digest))
        if hit is None:
            pool = await self.pool()
            async with pool.connection() as conn:
                cur = await conn.execute(statements().code, (campaign_id, digest))
                row = await cur.fetchone()
            if row is None:
                return None  # not cached: a code may be issued later
            hit = row
            self.codes.put((campaign_id, digest), hit)
        return Voter(f"c{hit[0]}", hit[1], None)

    async def handle(self, request) -> Reply | None:
        """201 once committed, a refusal decided under the lock, or None to let Django answer."""
        campaign_id = int(request.match[1])
        try:
            payload = json.loads(request.body)
            candidate_id = int(payload["candidate_id"])
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload["candidate_id"], int):
            return None
        now = timezone.now()
        if request.has_auth:
            if request.token is None:
                return None
            voter = await self.voter_for_token(request.token, now)
        elif isinstance(payload.get("code"), str):
            voter = await self.voter_for_code(campaign_id, payload["code"])
        else:
            return None  # session voters: Django checks CSRF
        if voter is None:
            return None
        agent = dict(request.scope["headers"]).get(b"user-agent", b"").decode("latin-1")
        ip = _ip_prefix(scope_client_ip(request.scope))
        left = await self.votes.submit(Ballot(campaign_id, candidate_id, voter, ip, _ua_hash(agent), "", now))
        if left is None or isinstance(left, AppError):
            return left
        return Reply(201, {"votes_left_today": left})

    # --- group commit -------------------------------------------------------------------------------

    async def _write_batch(self, batch: list[Ballot]) -> list:
        groups = defaultdict(list)
        for index, ballot in enumerate(batch):
            groups[(ballot.campaign_id, timezone.localdate(ballot.cast_at))].append(index)
        results: list = [None] * len(batch)
        for (campaign_id, day), indexes in groups.items():
            try:
                decided = await self._write(campaign_id, day, [batch[i] for i in indexes])
            except Exception:  # noqa: BLE001 - every waiter of this group falls back to the full path
                log.exception("vote group commit failed")
                continue
            for i, left in zip(indexes, decided, strict=True):
                results[i] = left
            if any(isinstance(left, int) for left in decided):
                publisher.notify(campaign_id)  # committed: live counts, as vote_cast's counts_changed
        return results

    async def _write(self, campaign_id: int, day, entries: list[Ballot]) -> list:
        """vote_cast for a group of one campaign and day, decided and written by honours_vote_batch in
        one statement: under the chain-head lock, the window, the candidates, the voters' votes today
        and their day counters are read, each ballot decided in arrival order and the accepted ones
        written chained. The lock is held while the database runs that, never across a round trip to
        this process (whose loop is busy answering other requests in a burst)."""
        pool = await self.pool()
        columns = (
            [b.candidate_id for b in entries],
            [b.voter.key for b in entries],
            [b.voter.code_batch_id for b in entries],
            [b.cast_at for b in entries],
            [b.ip_prefix for b in entries],
            [b.ua_hash for b in entries],
            [b.session_hash for b in entries],
            [b.voter.account_age_s for b in entries],
        )
        statuses = [s.value for s in VOTING_STATUSES]
        async with pool.connection() as conn:
            cur = await conn.execute(statements().batch, (campaign_id, day, statuses, *columns))
            (decided,) = await cur.fetchone()
        if decided is None:
            return [None] * len(entries)
        return [_answer(left) for left in decided]


def _answer(left: int | None):
    """One ballot's outcome as the fast path replies it: None hands the request to Django."""
    if left == ALREADY_VOTED:
        return AlreadyVotedToday()
    if left == LIMIT_REACHED:
        return DailyLimit()
    return left
