"""The lean vote path: `POST /api/v1/honours/campaigns/{id}/votes` with a Bearer token or a `"code"` in
the body, served as raw ASGI in front of Django when the database is PostgreSQL.

Why: a public vote draws thousands of requests a second at its peak, and a Django view costs ~20x a
bare ASGI app before it touches the database; the hash chain also serialises writes per campaign,
so one transaction per vote caps throughput at one commit per chain link.

Same rules and guarantees as `services.voting.vote_cast` (which the ninja endpoint, pages, SQLite and
every non-accepted outcome still use):
- votes are group-committed: concurrent votes of one campaign and day go to PostgreSQL as one
  transaction that locks the campaign's ChainHead row FOR UPDATE (as vote_cast does), re-reads the
  window, the candidates in the vote, the voters' votes today and their day counters, decides each
  vote in arrival order, and writes the accepted ones with one INSERT (chained in order), one upsert
  of the counters (their CHECK constraint and the log's unique constraint still stand behind it), and
  the new chain head. A 201 is sent only after that commit;
- acceptances, duplicates (409 already_voted_today) and the daily limit (429 daily_limit) are
  answered here, decided under the lock exactly as vote_cast decides them, with the same error
  classes. Anything else — outside the window, an unknown candidate, an unknown token or code,
  session requests (CSRF) — is handed to the Django app with the same body, so those answers are
  exactly the API's.
The frame (routing, tokens, group commit, replies, hand-over) is core/fastpath; this module is the
route, the vote rules under the lock and their SQL. The responses carry `x-honours-path: fast` so tests (and operators) can see this path is in use."""

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

from .chain import link_hash
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
    head: str
    candidates: str
    voted: str
    counters: str
    insert_votes: str
    upsert_counters: str
    move_head: str
    codes_used: str


@functools.cache
def statements() -> Statements:
    from .models import Campaign, CampaignLevel, Candidate, ChainHead, Vote, VoteCode, VoterDay

    t = {
        m.__name__: m._meta.db_table for m in (Campaign, CampaignLevel, Candidate, ChainHead, Vote, VoteCode, VoterDay)
    }
    # noqa below: table names come from the models, never from a request
    return Statements(
        code=f'SELECT vc.id, vc.batch_id FROM "{t["VoteCode"]}" vc WHERE vc.campaign_id = %s AND vc.code_hash = %s',  # noqa: S608
        head=(
            "SELECT h.seq, h.hash, c.vote_opens_at, c.vote_closes_at, c.votes_per_day "  # noqa: S608
            f'FROM "{t["ChainHead"]}" h JOIN "{t["Campaign"]}" c ON c.id = h.campaign_id '
            "WHERE h.campaign_id = %s FOR UPDATE OF h"
        ),
        candidates=(
            f'SELECT c.id FROM "{t["Candidate"]}" c JOIN "{t["CampaignLevel"]}" l ON l.id = c.level_id '  # noqa: S608
            "WHERE c.campaign_id = %s AND c.id = ANY(%s) AND c.status = ANY(%s) "
            f'AND l.kind = (SELECT p.voting_level FROM "{t["Campaign"]}" p WHERE p.id = c.campaign_id)'
        ),
        voted=(
            f'SELECT v.voter_key, v.candidate_id FROM "{t["Vote"]}" v '  # noqa: S608
            "WHERE v.campaign_id = %s AND v.day = %s AND v.voter_key = ANY(%s)"
        ),
        counters=(
            f'SELECT d.voter_key, d.used, d.day_limit FROM "{t["VoterDay"]}" d '  # noqa: S608
            "WHERE d.campaign_id = %s AND d.day = %s AND d.voter_key = ANY(%s)"
        ),
        insert_votes=(
            f'INSERT INTO "{t["Vote"]}" (campaign_id, day, candidate_id, seq, voter_key, code_batch_id, cast_at, '  # noqa: S608
            "ip_prefix, ua_hash, session_hash, account_age_s, prev_hash, hash) "
            "SELECT %s, %s, * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::timestamptz[], "
            "%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[])"
        ),
        upsert_counters=(
            f'INSERT INTO "{t["VoterDay"]}" (campaign_id, voter_key, day, used, day_limit) '  # noqa: S608
            "SELECT %s, k, %s, u, l FROM unnest(%s::text[], %s::int[], %s::int[]) AS x(k, u, l) "
            "ON CONFLICT (campaign_id, voter_key, day) DO UPDATE SET used = EXCLUDED.used"
        ),
        move_head=f'UPDATE "{t["ChainHead"]}" SET seq = %s, hash = %s WHERE campaign_id = %s',  # noqa: S608
        codes_used=(
            f'UPDATE "{t["VoteCode"]}" SET first_used_at = %s WHERE id = ANY(%s) AND first_used_at IS NULL'  # noqa: S608
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
        """vote_cast for a group of one campaign and day, under the chain-head lock: the window, the
        candidates, the voters' votes today and their day counters re-read, each ballot decided in
        arrival order, the accepted ones written chained.

        Pipelined: BEGIN, the lock and the three reads go in one round trip (the server runs them in
        order, so the reads happen under the lock), and the writes with COMMIT in another. Round trips,
        not statements, are what a batch waits on while it holds the campaign's chain head."""
        sql = statements()
        pool = await self.pool()
        candidates = list({b.candidate_id for b in entries})
        keys = list({b.voter.key for b in entries})
        statuses = [s.value for s in VOTING_STATUSES]
        async with pool.connection() as conn, conn.pipeline(), conn.transaction():
            head_cur = await conn.execute(sql.head, (campaign_id,))
            valid_cur = await conn.execute(sql.candidates, (campaign_id, candidates, statuses))
            voted_cur = await conn.execute(sql.voted, (campaign_id, day, keys))
            counters_cur = await conn.execute(sql.counters, (campaign_id, day, keys))
            head = await head_cur.fetchone()
            if head is None:
                return [None] * len(entries)
            seq, prev, opens, closes, per_day = head
            valid = {r[0] for r in await valid_cur.fetchall()}
            voted = {(k, c) for k, c in await voted_cur.fetchall()}
            counters = {k: [u, lim] for k, u, lim in await counters_cur.fetchall()}
            results, rows = [], []
            for b in entries:
                key = b.voter.key
                counter = counters.setdefault(key, [0, per_day])
                if not (opens and closes and opens <= b.cast_at < closes) or b.candidate_id not in valid:
                    results.append(None)
                    continue
                # decided under the chain-head lock, exactly as vote_cast decides them
                if (key, b.candidate_id) in voted:
                    results.append(AlreadyVotedToday())
                    continue
                if counter[0] >= counter[1]:
                    results.append(DailyLimit())
                    continue
                seq += 1
                digest = link_hash(
                    prev_hash=prev,
                    seq=seq,
                    campaign_id=campaign_id,
                    candidate_id=b.candidate_id,
                    voter_key=key,
                    day=day,
                    cast_at=b.cast_at,
                    ip_prefix=b.ip_prefix,
                    ua_hash=b.ua_hash,
                    session_hash=b.session_hash,
                    account_age_s=b.voter.account_age_s,
                )
                rows.append(
                    (b.candidate_id, seq, key, b.voter.code_batch_id, b.cast_at, b.ip_prefix, b.ua_hash)
                    + (b.session_hash, b.voter.account_age_s, prev, digest)
                )
                prev = digest
                voted.add((key, b.candidate_id))
                counter[0] += 1
                results.append(counter[1] - counter[0])
            if not rows:
                return results
            cols = list(zip(*rows, strict=True))
            await conn.execute(sql.insert_votes, (campaign_id, day, *[list(c) for c in cols]))
            touched = list({r[2] for r in rows})
            used, limits = [counters[k][0] for k in touched], [counters[k][1] for k in touched]
            await conn.execute(sql.upsert_counters, (campaign_id, day, touched, used, limits))
            await conn.execute(sql.move_head, (seq, prev, campaign_id))
            code_ids = [int(k[1:]) for k in touched if k.startswith("c")]
            if code_ids:
                await conn.execute(sql.codes_used, (entries[0].cast_at, code_ids))
        return results
