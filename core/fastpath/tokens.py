"""Bearer token → user for the fast paths, cached in-process for TOKEN_TTL_S. The account tables are
injected (core must not import accounts); tests/core/test_fastpath_schema.py holds the columns to the
models and tests/core/test_fastpath_parity.py the hash to accounts.tokens."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from datetime import datetime
from typing import NamedTuple

TOKEN_TTL_S = 30.0
CACHE_SIZE = 100_000
MAX_TOKEN_LENGTH = 200  # accounts.tokens.token_user refuses longer ones the same way


class Lru(OrderedDict):
    def __init__(self, size: int = CACHE_SIZE):
        super().__init__()
        self.size = size

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


class TokenUser(NamedTuple):
    user_id: int
    must_change_password: bool
    date_joined: datetime | None
    on_roster: bool  # has a membership at a node of the org tree


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenResolver:
    """`token_model`: key_hash, user_id, expires_at; `membership_model`: user_id, org_id; the user model:
    id, is_active, must_change_password, date_joined."""

    def __init__(self, *, token_model, membership_model, pools):
        self._models = (token_model, membership_model)
        self._pools = pools
        self.cache = Lru()
        self._sql: str | None = None

    def sql(self) -> str:
        if self._sql is None:
            from django.contrib.auth import get_user_model

            token, membership = (m._meta.db_table for m in self._models)
            user = get_user_model()._meta.db_table
            self._sql = (
                "SELECT u.id, u.must_change_password, u.date_joined, "  # noqa: S608 - table names from model meta
                f'EXISTS (SELECT 1 FROM "{membership}" m WHERE m.user_id = u.id AND m.org_id IS NOT NULL) '
                f'FROM "{token}" t JOIN "{user}" u ON u.id = t.user_id '
                "WHERE t.key_hash = %s AND t.expires_at > now() AND u.is_active"
            )
        return self._sql

    async def user(self, raw: str) -> TokenUser | None:
        """The token's user (active, unexpired token), or None; cached, so callers whose write must not
        outlive a revocation re-check the token in that write (see competitions.fastpath)."""
        if not raw or len(raw) > MAX_TOKEN_LENGTH:
            return None
        key = token_hash(raw)
        now = time.monotonic()
        hit = self.cache.get(key)
        if hit is not None and now - hit[0] < TOKEN_TTL_S:
            return hit[1]
        pool = await self._pools.get()
        async with pool.connection() as conn:
            cur = await conn.execute(self.sql(), (key,))
            row = await cur.fetchone()
        value = TokenUser(*row) if row else None
        self.cache.put(key, (now, value))
        return value
