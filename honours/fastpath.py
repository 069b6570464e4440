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
The responses carry `x-honours-path: fast` so tests (and operators) can see this path is in use."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict, defaultdict

from django.db import connections
from django.utils import timezone

from core.clientip import scope_client_ip
from core.errors import AppError

from .chain import link_hash
from .errors import AlreadyVotedToday, DailyLimit
from .services.voting import CODE_LENGTH, code_hash, ip_prefix_of, normalize_code, short_hash

log = logging.getLogger(__name__)
VOTE_PATH = re.compile(r"^/api/v1/honours/campaigns/(\d{1,18})/votes$")
MAX_BODY = 4096
TTL_S = 30.0
MAX_BATCH = 1000


class _Lru(OrderedDict):
    def __init__(self, size: int = 100_000):
        super().__init__()
        self.size = size

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


def _replay(body: bytes, receive):
    """Hand the already-read body to the next app; after it, the real channel (Django listens on it for
    the client's disconnect, so answering "disconnected" at once would cancel its response)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class VoteFastPath:
    def __init__(self, app):
        self.app = app
        self._enabled: bool | None = None
        self._pools: dict = {}
        self.tokens = _Lru()
        self.codes = _Lru()
        self._pending: list = []
        self._flushing = False

    def enabled(self) -> bool:
        if self._enabled is None:
            self._enabled = connections["default"].vendor == "postgresql"
            log.info("honours vote path: %s", "fast (group commit)" if self._enabled else "Django")
        return self._enabled

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and self.enabled():
            match = VOTE_PATH.match(scope["path"])
            if match:
                body = await self._read(receive)
                if body is None:
                    return await self.app(scope, _replay(b"", receive), send)
                left = None
                try:
                    left = await self.handle(scope, int(match[1]), body)
                except Exception:  # noqa: BLE001 - whatever went wrong, the full path answers properly
                    log.exception("vote fast path failed; handing the request to Django")
                if left is None:
                    return await self.app(scope, _replay(body, receive), send)
                if isinstance(left, AppError):
                    status = left.status
                    data = json.dumps({"code": left.code, "message": left.message}, ensure_ascii=False).encode()
                else:
                    status = 201
                    data = json.dumps({"votes_left_today": left}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            (b"cache-control", b"no-store"),
                            (b"x-honours-path", b"fast"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": data})
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _read(receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def pool(self):
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            from psycopg_pool import AsyncConnectionPool

            s = connections["default"].settings_dict
            info = {
                "dbname": s["NAME"],
                "user": s.get("USER") or "",
                "password": s.get("PASSWORD") or "",
                "host": s.get("HOST") or "",
                "port": str(s.get("PORT") or ""),
            }
            conninfo = " ".join(f"{k}='{v}'" for k, v in info.items() if v)
            pool = AsyncConnectionPool(conninfo, min_size=2, max_size=8, kwargs={"autocommit": True}, open=False)
            await pool.open()
            self._pools[loop] = pool
        return pool

    # --- who is voting ------------------------------------------------------------------------------

    async def voter_for_token(self, raw: str, now):
        key = hashlib.sha256(raw.encode()).hexdigest()
        hit = self.tokens.get(key)
        if hit is None or time.monotonic() - hit[0] > TTL_S:
            pool = await self.pool()
            async with pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT u.id, u.date_joined FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
                    "WHERE t.key_hash = %s AND t.expires_at > now() AND u.is_active AND NOT u.must_change_password "
                    "AND EXISTS (SELECT 1 FROM accounts_membership m WHERE m.user_id = u.id AND m.org_id IS NOT NULL)",
                    (key,),
                )
                row = await cur.fetchone()
            hit = (time.monotonic(), row)
            self.tokens.put(key, hit)
        row = hit[1]
        if row is None:
            return None
        age = int((now - row[1]).total_seconds()) if row[1] else None
        return (f"u{row[0]}", None, age)

    async def voter_for_code(self, campaign_id: int, raw: str):
        normal = normalize_code(raw)
        if len(normal) != CODE_LENGTH:
            return None
        digest = code_hash(campaign_id=campaign_id, code=normal)
        hit = self.codes.get((campaign_id, digest))
        if hit is None:
            pool = await self.pool()
            async with pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT id, batch_id FROM honours_votecode WHERE campaign_id = %s AND code_hash = %s",
                    (campaign_id, digest),
                )
                row = await cur.fetchone()
            if row is None:
                return None  # not cached: a code may be issued later
            hit = row
            self.codes.put((campaign_id, digest), hit)
        return (f"c{hit[0]}", hit[1], None)

    async def handle(self, scope, campaign_id: int, body: bytes) -> int | AppError | None:
        """votes_left_today once committed, a refusal decided under the lock, or None to let Django answer."""
        headers = dict(scope["headers"])
        try:
            payload = json.loads(body)
            candidate_id = int(payload["candidate_id"])
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload["candidate_id"], int):
            return None
        now = timezone.now()
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _sp, raw = auth.partition(" ")
        if auth:
            if scheme.lower() != "bearer" or not raw.strip():
                return None
            voter = await self.voter_for_token(raw.strip(), now)
        elif isinstance(payload.get("code"), str):
            voter = await self.voter_for_code(campaign_id, payload["code"])
        else:
            return None  # session voters: Django checks CSRF
        if voter is None:
            return None
        meta = (ip_prefix_of(scope_client_ip(scope)), short_hash(headers.get(b"user-agent", b"").decode("latin-1")), "")
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((campaign_id, candidate_id, voter, meta, now, future))
        if not self._flushing:
            self._flushing = True
            loop.create_task(self._flush())
        return await future

    # --- group commit -------------------------------------------------------------------------------

    async def _flush(self):
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                groups = defaultdict(list)
                for entry in batch:
                    groups[(entry[0], timezone.localdate(entry[4]))].append(entry)
                for (campaign_id, day), entries in groups.items():
                    try:
                        results = await self._write(campaign_id, day, entries)
                    except Exception:  # noqa: BLE001 - every waiter falls back to the full path
                        log.exception("vote group commit failed")
                        results = [None] * len(entries)
                    for entry, left in zip(entries, results, strict=True):
                        if not entry[5].done():
                            entry[5].set_result(left)
        finally:
            self._flushing = False

    async def _write(self, campaign_id: int, day, entries: list) -> list:
        pool = await self.pool()
        async with pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                "SELECT h.seq, h.hash, c.vote_opens_at, c.vote_closes_at, c.votes_per_day, c.voting_level "
                "FROM honours_chainhead h JOIN honours_campaign c ON c.id = h.campaign_id "
                "WHERE h.campaign_id = %s FOR UPDATE OF h",
                (campaign_id,),
            )
            head = await cur.fetchone()
            if head is None:
                return [None] * len(entries)
            seq, prev, opens, closes, per_day, voting_level = head
            cur = await conn.execute(
                "SELECT c.id FROM honours_candidate c JOIN honours_campaignlevel l ON l.id = c.level_id "
                "WHERE c.campaign_id = %s AND c.id = ANY(%s) AND c.status IN ('pending', 'finalist') AND l.kind = %s",
                (campaign_id, list({e[1] for e in entries}), voting_level),
            )
            valid = {r[0] for r in await cur.fetchall()}
            keys = list({e[2][0] for e in entries})
            cur = await conn.execute(
                "SELECT voter_key, candidate_id FROM honours_vote WHERE campaign_id = %s AND day = %s AND voter_key = ANY(%s)",
                (campaign_id, day, keys),
            )
            voted = {(k, c) for k, c in await cur.fetchall()}
            cur = await conn.execute(
                "SELECT voter_key, used, day_limit FROM honours_voterday "
                "WHERE campaign_id = %s AND day = %s AND voter_key = ANY(%s)",
                (campaign_id, day, keys),
            )
            counters = {k: [u, lim] for k, u, lim in await cur.fetchall()}
            results, rows = [], []
            for _cid, cand, (key, batch_id, age), (ip, ua, sess), now, _f in entries:
                counter = counters.setdefault(key, [0, per_day])
                if not (opens and closes and opens <= now < closes) or cand not in valid:
                    results.append(None)
                    continue
                # decided under the chain-head lock, exactly as vote_cast decides them
                if (key, cand) in voted:
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
                    candidate_id=cand,
                    voter_key=key,
                    day=day,
                    cast_at=now,
                    ip_prefix=ip,
                    ua_hash=ua,
                    session_hash=sess,
                    account_age_s=age,
                )
                rows.append((cand, seq, key, batch_id, now, ip, ua, sess, age, prev, digest))
                prev = digest
                voted.add((key, cand))
                counter[0] += 1
                results.append(counter[1] - counter[0])
            if not rows:
                return results
            cols = list(zip(*rows, strict=True))
            await conn.execute(
                "INSERT INTO honours_vote (campaign_id, day, candidate_id, seq, voter_key, code_batch_id, cast_at, "
                "ip_prefix, ua_hash, session_hash, account_age_s, prev_hash, hash) "
                "SELECT %s, %s, * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::timestamptz[], "
                "%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[])",
                (campaign_id, day, *[list(c) for c in cols]),
            )
            touched = {r[2] for r in rows}
            await conn.execute(
                "INSERT INTO honours_voterday (campaign_id, voter_key, day, used, day_limit) "
                "SELECT %s, k, %s, u, l FROM unnest(%s::text[], %s::int[], %s::int[]) AS v(k, u, l) "
                "ON CONFLICT (campaign_id, voter_key, day) DO UPDATE SET used = EXCLUDED.used",
                (campaign_id, day, list(touched), [counters[k][0] for k in touched], [counters[k][1] for k in touched]),
            )
            await conn.execute(
                "UPDATE honours_chainhead SET seq = %s, hash = %s WHERE campaign_id = %s", (seq, prev, campaign_id)
            )
            code_ids = [int(k[1:]) for k in touched if k.startswith("c")]
            if code_ids:
                await conn.execute(
                    "UPDATE honours_votecode SET first_used_at = %s WHERE id = ANY(%s) AND first_used_at IS NULL",
                    (entries[0][4], code_ids),
                )
        return results
