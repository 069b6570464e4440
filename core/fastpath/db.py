"""The fast paths' two ways to the database: an asyncio psycopg pool for their own SQL, and a thread
pool for the Django service when they hand a request over (`in_django`)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from core.background import deferring

FALLBACK_THREADS = 8


def is_postgres() -> bool:
    return connections["default"].vendor == "postgresql"


class Pools:
    """One autocommit AsyncConnectionPool per event loop (tests run one loop each), sized like Django's
    own pool (DB_POOL_MIN / DB_POOL_MAX). quizsite/asgi.py gives every fast path the same one."""

    def __init__(self):
        self._pools: dict = {}

    async def get(self):
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            # the first requests of a process arrive together: one of them opens the pool, the rest
            # wait for it (each opening its own would leak pools and their connections)
            pool = self._pools[loop] = loop.create_task(self._open())
        if isinstance(pool, asyncio.Task):
            return await asyncio.shield(pool)
        return pool

    async def _open(self):
        from psycopg_pool import AsyncConnectionPool

        loop = asyncio.get_running_loop()
        s = connections["default"].settings_dict
        info = {
            "dbname": s["NAME"],
            "user": s.get("USER") or "",
            "password": s.get("PASSWORD") or "",
            "host": s.get("HOST") or "",
            "port": str(s.get("PORT") or ""),
        }
        conninfo = " ".join(f"{k}='{v}'" for k, v in info.items() if v)
        options = (s.get("OPTIONS") or {}).get("pool") or {}
        pool = AsyncConnectionPool(
            conninfo,
            min_size=int(options.get("min_size", 2)),
            max_size=int(options.get("max_size", 10)),
            kwargs={"autocommit": True},
            open=False,
        )
        try:
            await pool.open()
        except BaseException:
            self._pools.pop(loop, None)  # the next request tries again
            raise
        self._pools[loop] = pool
        return pool

    async def close(self):
        for pool in list(self._pools.values()):
            if isinstance(pool, asyncio.Task):
                pool = await pool
            await pool.close()
        self._pools.clear()


_fallback: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _fallback  # noqa: PLW0603 - one pool per process, created on first use
    if _fallback is None:
        size = int(getattr(settings, "FASTPATH_FALLBACK_THREADS", FALLBACK_THREADS))
        _fallback = ThreadPoolExecutor(size, thread_name_prefix="fastpath-fallback")
    return _fallback


async def in_django(fn, /, *args, **kwargs):
    """Run the Django service `fn` for a request the fast path hands over. Not on asgiref's single
    thread-sensitive thread (no request context exists here to give it one of its own, so every
    handed-over request of the process would queue there, exactly at a deadline), but on a bounded pool
    whose threads give their database connection back after each call. Slow follow-ups the service
    triggers (board rebuilds) run after the response (core.background.follow_up)."""

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()  # back to Django's pool: no request cycle will do it here

    with deferring():
        return await sync_to_async(run, thread_sensitive=False, executor=_executor())()
