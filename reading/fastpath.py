"""The lean progress-save path: `POST /api/v1/readings/{id}/progress` with a Bearer token, served as raw
ASGI in front of Django on PostgreSQL (a whole city saving every 15 s is the steady evening load).

It extends the contest answer path (`competitions.fastpath.AnswerFastPath`: token cache, asyncio pool,
body reading), and answers exactly like the ninja endpoint:
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

import asyncio
import datetime as dt
import json
import math
import re

from asgiref.sync import sync_to_async
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.utils import timezone

from competitions.fastpath import AnswerFastPath, _Lru, _response_bytes
from core.errors import AppError

from . import conf

PROGRESS_PATH = re.compile(r"^/api/v1/readings/(\d{1,18})/progress$")
PAIR_CACHE_SIZE = 200_000
MAX_BATCH = 1000


def _json(status: int, body: dict) -> tuple[int, bytes]:
    return status, json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def _app_error(exc: AppError) -> tuple[int, bytes]:
    return _response_bytes(exc.status, {"code": exc.code, "message": exc.message})


class ProgressFastPath(AnswerFastPath):
    def __init__(self, app):
        super().__init__(app)
        self.pairs: _Lru = _Lru(PAIR_CACHE_SIZE)  # (user_id, reading_id) -> progress id
        self._progress_pending: list = []
        self._progress_flushing = False

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and self.enabled():
            match = PROGRESS_PATH.match(scope["path"])
            if match:
                token = self._bearer(scope)
                if token is not None:
                    status, body = await self.handle_progress(token=token, reading_id=int(match[1]), receive=receive)
                    await send(
                        {
                            "type": "http.response.start",
                            "status": status,
                            "headers": [
                                (b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"cache-control", b"no-store"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await super().__call__(scope, receive, send)

    def progress_table(self) -> tuple[str, str]:
        from .models import Progress, Reading

        return Progress._meta.db_table, Reading._meta.db_table

    async def progress_id(self, user_id: int, reading_id: int) -> int | None:
        """The id of an existing progress row of a published reading, or None. A row's id never changes."""
        key = (user_id, reading_id)
        hit = self.pairs.get(key)
        if hit is not None:
            return hit
        progress, reading = self.progress_table()
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(
                f'SELECT p.id FROM "{progress}" p JOIN "{reading}" r ON r.id = p.reading_id '  # noqa: S608 - table names from model meta
                "WHERE p.user_id = %s AND p.reading_id = %s AND r.status = 'published'",
                (user_id, reading_id),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        self.pairs.put(key, row[0])
        return row[0]

    async def write_progress(self, *, progress_id: int, position: float, claimed: float, now):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._progress_pending.append((progress_id, position, claimed, now, future))
        if not self._progress_flushing:
            self._progress_flushing = True
            loop.create_task(self._flush_progress())
        return await future

    async def _flush_progress(self):
        try:
            while self._progress_pending:
                batch, seen, rest = [], set(), []
                for entry in self._progress_pending:
                    # one row twice in one UPDATE would apply once: the second waits for the next batch
                    if entry[0] in seen or len(batch) >= MAX_BATCH:
                        rest.append(entry)
                    else:
                        seen.add(entry[0])
                        batch.append(entry)
                self._progress_pending = rest
                try:
                    rows = await self._write_progress_batch(batch)
                except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
                    for entry in batch:
                        if not entry[4].done():
                            entry[4].set_exception(exc)
                    continue
                for entry in batch:
                    if not entry[4].done():
                        entry[4].set_result(rows.get(entry[0]))
        finally:
            self._progress_flushing = False

    async def _write_progress_batch(self, batch: list) -> dict:
        """services.progress.progress_save in SQL: the increment is
        floor(max(0, min(claimed, cap, max(0, now - last_saved_at) + slack))) and the plausible reading time
        ceil(reading_minutes * 60 * fraction), read from the reading row in the same statement."""
        table, reading = self.progress_table()
        added = (
            "floor(GREATEST(0, LEAST(v.claimed, %(cap)s::float8, "
            "GREATEST(0, extract(epoch FROM v.now - p.last_saved_at)::float8) + %(slack)s::float8)))::int"
        )
        sql = (
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
        params = {
            "ids": [e[0] for e in batch],
            "pos": [e[1] for e in batch],
            "claimed": [e[2] for e in batch],
            "now": [e[3] for e in batch],
            "fraction": float(conf.get("READING_READ_MIN_FRACTION")),
            "cap": float(conf.get("READING_SAVE_CAP_S")),
            "slack": float(conf.get("READING_SAVE_SLACK_S")),
            "minpos": float(conf.get("READING_READ_MIN_POSITION")),
        }
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(sql, params)
            return {row[0]: row[1:] for row in await cur.fetchall()}

    async def progress_slow_path(self, *, user_id: int, reading_id: int, position, engaged_s) -> tuple[int, bytes]:
        def run():
            from accounts.models import User

            from .services import progress_save

            try:
                p = progress_save(
                    user=User.objects.get(pk=user_id), reading_id=reading_id, position=position, engaged_s=engaged_s
                )
            except AppError as exc:
                return _app_error(exc)
            finally:
                connections["default"].close()  # back to the pool: no request cycle will do it here
            return _json(200, _out(p.position, p.max_position, p.engaged_s, p.read_at))

        return await sync_to_async(run)()

    async def handle_progress(self, *, token: str, reading_id: int, receive, now=None) -> tuple[int, bytes]:
        body = await self.read_body(receive)
        who = await self.user_for_token(token)
        if who is None:
            return _response_bytes(401, {"code": "unauthorized", "message": "请先登录或提供有效的令牌。"})
        user_id, must_change = who
        if must_change:
            return _response_bytes(403, {"code": "password_change_required", "message": "首次登录请先修改密码。"})
        try:
            payload = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            return _response_bytes(400, {"code": "invalid_json", "message": "请求体不是有效的 JSON。"})
        if not isinstance(payload, dict) or "position" not in payload or "engaged_s" not in payload:
            missing = "position" if not isinstance(payload, dict) or "position" not in payload else "engaged_s"
            return _response_bytes(422, {"code": "invalid_request", "message": f"请求格式不正确：{missing}"})
        position, claimed = payload["position"], payload["engaged_s"]
        plain = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (position, claimed))
        progress_id = await self.progress_id(user_id, reading_id)
        if progress_id is None or not plain or not (0 <= position <= 1 and 0 <= claimed < math.inf):
            return await self.progress_slow_path(
                user_id=user_id, reading_id=reading_id, position=position, engaged_s=claimed
            )
        try:
            row = await self.write_progress(
                progress_id=progress_id,
                position=float(position),
                claimed=float(claimed),
                now=now or timezone.now(),
            )
        except Exception:  # noqa: BLE001 - e.g. a lost connection: the service retries
            row = None
        if row is None:
            self.pairs.pop((user_id, reading_id), None)
            return await self.progress_slow_path(
                user_id=user_id, reading_id=reading_id, position=position, engaged_s=claimed
            )
        return _json(200, _out(*row))


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
