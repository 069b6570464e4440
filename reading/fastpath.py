"""The lean progress-save path: `POST /api/v1/readings/{id}/progress` with a Bearer token, served as raw
ASGI in front of Django on PostgreSQL (a whole city saving every 15 s is the steady evening load).

The frame (routing, tokens, pool, group commit, replies, hand-over) is core/fastpath; this module is
the route and its SQL. It answers exactly like the ninja endpoint:
- only saves to a progress row that already exists go this way: the first save of a student for a
  reading runs the service, which checks the class, audience, opening date and publication (a reading
  with progress can no longer be unpublished, so the row is proof of those checks);
- the engaged-time rule and the "marked read" rule are the service's (`services.progress`) written as one
  SQL UPDATE whose parameters come from the same settings and `plausible_read_s`; a PostgreSQL test runs
  the same saves through both and compares every field;
- saves are group-committed: concurrent saves go to PostgreSQL as one UPDATE (one round trip, one WAL
  flush); a 200 is sent only after that commit;
- anything unusual (no row yet, bad numbers, a row gone) is handed to the service itself.
Requests without a Bearer header (the page, session + CSRF) go to Django unchanged."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import NamedTuple

from django.utils import timezone

from core.errors import AppError
from core.fastpath import FastPath, GroupCommit, Lru, Reply, Request, encode, in_django, json_fields
from core.fastpath.app import read_body

from . import conf

PROGRESS_PATH = re.compile(r"^/api/v1/readings/(\d{1,18})/progress$")
PAIR_CACHE_SIZE = 200_000
MAX_BATCH = 1000


class ProgressSave(NamedTuple):
    progress_id: int
    position: float
    claimed: float
    now: dt.datetime


def _tables() -> tuple[str, str, str]:
    from .models import Progress, Reading, ReadingStatus

    return Progress._meta.db_table, Reading._meta.db_table, ReadingStatus.PUBLISHED.value


def progress_lookup_sql() -> str:
    progress, reading, published = _tables()
    return (
        f'SELECT p.id FROM "{progress}" p JOIN "{reading}" r ON r.id = p.reading_id '  # noqa: S608 - names from the models
        f"WHERE p.user_id = %s AND p.reading_id = %s AND r.status = '{published}'"
    )


def progress_save_sql() -> str:
    """services.progress.progress_save in SQL: the increment is
    floor(max(0, min(claimed, cap, max(0, now - last_saved_at) + slack))) and the plausible reading time
    ceil(reading_minutes * 60 * fraction), read from the reading row in the same statement."""
    table, reading, _published = _tables()
    added = (
        "floor(GREATEST(0, LEAST(v.claimed, %(cap)s::float8, "
        "GREATEST(0, extract(epoch FROM v.now - p.last_saved_at)::float8) + %(slack)s::float8)))::int"
    )
    return (
        "WITH v AS (SELECT * FROM unnest(%(ids)s::bigint[], %(pos)s::float8[], %(claimed)s::float8[], "  # noqa: S608
        "%(now)s::timestamptz[]) AS v(id, pos, claimed, now)) "
        f'UPDATE "{table}" AS p SET position = v.pos, max_position = GREATEST(p.max_position, v.pos), '
        f"engaged_s = p.engaged_s + {added}, saves = p.saves + 1, "
        "last_saved_at = GREATEST(p.last_saved_at, v.now), "
        "read_at = CASE WHEN p.read_at IS NULL AND GREATEST(p.max_position, v.pos) >= %(minpos)s::float8 "
        f"AND p.engaged_s + {added} >= ceil(r.reading_minutes * 60 * %(fraction)s::float8) "
        "THEN v.now ELSE p.read_at END "
        f'FROM v, "{reading}" AS r WHERE p.id = v.id AND r.id = p.reading_id '
        "RETURNING p.id, p.position, p.max_position, p.engaged_s, p.read_at"
    )


class ProgressFastPath(FastPath):
    method = "POST"
    path = PROGRESS_PATH
    oversize_to_django = True  # a save is ~50 bytes; a huge body gets the endpoint's own answer

    def __init__(self, app, **kw):
        super().__init__(app, **kw)
        self.pairs: Lru = Lru(PAIR_CACHE_SIZE)  # (user_id, reading_id) -> progress id
        self.saves = GroupCommit(
            self._write_progress_batch, max_batch=MAX_BATCH, distinct=lambda s: s.progress_id, name="progress"
        )

    async def progress_id(self, user_id: int, reading_id: int) -> int | None:
        """The id of an existing progress row of a published reading, or None. A row's id never changes."""
        key = (user_id, reading_id)
        hit = self.pairs.get(key)
        if hit is not None:
            return hit
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(progress_lookup_sql(), (user_id, reading_id))
            row = await cur.fetchone()
        if row is None:
            return None
        self.pairs.put(key, row[0])
        return row[0]

    async def _write_progress_batch(self, batch: list[ProgressSave]) -> list:
        params = {
            "ids": [e.progress_id for e in batch],
            "pos": [e.position for e in batch],
            "claimed": [e.claimed for e in batch],
            "now": [e.now for e in batch],
            "fraction": float(conf.get("READING_READ_MIN_FRACTION")),
            "cap": float(conf.get("READING_SAVE_CAP_S")),
            "slack": float(conf.get("READING_SAVE_SLACK_S")),
            "minpos": float(conf.get("READING_READ_MIN_POSITION")),
        }
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(progress_save_sql(), params)
            rows = {row[0]: row[1:] for row in await cur.fetchall()}
        return [rows.get(e.progress_id) for e in batch]

    async def progress_slow_path(self, *, user_id: int, reading_id: int, position, engaged_s) -> Reply:
        def run():
            from accounts.models import User

            from .services import progress_save

            return progress_save(
                user=User.objects.get(pk=user_id), reading_id=reading_id, position=position, engaged_s=engaged_s
            )

        p = await in_django(run)
        return Reply(200, _out(p.position, p.max_position, p.engaged_s, p.read_at))

    async def handle(self, request, *, now=None) -> Reply:
        reading_id = int(request.match[1])
        who = await self.account(request.token)
        payload = json_fields(request.body, "position", "engaged_s")
        position, claimed = payload["position"], payload["engaged_s"]
        plain = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (position, claimed))
        progress_id = await self.progress_id(who.user_id, reading_id)
        if progress_id is None or not plain or not (0 <= position <= 1 and 0 <= claimed < math.inf):
            return await self.progress_slow_path(
                user_id=who.user_id, reading_id=reading_id, position=position, engaged_s=claimed
            )
        try:
            row = await self.saves.submit(
                ProgressSave(progress_id, float(position), float(claimed), now or timezone.now())
            )
        except Exception:  # noqa: BLE001 - e.g. a lost connection: the service retries
            row = None
        if row is None:
            self.pairs.pop((who.user_id, reading_id), None)
            return await self.progress_slow_path(
                user_id=who.user_id, reading_id=reading_id, position=position, engaged_s=claimed
            )
        return Reply(200, _out(*row))

    async def handle_progress(self, *, token: str, reading_id: int, receive, now=None) -> tuple[int, bytes]:
        """One save without the ASGI frame (tests drive the rule with an injected clock)."""
        body, _complete = await read_body(receive, self.max_body)
        request = Request({}, PROGRESS_PATH.match(f"/api/v1/readings/{reading_id}/progress"), token, True, body)
        try:
            return encode(await self.handle(request, now=now))
        except AppError as exc:
            return encode(exc)


def _out(position, max_position, engaged_s, read_at) -> dict:
    if read_at is not None:
        read_at = read_at.astimezone(dt.UTC)
    return {
        "position": position,
        "max_position": max_position,
        "engaged_s": engaged_s,
        "read": read_at is not None,
        "read_at": read_at,
    }
