"""The lean answer-save path: `PUT /api/v1/attempts/{id}/answers/{question_id}` with a Bearer token,
served as raw ASGI in front of Django when the database is PostgreSQL.

Why: an autosave is the one request tens of thousands of students send every few seconds, and a
Django view under daphne costs ~10x a bare ASGI app before it touches the database. Here a save is
one asyncio round trip to PostgreSQL on a pooled connection.

Same contract and guarantees as `services.answer_save` (the ninja endpoint and SQLite use that):
- the token → user and attempt → (owner, deadline, paper) lookups are cached in-process; the
  attempt's state and deadline, and the token itself (still there, unexpired, its user active and the
  attempt's owner), are re-checked by the write itself, so caching never lets an answer in after the
  deadline, after finalisation or after the token was revoked;
- saves are group-committed: concurrent saves go to PostgreSQL as one autocommit UPDATE (one round
  trip, one WAL flush) that takes FOR KEY SHARE on the attempt rows, which conflicts with the FOR
  UPDATE that finalisation holds: an answer either commits before finalisation reads the answers, or
  finds the attempt closed and is refused. A 200 is sent only after that commit;
- anything unusual (deadline passed, attempt closed, unknown ids) is handed to the service itself,
  so the error codes, messages and side effects (finalise on access) are exactly the API's.
Requests without a Bearer header (session + CSRF) go to Django unchanged."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections import OrderedDict

from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from core.errors import AppError
from core.textsafe import loads_json
from questionbank.answers import MalformedAnswer as ShapeError
from questionbank.answers import validate_answer_shape

from . import errors

ANSWER_PATH = re.compile(r"^/api/v1/attempts/(\d{1,18})/answers/(\d{1,18})$")
MAX_BODY = 64 * 1024
TOKEN_TTL_S = 30.0
ATTEMPT_CACHE_SIZE = 100_000
TOKEN_CACHE_SIZE = 100_000
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_BATCH = 500


class _Lru(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


def _response_bytes(status: int, body: dict) -> tuple[int, bytes]:
    return status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _error(exc: errors.CompetitionError) -> tuple[int, bytes]:
    return _response_bytes(exc.status, {"code": exc.code, "message": exc.message})


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


TOO_BIG = object()  # read_body() sentinel
PAYLOAD_TOO_LARGE = _response_bytes(413, {"code": "payload_too_large", "message": "请求体过大。"})
UNAUTHORIZED = _response_bytes(401, {"code": "unauthorized", "message": "请先登录或提供有效的令牌。"})
PASSWORD_CHANGE_REQUIRED = _response_bytes(
    403, {"code": "password_change_required", "message": "首次登录请先修改密码。"}
)


class AnswerFastPath:
    def __init__(self, app):
        self.app = app
        self.tokens: _Lru = _Lru(TOKEN_CACHE_SIZE)
        self.attempts: _Lru = _Lru(ATTEMPT_CACHE_SIZE)
        self._pools: dict = {}
        self._enabled: bool | None = None
        self._tables: dict | None = None
        self._pending: list = []
        self._flushing = False

    # --- routing ----------------------------------------------------------------------------

    def enabled(self) -> bool:
        if self._enabled is None:
            self._enabled = connections["default"].vendor == "postgresql"
        return self._enabled

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "PUT" and self.enabled():
            match = ANSWER_PATH.match(scope["path"])
            if match:
                token = self._bearer(scope)
                if token is not None:
                    status, body = await self.handle(
                        token=token, attempt_id=int(match[1]), question_id=int(match[2]), receive=receive
                    )
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
        await self.app(scope, receive, send)

    @staticmethod
    def _bearer(scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, raw = value.decode("latin-1").partition(" ")
                return raw.strip() if scheme.lower() == "bearer" else None
        return None

    # --- database -----------------------------------------------------------------------------

    def tables(self) -> dict:
        if self._tables is None:
            from accounts.models import ApiToken, User
            from questionbank.models import QuestionRevision

            from .models import Attempt, AttemptItem

            self._tables = {
                "token": ApiToken._meta.db_table,
                "user": User._meta.db_table,
                "attempt": Attempt._meta.db_table,
                "item": AttemptItem._meta.db_table,
                "revision": QuestionRevision._meta.db_table,
            }
        return self._tables

    async def pool(self):
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            from psycopg_pool import AsyncConnectionPool

            s = connections["default"].settings_dict
            conninfo = {
                "dbname": s["NAME"],
                "user": s.get("USER") or "",
                "password": s.get("PASSWORD") or "",
                "host": s.get("HOST") or "",
                "port": str(s.get("PORT") or ""),
            }
            conninfo = " ".join(f"{k}='{v}'" for k, v in conninfo.items() if v)
            options = (s.get("OPTIONS") or {}).get("pool") or {}
            pool = AsyncConnectionPool(
                conninfo,
                min_size=int(options.get("min_size", 2)),
                max_size=int(options.get("max_size", 10)),
                kwargs={"autocommit": True},
                open=False,
            )
            await pool.open()
            self._pools[loop] = pool
        return pool

    async def close(self):
        for pool in list(self._pools.values()):
            await pool.close()
        self._pools.clear()

    async def user_for_token(self, raw: str):
        """(user_id, must_change_password) or None; cached for TOKEN_TTL_S."""
        if not raw or len(raw) > 200:
            return None
        key = _token_hash(raw)
        now = time.monotonic()
        hit = self.tokens.get(key)
        if hit is not None and now - hit[0] < TOKEN_TTL_S:
            return hit[1]
        t = self.tables()
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(
                f'SELECT u.id, u.must_change_password FROM "{t["token"]}" t JOIN "{t["user"]}" u ON u.id = t.user_id '  # noqa: S608 - table names from model meta
                "WHERE t.key_hash = %s AND t.expires_at > now() AND u.is_active",
                (key,),
            )
            row = await cur.fetchone()
        value = (row[0], row[1]) if row else None
        self.tokens.put(key, (now, value))
        return value

    async def attempt_meta(self, attempt_id: int):
        """(user_id, deadline, {revision_id: (item_id, qtype, option_count, blank_count)}) or None.
        Everything cached here is immutable once the attempt exists."""
        meta = self.attempts.get(attempt_id)
        if meta is not None:
            return meta
        t = self.tables()
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(f'SELECT user_id, deadline FROM "{t["attempt"]}" WHERE id = %s', (attempt_id,))  # noqa: S608
            head = await cur.fetchone()
            if head is None:
                return None
            cur = await conn.execute(
                f"SELECT i.id, i.revision_id, r.qtype, jsonb_array_length(i.option_order), "  # noqa: S608
                f"CASE WHEN r.qtype = 'fill_blank' AND jsonb_typeof(r.answer) = 'array' "
                f"THEN jsonb_array_length(r.answer) ELSE 0 END "
                f'FROM "{t["item"]}" i JOIN "{t["revision"]}" r ON r.id = i.revision_id WHERE i.attempt_id = %s',
                (attempt_id,),
            )
            items = {row[1]: (row[0], row[2], row[3], row[4]) for row in await cur.fetchall()}
        meta = (head[0], head[1], items)
        self.attempts.put(attempt_id, meta)
        return meta

    async def write(self, *, attempt_id: int, item_id: int, answer, now, key_hash: str) -> bool:
        """Queue one save for the group writer; True once committed, False if the attempt was closed
        or past its deadline, or the token revoked, at write time."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((attempt_id, item_id, answer, now, future, key_hash))
        if not self._flushing:
            self._flushing = True
            loop.create_task(self._flush())
        return await future

    async def _flush(self):
        """Group commit: while one batch is in flight the next requests queue up, and the next batch
        takes them all (one statement, one commit). No artificial delay, so an idle server writes a lone
        answer at once. One batch at a time per process: no two of our batches wait on each other."""
        try:
            while self._pending:
                batch, seen, rest = [], set(), []
                for entry in self._pending:
                    # the same question twice in one statement would update the row once: keep order
                    if entry[1] in seen or len(batch) >= MAX_BATCH:
                        rest.append(entry)
                    else:
                        seen.add(entry[1])
                        batch.append(entry)
                self._pending = rest
                try:
                    done = await self._write_batch(batch)
                except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
                    for entry in batch:
                        if not entry[4].done():
                            entry[4].set_exception(exc)
                    continue
                for entry in batch:
                    if not entry[4].done():
                        entry[4].set_result(entry[1] in done)
        finally:
            self._flushing = False

    async def _write_batch(self, batch: list) -> set[int]:
        from psycopg.types.json import Jsonb

        t = self.tables()
        pool = await self.pool()
        # Token revocation (password change, deactivation, admin reset, logout) must stop saves at once,
        # across every server process, while the token → user lookup stays cached. Rather than a
        # per-user generation in Redis (one more round trip per save, and nothing shared without Redis)
        # or cache invalidation (lost if a process misses it), the write re-checks the token in the same
        # statement: an index probe inside the round trip we make anyway. A save whose statement began
        # before the revocation committed may still land, exactly as if it had arrived a moment earlier.
        async with pool.connection() as conn:
            cur = await conn.execute(
                "WITH v AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::jsonb[], %s::timestamptz[], "  # noqa: S608
                "%s::text[]) AS v(attempt_id, item_id, answer, saved_at, key_hash)), "
                f'o AS (SELECT id, user_id, deadline FROM "{t["attempt"]}" WHERE id IN (SELECT attempt_id FROM v) '
                "AND state = 'active' FOR KEY SHARE), "
                f'k AS (SELECT tk.key_hash, tk.user_id FROM "{t["token"]}" tk JOIN "{t["user"]}" u ON u.id = tk.user_id '
                "WHERE tk.key_hash IN (SELECT key_hash FROM v) AND tk.expires_at > now() AND u.is_active) "
                f'UPDATE "{t["item"]}" AS i SET answer = v.answer, saved_at = v.saved_at '
                "FROM v JOIN o ON o.id = v.attempt_id AND o.deadline > v.saved_at "
                "JOIN k ON k.key_hash = v.key_hash AND k.user_id = o.user_id "
                "WHERE i.id = v.item_id AND i.attempt_id = v.attempt_id RETURNING i.id",
                (
                    [e[0] for e in batch],
                    [e[1] for e in batch],
                    [Jsonb(e[2]) for e in batch],
                    [e[3] for e in batch],
                    [e[5] for e in batch],
                ),
            )
            return {row[0] for row in await cur.fetchall()}

    # --- the request ----------------------------------------------------------------------------

    async def read_body(self, receive):
        """The body, None if the client went away, TOO_BIG past MAX_BODY (the rest is not read)."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                return TOO_BIG
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def slow_path(self, *, token: str, attempt_id: int, question_id: int, answer) -> tuple[int, bytes]:
        """The full service, for every case the fast path does not handle itself. The token is resolved
        afresh (not from the cache), so a revoked token is refused here too."""

        def run():
            from accounts.tokens import token_user

            from .services import answer_save

            try:
                user = token_user(token)
                if user is None:
                    return UNAUTHORIZED
                if user.must_change_password:
                    return PASSWORD_CHANGE_REQUIRED
                remaining = answer_save(user=user, attempt_id=attempt_id, question_id=question_id, answer=answer)
            except errors.CompetitionError as exc:
                return _error(exc)
            finally:
                connections["default"].close()  # back to the pool: no request cycle will do it here
            return _response_bytes(200, {"saved": True, "remaining_s": remaining})

        return await sync_to_async(run)()

    async def handle(self, *, token: str, attempt_id: int, question_id: int, receive) -> tuple[int, bytes]:
        body = await self.read_body(receive)
        if body is TOO_BIG:
            return PAYLOAD_TOO_LARGE
        who = await self.user_for_token(token)
        if who is None:
            return UNAUTHORIZED
        user_id, must_change = who
        if must_change:
            return PASSWORD_CHANGE_REQUIRED
        try:
            payload = loads_json(body) if body else None
        except AppError as exc:  # the API's own parser (quizsite.api) refuses the same bodies the same way
            return _response_bytes(exc.status, {"code": exc.code, "message": exc.message})
        if not isinstance(payload, dict) or "answer" not in payload:
            return _response_bytes(422, {"code": "invalid_request", "message": "请求格式不正确：answer"})
        answer = payload["answer"]
        meta = await self.attempt_meta(attempt_id)
        if meta is None or meta[0] != user_id:
            return _error(errors.AttemptNotFound())
        _owner, deadline, items = meta
        item = items.get(question_id)
        now = timezone.now()
        if item is None or now >= deadline:
            return await self.slow_path(token=token, attempt_id=attempt_id, question_id=question_id, answer=answer)
        item_id, qtype, option_count, blank_count = item
        try:
            validate_answer_shape(
                qtype=qtype,
                options=[{"key": LETTERS[i]} for i in range(option_count)],
                blank_count=blank_count,
                answer=answer,
            )
        except ShapeError as exc:
            return _error(errors.MalformedAnswer(str(exc)))
        try:
            written = await self.write(
                attempt_id=attempt_id, item_id=item_id, answer=answer, now=now, key_hash=_token_hash(token)
            )
        except Exception:  # noqa: BLE001 - e.g. a deadlock victim or a lost connection: the service retries
            written = False
        if written:
            remaining = max(0, int((deadline - now).total_seconds()))
            return _response_bytes(200, {"saved": True, "remaining_s": remaining})
        # closed meanwhile (submitted, finalised by the sweep): let the service say which
        return await self.slow_path(token=token, attempt_id=attempt_id, question_id=question_id, answer=answer)
