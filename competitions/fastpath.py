"""The lean answer-save path: `PUT /api/v1/attempts/{id}/answers/{question_id}` with a Bearer token,
served as raw ASGI in front of Django when the database is PostgreSQL (frame, tokens, group commit and
rules: core/fastpath; this module is the route and its SQL).

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

import functools
import re
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone

from core.fastpath import FastPath, GroupCommit, Lru, Reply, in_django, json_fields, token_hash

from . import errors
from .services import answer_shape_check

ANSWER_PATH = re.compile(r"^/api/v1/attempts/(\d{1,18})/answers/(\d{1,18})$")
MAX_BODY = 64 * 1024
ATTEMPT_CACHE_SIZE = 100_000
MAX_BATCH = 500


class Item(NamedTuple):
    item_id: int
    qtype: str
    option_count: int
    blank_count: int


class AttemptMeta(NamedTuple):
    """Everything cached here is immutable once the attempt exists."""

    user_id: int
    deadline: datetime
    items: dict[int, Item]  # by question (revision) id


class Save(NamedTuple):
    attempt_id: int
    item_id: int
    answer: object
    saved_at: datetime
    key_hash: str


class Statements(NamedTuple):
    attempt: str
    items: str
    save: str


@functools.cache
def statements() -> Statements:
    from django.contrib.auth import get_user_model

    from accounts.models import ApiToken
    from questionbank.models import QuestionRevision, QuestionType

    from .models import Attempt, AttemptItem, AttemptState

    attempt, item = Attempt._meta.db_table, AttemptItem._meta.db_table
    revision, token, user = QuestionRevision._meta.db_table, ApiToken._meta.db_table, get_user_model()._meta.db_table
    active, fill_blank = AttemptState.ACTIVE.value, QuestionType.FILL_BLANK.value
    # noqa below: table names and enum values come from the models, never from a request
    return Statements(
        attempt=f'SELECT a.user_id, a.deadline FROM "{attempt}" a WHERE a.id = %s',  # noqa: S608
        # blank_count as QuestionRevision.blank_count computes it
        items=(
            "SELECT i.id, i.revision_id, r.qtype, jsonb_array_length(i.option_order), "  # noqa: S608
            f"CASE WHEN r.qtype = '{fill_blank}' AND jsonb_typeof(r.answer) = 'array' "
            "THEN jsonb_array_length(r.answer) ELSE 0 END "
            f'FROM "{item}" i JOIN "{revision}" r ON r.id = i.revision_id WHERE i.attempt_id = %s'
        ),
        # Token revocation (password change, deactivation, admin reset, logout) must stop saves at once,
        # across every server process, while the token → user lookup stays cached: the write re-checks
        # the token in the same statement (an index probe inside the round trip we make anyway). A save
        # whose statement began before the revocation committed may still land, as if a moment earlier.
        save=(
            "WITH v AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::jsonb[], %s::timestamptz[], "  # noqa: S608
            "%s::text[]) AS v(attempt_id, item_id, answer, saved_at, key_hash)), "
            f'o AS (SELECT a.id, a.user_id, a.deadline FROM "{attempt}" a WHERE a.id IN (SELECT attempt_id FROM v) '
            f"AND a.state = '{active}' FOR KEY SHARE), "
            f'k AS (SELECT tk.key_hash, tk.user_id FROM "{token}" tk JOIN "{user}" u ON u.id = tk.user_id '
            "WHERE tk.key_hash IN (SELECT key_hash FROM v) AND tk.expires_at > now() AND u.is_active) "
            f'UPDATE "{item}" AS i SET answer = v.answer, saved_at = v.saved_at '
            "FROM v JOIN o ON o.id = v.attempt_id AND o.deadline > v.saved_at "
            "JOIN k ON k.key_hash = v.key_hash AND k.user_id = o.user_id "
            "WHERE i.id = v.item_id AND i.attempt_id = v.attempt_id RETURNING i.id"
        ),
    )


class AnswerFastPath(FastPath):
    method = "PUT"
    path = ANSWER_PATH
    max_body = MAX_BODY

    def __init__(self, app, **kw):
        super().__init__(app, **kw)
        self.attempts: Lru = Lru(ATTEMPT_CACHE_SIZE)
        self.saves = GroupCommit(self._write_batch, max_batch=MAX_BATCH, distinct=lambda s: s.item_id, name="answers")

    async def attempt_meta(self, attempt_id: int) -> AttemptMeta | None:
        meta = self.attempts.get(attempt_id)
        if meta is not None:
            return meta
        sql = statements()
        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(sql.attempt, (attempt_id,))
            head = await cur.fetchone()
            if head is None:
                return None
            cur = await conn.execute(sql.items, (attempt_id,))
            items = {row[1]: Item(row[0], row[2], row[3], row[4]) for row in await cur.fetchall()}
        meta = AttemptMeta(head[0], head[1], items)
        self.attempts.put(attempt_id, meta)
        return meta

    async def _write_batch(self, batch: list[Save]) -> list[bool]:
        """True for each save committed; False if its attempt was closed or past its deadline, or its
        token revoked, at write time."""
        from psycopg.types.json import Jsonb

        pool = await self.pool()
        async with pool.connection() as conn:
            cur = await conn.execute(
                statements().save,
                (
                    [s.attempt_id for s in batch],
                    [s.item_id for s in batch],
                    [Jsonb(s.answer) for s in batch],
                    [s.saved_at for s in batch],
                    [s.key_hash for s in batch],
                ),
            )
            done = {row[0] for row in await cur.fetchall()}
        return [s.item_id in done for s in batch]

    async def slow_path(self, *, token: str, attempt_id: int, question_id: int, answer) -> Reply:
        """The full service, for every case the fast path does not handle itself. The token is resolved
        afresh (not from the cache), so a revoked token is refused here too."""

        def run():
            from accounts.tokens import token_user
            from core.errors import PasswordChangeRequired, Unauthorized

            from .services import answer_save

            user = token_user(token)
            if user is None:
                raise Unauthorized()
            if user.must_change_password:
                raise PasswordChangeRequired()
            return answer_save(user=user, attempt_id=attempt_id, question_id=question_id, answer=answer)

        return _saved(await in_django(run))

    async def handle(self, request) -> Reply:
        attempt_id, question_id = int(request.match[1]), int(request.match[2])
        who = await self.account(request.token)
        answer = json_fields(request.body, "answer")["answer"]
        meta = await self.attempt_meta(attempt_id)
        if meta is None or meta.user_id != who.user_id:
            raise errors.AttemptNotFound()
        item = meta.items.get(question_id)
        now = timezone.now()
        if item is None or now >= meta.deadline:
            return await self.slow_path(
                token=request.token, attempt_id=attempt_id, question_id=question_id, answer=answer
            )
        answer_shape_check(
            qtype=item.qtype, option_count=item.option_count, blank_count=item.blank_count, answer=answer
        )
        try:
            written = await self.saves.submit(Save(attempt_id, item.item_id, answer, now, token_hash(request.token)))
        except Exception:  # noqa: BLE001 - e.g. a deadlock victim or a lost connection: the service retries
            written = False
        if written:
            return _saved(max(0, int((meta.deadline - now).total_seconds())))
        # closed meanwhile (submitted, finalised by the sweep): let the service say which
        return await self.slow_path(token=request.token, attempt_id=attempt_id, question_id=question_id, answer=answer)


def _saved(remaining_s: int) -> Reply:
    return Reply(200, {"saved": True, "remaining_s": remaining_s})
